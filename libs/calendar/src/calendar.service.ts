import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppError, AuthUser, cityToday, ErrorCode, nfc } from '@app/common';
import { AuditService } from '@app/audit';
import { HolidayList, HolidayView, SetHolidayDto } from './dto/holiday.dto';
import { lookaheadDays, nextDay, workingDaysEnd } from './working-days';

interface HolidayRow {
  day: string;
  name_vi: string;
  name_en: string;
}

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
    const rows = await this.dataSource.query<HolidayRow[]>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, name_vi, name_en FROM city_holidays
       WHERE $1::int IS NULL OR extract(year FROM day) = $1 ORDER BY day`,
      [year ?? null],
    );
    return { items: rows.map(toView) };
  }

  async set(actor: AuthUser, day: string, dto: SetHolidayDto): Promise<HolidayView> {
    const nameVi = nfc(dto.nameVi);
    const nameEn = nfc(dto.nameEn);
    return this.dataSource.transaction(async (manager) => {
      const before = await this.find(manager, day, true);
      await manager.query(
        `INSERT INTO city_holidays (day, name_vi, name_en, updated_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT (day) DO UPDATE SET name_vi = $2, name_en = $3, updated_by = $4, updated_at = now()`,
        [day, nameVi, nameEn, actor.id],
      );
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
      await manager.query(`DELETE FROM city_holidays WHERE day = $1`, [day]);
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
    const rows = await manager.query<{ day: string }[]>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day FROM city_holidays WHERE day >= $1::date AND day < $1::date + $2::int`,
      [from, lookaheadDays(workingDays) + 366],
    );
    return workingDaysEnd(at, workingDays, new Set(rows.map((r) => r.day)));
  }

  private async find(manager: EntityManager, day: string, lock = false): Promise<HolidayView | null> {
    const rows = await manager.query<HolidayRow[]>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, name_vi, name_en FROM city_holidays WHERE day = $1${lock ? ' FOR UPDATE' : ''}`,
      [day],
    );
    return rows[0] ? toView(rows[0]) : null;
  }
}
