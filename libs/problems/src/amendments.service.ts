import { assertCommuneLevelArea } from '@app/areas';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig, AppError, AuthUser, ErrorCode, nfc, problemStatus } from '@app/common';
import { AuditService } from '@app/audit';
import { NotificationsService } from '@app/notifications';
import { OcdsService } from '@app/ocds';
import { amendDeadlines } from './deadline-rules';
import { AmendProblemDto } from './dto/amend-problem.dto';
import { Problem } from './entities/problem.entity';
import { ProblemAmendment } from './entities/problem-amendment.entity';
import { assertDepartmentOfficer, assertVisible, findProblem, Viewer } from './problem-access';
import { audienceOf } from './problem-audience';
import { ProblemDeadlinesService } from './problem-deadlines.service';
import { diffFields, normaliseFields } from './problem-fields';
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
        throw new AppError(ErrorCode.PROBLEM_STATUS_CONFLICT, { context: 'amend', status: problemStatus(problem.status) }, {
          status: problem.status,
        });
      }
      const given = normaliseFields(changes);
      if (Object.keys(diffFields(problem, given)).length === 0) throw new AppError(ErrorCode.AMENDMENT_EMPTY);
      const now = await databaseNow(manager);
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
      const changed = Object.fromEntries(Object.keys(diff).map((k) => [k, given[k as keyof typeof given]]));
      await manager.getRepository(Problem).update({ id }, { ...changed, amendmentCount: number });
      const repo = manager.getRepository(ProblemAmendment);
      const amendment = await repo.save(
        repo.create({ problemId: id, number, changes: diff, reason, previousDeadline: problem.deadline, newDeadline: dates.deadline, createdBy: actor.id }),
      );
      await this.ocds.record(manager, id, 'tenderAmendment', { amendmentNumber: number });
      await this.audit.record(manager, {
        actor,
        action: 'problem.amended',
        entityType: 'problem',
        entityId: id,
        before: { deadline: problem.deadline, amendmentCount: problem.amendmentCount },
        after: { amendmentId: amendment.id, number, reason, changes: diff, deadlinePushed: dates.pushed },
      });
      if (diff.deadline) await this.deadlines.planDeadlineJobs(manager, id, dates.deadline, now);

      // Live proposals were written against the old text: their firms must confirm or revise.
      // (an UPDATE through manager.query() answers [rows, affected count])
      const [flagged] = await manager.query<[{ enterprise_id: string }[], number]>(
        `UPDATE proposals SET needs_confirmation = true, updated_at = now()
          WHERE problem_id = $1 AND status <> 'withdrawn' RETURNING enterprise_id`,
        [id],
      );
      const params = { problem: problem.title, number, reason, deadline: dates.deadline };
      const data = { problemId: id, amendmentNumber: number };
      const firms = await audienceOf(manager, id, ['followers', 'askers', 'bidders', 'invited']);
      await this.notifications.notifyEnterprises(manager, firms, {
        kind: 'problem.amended',
        message: diff.deadline ? 'amendedNewDeadline' : 'amended',
        params,
        data,
      });
      await this.notifications.notifyEnterprises(
        manager,
        flagged.map((r) => r.enterprise_id),
        {
          kind: 'proposal.confirm_or_revise',
          message: diff.deadline ? 'confirmOrReviseNewDeadline' : 'confirmOrRevise',
          params,
          data,
        },
      );
      return {
        amendment: { ...toAmendmentView(amendment), deadlinePushed: dates.pushed },
        problem: await this.problems.view(manager, await findProblem(manager, id)),
      };
    });
  }

  async list(viewer: Viewer, id: string): Promise<AmendmentList> {
    const problem = await findProblem(this.dataSource.manager, id);
    assertVisible(viewer, problem);
    const rows = await this.dataSource.getRepository(ProblemAmendment).find({ where: { problemId: id }, order: { number: 'ASC' } });
    return { items: rows.map(toAmendmentView) };
  }
}
