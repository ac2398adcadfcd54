import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { sql } from 'kysely';
import { DataSource, EntityManager } from 'typeorm';
import { AppError, AuthUser, cityToday, ErrorCode, nfc } from '@app/common';
import { AuditService } from '@app/audit';
import { db } from '@app/database';
import { HolidayList, HolidayView, SetHolidayDto } from './dto/holiday.dto';
import { lookaheadDays, nextDay, workingDaysEnd } from './working-days';

interface HolidayRow {
  day: string;
  name_vi: string;
  name_en: string;
}

/** A date column as YYYY-MM-DD (the driver would give a Date at the server's midnight). */
const DAY = sql<string>`to_char(day, 'YYYY-MM-DD')`.as('day');

const toView = (r: HolidayRow): HolidayView => ({ date: r.day, nameVi: r.name_vi, nameEn: r.name_en });

/**
 * The city calendar: weekends and the listed holidays are days off. Admins keep the list (the
 * Government announces Tết and compensating days each year); periods in working days read it.
 */
@Injectable()
export class CalendarService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async list(year?: number): Promise<HolidayList> {
    let query = db(this.dataSource).selectFrom('city_holidays').select([DAY, 'name_vi', 'name_en']).orderBy('day');
    if (year !== undefined) query = query.where(sql<number>`extract(year FROM day)`, '=', year);
    const rows: HolidayRow[] = await query.execute();
    return { items: rows.map(toView) };
  }

  async set(actor: AuthUser, day: string, dto: SetHolidayDto): Promise<HolidayView> {
    const nameVi = nfc(dto.nameVi);
    const nameEn = nfc(dto.nameEn);
    return this.dataSource.transaction(async (manager) => {
      const before = await this.find(manager, day, true);
      await db(manager)
        .insertInto('city_holidays')
        .values({ day, name_vi: nameVi, name_en: nameEn, updated_by: actor.id })
        .onConflict((c) =>
          c.column('day').doUpdateSet({ name_vi: nameVi, name_en: nameEn, updated_by: actor.id, updated_at: sql`now()` }),
        )
        .execute();
      const after = { date: day, nameVi, nameEn };
      await this.audit.record(manager, {
        actor,
        action: before ? 'calendar.holiday_changed' : 'calendar.holiday_added',
        entityType: 'city_holiday',
        entityId: null,
        before: before ? { ...before } : null,
        after: { ...after },
      });
      return after;
    });
  }

  async remove(actor: AuthUser, day: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const before = await this.find(manager, day, true);
      if (!before) throw new AppError(ErrorCode.HOLIDAY_NOT_FOUND, { date: day });
      await db(manager)
        .deleteFrom('city_holidays')
        .where('day', '=', sql<Date>`${day}::date`)
        .execute();
      await this.audit.record(manager, {
        actor,
        action: 'calendar.holiday_removed',
        entityType: 'city_holiday',
        entityId: null,
        before: { ...before },
        after: null,
      });
    });
  }

  /** When `workingDays` working days counted after the city day of `at` end (see workingDaysEnd). */
  async periodEnd(manager: EntityManager, at: Date, workingDays: number): Promise<Date> {
    const from = nextDay(cityToday(at));
    const rows = await db(manager)
      .selectFrom('city_holidays')
      .select(DAY)
      .where('day', '>=', sql<Date>`${from}::date`)
      .where('day', '<', sql<Date>`${from}::date + ${lookaheadDays(workingDays) + 366}::int`)
      .execute();
    return workingDaysEnd(at, workingDays, new Set(rows.map((r) => r.day)));
  }

  private async find(manager: EntityManager, day: string, lock = false): Promise<HolidayView | null> {
    let query = db(manager)
      .selectFrom('city_holidays')
      .select([DAY, 'name_vi', 'name_en'])
      .where('day', '=', sql<Date>`${day}::date`);
    if (lock) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row ? toView(row) : null;
  }
}
