import { assertCommuneLevelArea } from '@app/areas';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { sql } from 'kysely';
import { DataSource } from 'typeorm';
import { AppConfig, AppError, AuthUser, cityIso, ErrorCode, nfc, problemStatus } from '@app/common';
import { AuditService } from '@app/audit';
import { db } from '@app/database';
import { NotificationsService } from '@app/notifications';
import { OcdsService } from '@app/ocds';
import { AmendmentRefusal, amendDeadlines, refuseAmendedDates } from './deadline-rules';
import { AmendProblemDto } from './dto/amend-problem.dto';
import { assertDepartmentOfficer, assertVisible, findProblem, Viewer } from './problem-access';
import { audienceOf } from './problem-audience';
import { ProblemDeadlinesService } from './problem-deadlines.service';
import { diffFields, normaliseFields, ProblemFields } from './problem-fields';
import { problemColumns } from './problem-record';
import { AmendmentView, ProblemView, toAmendmentView } from './problem-views';
import { assertClarificationBeforeDeadline, databaseNow, ProblemsService } from './problems.service';

export class AmendmentList {
  items: AmendmentView[];
}

export class AmendmentResult {
  amendment: AmendmentView & { deadlinePushed: boolean };
  problem: ProblemView;
}

/**
 * After publishing, a problem changes only by numbered amendment: each records the fields it
 * changed (before/after) and why, keeps at least AMENDMENT_MIN_REMAINING_DAYS to the deadline, and
 * tells everyone who asked, follows or bid; live proposals must be confirmed or revised.
 */
@Injectable()
export class AmendmentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly deadlines: ProblemDeadlinesService,
    private readonly problems: ProblemsService,
    private readonly config: AppConfig,
    private readonly ocds: OcdsService,
  ) {}

  async amend(actor: AuthUser, id: string, dto: AmendProblemDto): Promise<AmendmentResult> {
    const { rubric, ...changes } = dto.changes;
    const reason = nfc(dto.reason);
    return this.dataSource.transaction(async (manager) => {
      const problem = await findProblem(manager, id, true);
      assertDepartmentOfficer(actor, problem, 'amend');
      if (rubric !== undefined) throw new AppError(ErrorCode.RUBRIC_FROZEN);
      if (problem.status !== 'published') {
        throw new AppError(
          ErrorCode.PROBLEM_STATUS_CONFLICT,
          { context: 'amend', status: problemStatus(problem.status) },
          {
            status: problem.status,
          },
        );
      }
      const given = normaliseFields(changes);
      if (Object.keys(diffFields(problem, given)).length === 0) throw new AppError(ErrorCode.AMENDMENT_EMPTY);
      const now = await databaseNow(manager);
      const refusal = refuseAmendedDates({
        now,
        publishedAt: problem.publishedAt ?? now,
        deadline: problem.deadline,
        clarificationDeadline: problem.clarificationDeadline,
        requestedDeadline: given.deadline,
        requestedClarificationDeadline: given.clarificationDeadline,
        minOpenDays: this.config.get('PROBLEM_MIN_OPEN_DAYS'),
      });
      if (refusal) throw amendmentRefused(refusal, problem.deadline, problem.clarificationDeadline);
      const dates = amendDeadlines({
        now,
        deadline: problem.deadline,
        clarificationDeadline: problem.clarificationDeadline,
        requestedDeadline: given.deadline,
        requestedClarificationDeadline: given.clarificationDeadline,
        minRemainingDays: this.config.get('AMENDMENT_MIN_REMAINING_DAYS'),
      });
      given.deadline = dates.deadline;
      given.clarificationDeadline = dates.clarificationDeadline;
      assertClarificationBeforeDeadline(dates);
      if (given.areaCode) await assertCommuneLevelArea(manager, given.areaCode);
      const diff = diffFields(problem, given);

      const number = problem.amendmentCount + 1;
      const changed = Object.fromEntries(
        Object.keys(diff).map((k) => [k, given[k as keyof typeof given]]),
      ) as Partial<ProblemFields>;
      await db(manager)
        .updateTable('problems')
        .set({ ...problemColumns(changed), amendment_count: number, updated_at: sql<Date>`CURRENT_TIMESTAMP` })
        .where('id', '=', id)
        .execute();
      const amendment = await db(manager)
        .insertInto('problem_amendments')
        .values({
          problem_id: id,
          number,
          changes: JSON.stringify(diff),
          reason,
          previous_deadline: problem.deadline,
          new_deadline: dates.deadline,
          created_by: actor.id,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await this.ocds.record(manager, id, 'tenderAmendment', { amendmentNumber: number });
      await this.audit.record(manager, {
        actor,
        action: 'problem.amended',
        entityType: 'problem',
        entityId: id,
        before: { deadline: problem.deadline, amendmentCount: problem.amendmentCount },
        after: { amendmentId: amendment.id, number, reason, changes: diff, deadlinePushed: dates.pushed },
      });
      if (diff.deadline) await this.deadlines.planDeadlineJobs(manager, id, now);

      // Live proposals were written against the old text: their firms must confirm or revise
      // (a proposal needs confirmation while its latest answer is older than amendment `number`).
      const bidders = await audienceOf(manager, id, ['bidders']);
      const params = { problem: problem.title, number, reason, deadline: dates.deadline };
      const data = { problemId: id, amendmentNumber: number };
      const firms = await audienceOf(manager, id, ['followers', 'askers', 'bidders', 'invited']);
      await this.notifications.notifyEnterprises(manager, firms, {
        kind: 'problem.amended',
        message: diff.deadline ? 'amendedNewDeadline' : 'amended',
        params,
        data,
      });
      await this.notifications.notifyEnterprises(manager, bidders, {
        kind: 'proposal.confirm_or_revise',
        message: diff.deadline ? 'confirmOrReviseNewDeadline' : 'confirmOrRevise',
        params,
        data,
      });
      return {
        amendment: { ...toAmendmentView(amendment), deadlinePushed: dates.pushed },
        problem: await this.problems.view(manager, await findProblem(manager, id)),
      };
    });
  }

  async list(viewer: Viewer, id: string): Promise<AmendmentList> {
    const problem = await findProblem(this.dataSource.manager, id);
    assertVisible(viewer, problem);
    const rows = await db(this.dataSource)
      .selectFrom('problem_amendments')
      .selectAll()
      .where('problem_id', '=', id)
      .orderBy('number', 'asc')
      .execute();
    return { items: rows.map(toAmendmentView) };
  }
}

function amendmentRefused(refusal: AmendmentRefusal, deadline: Date, clarificationDeadline: Date): AppError {
  const current = { deadline: cityIso(deadline), clarificationDeadline: cityIso(clarificationDeadline) };
  switch (refusal.reason) {
    case 'deadline_passed':
      return new AppError(ErrorCode.PROBLEM_STATUS_CONFLICT, { context: 'amendAfterDeadline' }, current);
    case 'deadline_shortened':
      return new AppError(ErrorCode.DEADLINE_SHORTENED, { deadline }, current);
    case 'below_minimum_open_period':
      return new AppError(
        ErrorCode.DEADLINE_TOO_SOON,
        { context: 'amend', earliest: refusal.earliest },
        { ...current, earliestDeadline: cityIso(refusal.earliest) },
      );
    case 'clarification_shortened':
      return new AppError(
        ErrorCode.CLARIFICATION_DEADLINE_INVALID,
        { context: 'shortened', clarificationDeadline },
        { ...current, reason: 'shortened' },
      );
    case 'clarification_past':
      return new AppError(ErrorCode.CLARIFICATION_DEADLINE_INVALID, { context: 'past' }, { ...current, reason: 'past' });
  }
}
