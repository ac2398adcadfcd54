import { assertCommuneLevelArea } from '@app/areas';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig, AppError, AuthUser, cityIso, ErrorCode, nfc, problemStatus, utcIso } from '@app/common';
import { AuditService } from '@app/audit';
import { OutboxService, PROBLEM_JOBS, QUEUES } from '@app/jobs';
import { NotificationsService } from '@app/notifications';
import { OcdsService } from '@app/ocds';
import { checkPublishable, defaultClarificationDeadline, movedClarificationDeadline } from './deadline-rules';
import { CreateProblemDto } from './dto/create-problem.dto';
import { UpdateProblemDto } from './dto/update-problem.dto';
import { Problem } from './entities/problem.entity';
import { assertDepartmentOfficer, assertVisible, findProblem, Viewer } from './problem-access';
import { audienceOf } from './problem-audience';
import { nextProblemStatus } from './problem-lifecycle';
import { transitionProblem } from './transition-problem';
import { ProblemDeadlinesService } from './problem-deadlines.service';
import { diffFields, normaliseFields, ProblemFields } from './problem-fields';
import { ProblemView, toProblemView } from './problem-views';
import { assertValidRubric } from './rubric-errors';

/**
 * The database clock; every deadline rule is judged by it, never by the API host's clock. Rounded up
 * to the millisecond a Date holds, so "at least N days from now" computed from it really is.
 */
export async function databaseNow(manager: EntityManager): Promise<Date> {
  const rows = await manager.query<{ ms: number }[]>(`SELECT extract(epoch FROM now())::float8 * 1000 AS ms`);
  return new Date(Math.ceil(Number(rows[0].ms)));
}

export function assertClarificationBeforeDeadline(fields: Pick<ProblemFields, 'deadline' | 'clarificationDeadline'>): void {
  if (fields.clarificationDeadline.getTime() > fields.deadline.getTime()) {
    throw new AppError(
      ErrorCode.CLARIFICATION_DEADLINE_INVALID,
      {},
      {
        deadline: cityIso(fields.deadline),
        clarificationDeadline: cityIso(fields.clarificationDeadline),
      },
    );
  }
}

/** Drafting, editing, publishing and cancelling problems; reading one. */
@Injectable()
export class ProblemsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly notifications: NotificationsService,
    private readonly deadlines: ProblemDeadlinesService,
    private readonly config: AppConfig,
    private readonly ocds: OcdsService,
  ) {}

  async create(actor: AuthUser, dto: CreateProblemDto): Promise<ProblemView> {
    if (actor.role !== 'officer' || !actor.organizationId) {
      throw new AppError(ErrorCode.PROBLEM_FORBIDDEN, { context: 'officerOnly' });
    }
    const departmentId = actor.organizationId;
    const given = normaliseFields(dto);
    const deadline = given.deadline as Date;
    const fields = {
      kpis: [],
      areaCode: null,
      dataAvailable: null,
      constraints: null,
      budgetCeiling: null,
      durationMonths: null,
      contact: null,
      ...given,
      clarificationDeadline:
        given.clarificationDeadline ?? defaultClarificationDeadline(deadline, this.config.get('CLARIFICATION_CLOSE_DAYS')),
    } as ProblemFields;
    assertValidRubric(fields.rubric);
    assertClarificationBeforeDeadline(fields);
    return this.dataSource.transaction(async (manager) => {
      if (fields.areaCode) await assertCommuneLevelArea(manager, fields.areaCode);
      const repo = manager.getRepository(Problem);
      const saved = await repo.save(
        repo.create({ ...fields, departmentId, createdBy: actor.id, status: 'draft', amendmentCount: 0 }),
      );
      const problem = await findProblem(manager, saved.id);
      const view = await this.view(manager, problem);
      const snapshot = toProblemView(problem, view.departmentName, utcIso);
      await this.audit.record(manager, {
        actor,
        action: 'problem.created',
        entityType: 'problem',
        entityId: problem.id,
        after: snapshot,
      });
      return view;
    });
  }

  /** Drafts only: once published, a problem changes by numbered amendment. */
  async update(actor: AuthUser, id: string, dto: UpdateProblemDto): Promise<ProblemView> {
    const given = normaliseFields(dto);
    return this.dataSource.transaction(async (manager) => {
      const problem = await findProblem(manager, id, true);
      assertDepartmentOfficer(actor, problem, 'edit');
      if (problem.status !== 'draft') {
        throw new AppError(
          ErrorCode.PROBLEM_NOT_EDITABLE,
          {},
          {
            status: problem.status,
          },
        );
      }
      if (given.deadline) {
        given.clarificationDeadline = movedClarificationDeadline(
          problem.deadline,
          problem.clarificationDeadline,
          given.deadline,
          given.clarificationDeadline,
        );
      }
      if (given.rubric) assertValidRubric(given.rubric);
      assertClarificationBeforeDeadline({ ...problem, ...given });
      if (given.areaCode) await assertCommuneLevelArea(manager, given.areaCode);
      const changes = diffFields(problem, given);
      if (Object.keys(changes).length > 0) {
        await manager.getRepository(Problem).update({ id }, given);
        await this.audit.record(manager, {
          actor,
          action: 'problem.updated',
          entityType: 'problem',
          entityId: id,
          before: Object.fromEntries(Object.entries(changes).map(([k, c]) => [k, c.before])),
          after: Object.fromEntries(Object.entries(changes).map(([k, c]) => [k, c.after])),
        });
      }
      return this.view(manager, await findProblem(manager, id));
    });
  }

  /**
   * Opens the problem to proposals. The deadline must leave the minimum open period by the database
   * clock; from here on the rubric is frozen. Plans the close job, the reminders and the one fan-out
   * job that tells subscribed firms.
   */
  async publish(actor: AuthUser, id: string): Promise<ProblemView> {
    return this.dataSource.transaction(async (manager) => {
      const problem = await findProblem(manager, id, true);
      assertDepartmentOfficer(actor, problem, 'publish');
      if (problem.status !== 'draft') {
        throw new AppError(
          ErrorCode.PROBLEM_STATUS_CONFLICT,
          { context: 'publish', status: problemStatus(problem.status) },
          {
            status: problem.status,
          },
        );
      }
      assertValidRubric(problem.rubric);
      const now = await databaseNow(manager);
      const minOpenDays = this.config.get('PROBLEM_MIN_OPEN_DAYS');
      const check = checkPublishable(now, problem.deadline, problem.clarificationDeadline, minOpenDays);
      if (!check.ok) {
        if (check.reason === 'deadline_too_soon') {
          throw new AppError(
            ErrorCode.DEADLINE_TOO_SOON,
            { minOpenDays, earliest: cityIso(check.earliest) },
            {
              deadline: cityIso(problem.deadline),
              earliestDeadline: cityIso(check.earliest),
              minOpenDays,
            },
          );
        }
        throw new AppError(
          ErrorCode.CLARIFICATION_DEADLINE_INVALID,
          { context: check.reason === 'clarification_past' ? 'past' : undefined },
          { clarificationDeadline: cityIso(problem.clarificationDeadline), deadline: cityIso(problem.deadline) },
        );
      }
      await transitionProblem(manager, id, 'publish');
      // The commit grace in force at publishing stays with the problem (the deadline guard reads it).
      await manager.query(`UPDATE problems SET receipt_grace = make_interval(secs => $2) WHERE id = $1`, [
        id,
        this.config.get('PROPOSAL_RECEIPT_GRACE_SECONDS'),
      ]);
      await this.deadlines.planDeadlineJobs(manager, id, now);
      await this.outbox.enqueue(manager, {
        queue: QUEUES.problems,
        name: PROBLEM_JOBS.notifyMatchingSubscribers,
        payload: { problemId: id },
      });
      const published = await findProblem(manager, id);
      const view = await this.view(manager, published);
      const snapshot = toProblemView(published, view.departmentName, utcIso);
      await this.ocds.record(manager, id, 'tender');
      await this.audit.record(manager, {
        actor,
        action: 'problem.published',
        entityType: 'problem',
        entityId: id,
        before: { status: 'draft' },
        after: {
          status: 'published',
          publishedAt: snapshot.publishedAt,
          deadline: snapshot.deadline,
          clarificationDeadline: snapshot.clarificationDeadline,
          rubric: snapshot.rubric,
        },
      });
      return view;
    });
  }

  /** From draft, published or closed, with a reason; everyone with a stake is told. */
  async cancel(actor: AuthUser, id: string, reason: string): Promise<ProblemView> {
    const text = nfc(reason);
    return this.dataSource.transaction(async (manager) => {
      const problem = await findProblem(manager, id, true);
      assertDepartmentOfficer(actor, problem, 'cancel');
      if (!nextProblemStatus(problem.status, 'cancel')) {
        throw new AppError(
          ErrorCode.PROBLEM_STATUS_CONFLICT,
          { context: 'cancel', status: problemStatus(problem.status) },
          {
            status: problem.status,
          },
        );
      }
      const now = await databaseNow(manager);
      await transitionProblem(manager, id, 'cancel', { reason: text });
      // A draft was never public, so its cancellation is not an OCDS event.
      if (problem.status !== 'draft') await this.ocds.record(manager, id, 'tenderCancellation');
      // Bids on a problem cancelled before its proposals opened stay sealed for good; the log
      // commits to their audit rows by a digest instead (see AuditService.anchorSealed).
      if (problem.status === 'published') await this.audit.anchorSealed(manager, { scope: 'bids', ref: id }, actor);
      await this.audit.record(manager, {
        actor,
        action: 'problem.cancelled',
        entityType: 'problem',
        entityId: id,
        before: { status: problem.status },
        after: { status: 'cancelled', cancelledAt: now, reason: text },
      });
      if (problem.status !== 'draft') {
        const firms = await audienceOf(manager, id, ['followers', 'bidders', 'askers', 'invited']);
        await this.notifications.notifyEnterprises(manager, firms, {
          kind: 'problem.cancelled',
          message: 'problemCancelled',
          params: { problem: problem.title, reason: text },
          data: { problemId: id },
        });
      }
      return this.view(manager, await findProblem(manager, id));
    });
  }

  async get(viewer: Viewer, id: string): Promise<ProblemView> {
    const problem = await findProblem(this.dataSource.manager, id);
    assertVisible(viewer, problem);
    return this.view(this.dataSource.manager, problem);
  }

  async view(manager: EntityManager, problem: Problem): Promise<ProblemView> {
    const rows = await manager.query<{ name: string }[]>(`SELECT name FROM organizations WHERE id = $1`, [problem.departmentId]);
    return toProblemView(problem, rows[0]?.name ?? null);
  }
}
