import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { sql } from 'kysely';
import { AppConfig, AppError, cityIso, ErrorCode } from '@app/common';
import { db } from '@app/database';
import { CalendarService } from '@app/calendar';
import { CurrentDecision, DecisionsService } from '@app/evaluation';
import { assertVisible, findProblem, Viewer } from '@app/problems';
import { PENDING_COMPLAINT_STATUSES } from './complaint.constants';
import { StandstillView } from './dto/complaint.dto';

export interface Standstill {
  decision: CurrentDecision;
  workingDays: number;
  endsAt: Date;
  /** By the database clock. */
  open: boolean;
  pendingComplaints: number;
}

/**
 * The standstill after a decision: STANDSTILL_WORKING_DAYS working days of the city calendar,
 * counted from the day after the decision. Fixed (in standstill_periods) when first needed.
 */
@Injectable()
export class StandstillService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly decisions: DecisionsService,
    private readonly calendar: CalendarService,
    private readonly config: AppConfig,
  ) {}

  /** The period after the problem's current decision, or null while nothing is decided. */
  async of(manager: EntityManager, problemId: string): Promise<Standstill | null> {
    const decision = await this.decisions.current(manager, problemId);
    if (!decision) return null;
    const find = () =>
      db(manager)
        .selectFrom('standstill_periods')
        .select(['working_days', 'ends_at', sql<boolean>`now() < ends_at`.as('open')])
        .where('problem_id', '=', problemId)
        .where('decided_at', '=', decision.decidedAt)
        .executeTakeFirst();
    let period = await find();
    if (!period) {
      const workingDays = this.config.get('STANDSTILL_WORKING_DAYS');
      const endsAt = await this.calendar.periodEnd(manager, decision.decidedAt, workingDays);
      await db(manager)
        .insertInto('standstill_periods')
        .values({
          problem_id: problemId,
          decided_at: decision.decidedAt,
          outcome: decision.outcome,
          working_days: workingDays,
          ends_at: endsAt,
        })
        .onConflict((c) => c.doNothing())
        .execute();
      period = await find();
      if (!period) throw new Error(`standstill period of ${problemId} missing after insert`);
    }
    const { n } = await db(manager)
      .selectFrom('complaints')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('problem_id', '=', problemId)
      .where('decided_at', '=', decision.decidedAt)
      .where('status', 'in', PENDING_COMPLAINT_STATUSES)
      .executeTakeFirstOrThrow();
    return { decision, workingDays: period.working_days, endsAt: period.ends_at, open: period.open, pendingComplaints: n };
  }

  /** Public: the period and whether an order may start. */
  async view(viewer: Viewer, problemId: string): Promise<StandstillView> {
    return this.dataSource.transaction(async (manager) => {
      assertVisible(viewer, await findProblem(manager, problemId));
      const s = await this.of(manager, problemId);
      if (!s) throw new AppError(ErrorCode.PROBLEM_NOT_DECIDED);
      return {
        problemId,
        outcome: s.decision.outcome,
        decidedAt: cityIso(s.decision.decidedAt),
        workingDays: s.workingDays,
        endsAt: cityIso(s.endsAt),
        open: s.open,
        pendingComplaints: s.pendingComplaints,
        orderMayStart: mayStart(s),
      };
    });
  }

  /**
   * For whoever starts the order (in its transaction): refuses while the problem has no award,
   * while the period runs, and while a complaint awaits the reviewing body's decision.
   */
  async assertOrderMayStart(manager: EntityManager, problemId: string): Promise<CurrentDecision> {
    const s = await this.of(manager, problemId);
    if (!s || s.decision.outcome !== 'awarded') throw new AppError(ErrorCode.STANDSTILL_NOT_OVER, { context: 'noAward' });
    if (s.open) throw new AppError(ErrorCode.STANDSTILL_NOT_OVER, { endsAt: cityIso(s.endsAt) }, { endsAt: cityIso(s.endsAt) });
    if (s.pendingComplaints > 0) {
      throw new AppError(
        ErrorCode.STANDSTILL_NOT_OVER,
        { context: 'pendingComplaint' },
        { pendingComplaints: s.pendingComplaints },
      );
    }
    return s.decision;
  }
}

function mayStart(s: Standstill): boolean {
  return s.decision.outcome === 'awarded' && !s.open && s.pendingComplaints === 0;
}
