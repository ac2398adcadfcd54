import { assertCommuneLevelArea } from '@app/areas';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Insertable, sql } from 'kysely';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig, AppError, AuthUser, cityIso, ErrorCode, nfc, problemStatus, utcIso } from '@app/common';
import { AuditService } from '@app/audit';
import { db, DB } from '@app/database';
import { OutboxService, PROBLEM_JOBS, QUEUES } from '@app/jobs';
import { NotificationsService } from '@app/notifications';
import { OcdsService } from '@app/ocds';
import { checkPublishable, defaultClarificationDeadline, movedClarificationDeadline } from './deadline-rules';
import { CreateProblemDto } from './dto/create-problem.dto';
import { UpdateProblemDto } from './dto/update-problem.dto';
import { assertDepartmentOfficer, assertVisible, findProblem, Viewer } from './problem-access';
import { audienceOf } from './problem-audience';
import { nextProblemStatus } from './problem-lifecycle';
import { transitionProblem } from './transition-problem';
import { ProblemDeadlinesService } from './problem-deadlines.service';
import { diffFields, normaliseFields, ProblemFields } from './problem-fields';
import { ProblemView, toProblemView } from './problem-views';
import { Problem, problemColumns } from './problem-record';
import { assertValidRubric } from './rubric-errors';
import { insertMiniCompetition, invitedFirmsOf, miniCompetitionOf, MiniCompetitionStart } from './mini-competitions';

/** A mini-competition's draft deadline is this many days beyond the minimum open period (editable). */
export const MINI_COMPETITION_EXTRA_OPEN_DAYS = 5;

/**
 * The database clock; every deadline rule is judged by it, never by the API host's clock. Rounded up
 * to the millisecond a Date holds, so "at least N days from now" computed from it really is.
 */
export async function databaseNow(manager: EntityManager): Promise<Date> {
  const { rows } = await sql<{ ms: number }>`SELECT extract(epoch FROM now())::float8 * 1000 AS ms`.execute(db(manager));
  return new Date(Math.ceil(Number(rows[0]?.ms)));
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
    const departmentId = this.departmentOf(actor);
    const given = normaliseFields(dto);
    const fields = this.withDefaults(given, given.deadline as Date);
    assertValidRubric(fields.rubric);
    assertClarificationBeforeDeadline(fields);
    return this.dataSource.transaction(async (manager) => {
      if (fields.areaCode) await assertCommuneLevelArea(manager, fields.areaCode);
      const problem = await this.insertDraft(manager, actor, departmentId, fields);
      return this.view(manager, problem);
    });
  }

  /**
   * A mini-competition among catalogue firms (called by the catalogue, in its transaction, with the
   * entries it checked): a draft prefilled from the template entry's problem — the officer edits it
   * in the usual editor and publishes it as any other — restricted to the entries' firms.
   * Any department may start one, the entries' own included: the competition, not the department,
   * is what makes the price fair.
   */
  async startMiniCompetition(manager: EntityManager, actor: AuthUser, start: MiniCompetitionStart): Promise<ProblemView> {
    const departmentId = this.departmentOf(actor);
    const template = await findProblem(manager, start.templateProblemId);
    const now = await databaseNow(manager);
    const openDays = this.config.get('PROBLEM_MIN_OPEN_DAYS') + MINI_COMPETITION_EXTRA_OPEN_DAYS;
    const fields = this.withDefaults(
      {
        title: template.title,
        summary: template.summary,
        description: template.description,
        expectedResults: template.expectedResults,
        kpis: template.kpis,
        sector: template.sector,
        tags: template.tags,
        dataAvailable: template.dataAvailable,
        constraints: template.constraints,
        durationMonths: template.durationMonths,
        rubric: template.rubric,
      },
      new Date(now.getTime() + openDays * 86_400_000),
    );
    const problem = await this.insertDraft(manager, actor, departmentId, fields);
    await insertMiniCompetition(manager, problem.id, actor.id, start);
    await this.audit.record(manager, {
      actor,
      action: 'problem.miniCompetitionStarted',
      entityType: 'problem',
      entityId: problem.id,
      after: {
        justification: start.justification,
        entryOrderIds: start.entries.map((e) => e.orderId),
        enterpriseIds: [...new Set(start.entries.map((e) => e.enterpriseId))],
      },
    });
    return this.view(manager, problem);
  }

  private departmentOf(actor: AuthUser): string {
    if (actor.role !== 'officer' || !actor.organizationId) {
      throw new AppError(ErrorCode.PROBLEM_FORBIDDEN, { context: 'officerOnly' });
    }
    return actor.organizationId;
  }

  private withDefaults(given: Partial<ProblemFields>, deadline: Date): ProblemFields {
    return {
      kpis: [],
      areaCode: null,
      dataAvailable: null,
      constraints: null,
      budgetCeiling: null,
      durationMonths: null,
      contact: null,
      ...given,
      deadline,
      clarificationDeadline:
        given.clarificationDeadline ?? defaultClarificationDeadline(deadline, this.config.get('CLARIFICATION_CLOSE_DAYS')),
    } as ProblemFields;
  }

  private async insertDraft(
    manager: EntityManager,
    actor: AuthUser,
    departmentId: string,
    fields: ProblemFields,
  ): Promise<Problem> {
    const saved = await db(manager)
      .insertInto('problems')
      .values({
        // every required field is in `fields` (the DTO's validation and the defaults above)
        ...(problemColumns(fields) as Insertable<DB['problems']>),
        department_id: departmentId,
        created_by: actor.id,
        status: 'draft',
        amendment_count: 0,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const problem = await findProblem(manager, saved.id);
    const view = await this.view(manager, problem);
    await this.audit.record(manager, {
      actor,
      action: 'problem.created',
      entityType: 'problem',
      entityId: problem.id,
      after: toProblemView(problem, view.departmentName, utcIso),
    });
    return problem;
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
        await db(manager)
          .updateTable('problems')
          .set({ ...problemColumns(given), updated_at: sql<Date>`CURRENT_TIMESTAMP` })
          .where('id', '=', id)
          .execute();
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
      await db(manager)
        .updateTable('problems')
        .set({ receipt_grace: sql<string>`make_interval(secs => ${this.config.get('PROPOSAL_RECEIPT_GRACE_SECONDS')})` })
        .where('id', '=', id)
        .execute();
      await this.deadlines.planDeadlineJobs(manager, id, now);
      const invited = await this.inviteMiniCompetitionFirms(manager, actor, problem);
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
          ...(invited ? { invitedEnterpriseIds: invited } : {}),
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
    const row = await db(manager)
      .selectFrom('organizations')
      .select('name')
      .where('id', '=', problem.departmentId)
      .executeTakeFirst();
    return { ...toProblemView(problem, row?.name ?? null), miniCompetition: await miniCompetitionOf(manager, problem.id) };
  }

  /**
   * On publishing a mini-competition, its firms (fixed since the start) are invited as a department
   * invites any firm: a problem_invitations row and a notification each. Returns them, or null for
   * an open problem.
   */
  private async inviteMiniCompetitionFirms(manager: EntityManager, actor: AuthUser, problem: Problem): Promise<string[] | null> {
    const firms = await invitedFirmsOf(manager, problem.id);
    if (!firms) return null;
    await db(manager)
      .insertInto('problem_invitations')
      .values(
        firms.map((enterpriseId) => ({
          problem_id: problem.id,
          enterprise_id: enterpriseId,
          invited_by: actor.id,
          message: null,
        })),
      )
      .onConflict((c) => c.doNothing())
      .execute();
    await this.notifications.notifyEnterprises(manager, firms, {
      kind: 'problem.invitation',
      message: 'miniCompetitionInvitation',
      params: { problem: problem.title, deadline: problem.deadline },
      data: { problemId: problem.id },
    });
    return firms;
  }
}
