import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { sql } from 'kysely';
import { AppConfig } from '@app/common';
import { db } from '@app/database';
import { AuditService } from '@app/audit';
import { DeadlineReminderPayload, OutboxService, PROBLEM_JOBS, QUEUES } from '@app/jobs';
import { NotificationsService } from '@app/notifications';
import { parseReminderHours, reminderTimes } from './deadline-rules';
import { audienceOf } from './problem-audience';
import { transitionProblem } from './transition-problem';

const SWEEP_BATCH = 200;
/** A close job that fires this close before the deadline (clock skew between worker and database) is retried, not dropped. */
const EARLY_FIRE_RETRY_MS = 10 * 60 * 1000;

export type CloseOutcome = 'closed' | 'not_due' | 'not_published';

/**
 * Deadlines by the database clock: the delayed close job (planned on publish and on every
 * amendment that moves the deadline), the periodic sweep that backs it up when a job is lost,
 * and the reminders before the deadline.
 */
@Injectable()
export class ProblemDeadlinesService {
  private readonly logger = new Logger(ProblemDeadlinesService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly config: AppConfig,
  ) {}

  /**
   * In the transaction that publishes or moves the deadline: the close job at deadline + the commit
   * grace (when the proposals open), and the reminders before the deadline.
   */
  async planDeadlineJobs(manager: EntityManager, problemId: string, now: Date): Promise<void> {
    const [{ deadline, opens_at }] = await manager.query<{ deadline: Date; opens_at: Date }[]>(
      `SELECT deadline, deadline + receipt_grace AS opens_at FROM problems WHERE id = $1`,
      [problemId],
    );
    await this.outbox.enqueue(manager, {
      queue: QUEUES.problems,
      name: PROBLEM_JOBS.closeProblem,
      payload: { problemId },
      runAt: opens_at,
    });
    for (const r of reminderTimes(now, deadline, parseReminderHours(this.config.get('DEADLINE_REMINDER_HOURS')))) {
      const payload: DeadlineReminderPayload = { problemId, hoursBefore: r.hoursBefore, deadline: deadline.toISOString() };
      await this.outbox.enqueue(manager, {
        queue: QUEUES.problems,
        name: PROBLEM_JOBS.deadlineReminder,
        payload,
        runAt: r.runAt,
      });
    }
  }

  /**
   * Closes the problem — opens its proposals — once its deadline and the commit grace after it have
   * passed by the database clock, so every bid received in time has committed; the audit entries of
   * the bids, held until now, join the log in the same transaction.
   * Idempotent: the conditional UPDATE lets exactly one caller (job, sweep, second worker) win.
   */
  async close(problemId: string): Promise<CloseOutcome> {
    return this.dataSource.transaction(async (manager) => {
      const row = await db(manager)
        .selectFrom('problems')
        .select(['id', 'department_id', 'title', 'deadline', 'status', sql<boolean>`deadline + receipt_grace <= now()`.as('due')])
        .where('id', '=', problemId)
        .forNoKeyUpdate()
        .executeTakeFirst();
      if (row?.status !== 'published') return 'not_published';
      if (!row.due) return 'not_due';
      const closed = await transitionProblem(manager, problemId, 'close');
      if (!closed) return 'not_published';
      await this.audit.release(manager, { scope: 'bids', ref: row.id });
      await this.audit.record(manager, {
        actor: null,
        action: 'problem.closed',
        entityType: 'problem',
        entityId: row.id,
        before: { status: 'published' },
        after: { status: 'closed', closedAt: closed.at, deadline: row.deadline },
      });
      const bidders = await audienceOf(manager, row.id, ['bidders']);
      const data = { problemId: row.id };
      await this.notifications.notifyDepartment(manager, row.department_id, {
        kind: 'problem.closed',
        message: 'closedDepartment',
        params: { problem: row.title, count: bidders.length },
        data: { ...data, proposals: bidders.length },
      });
      await this.notifications.notifyEnterprises(manager, bidders, {
        kind: 'problem.closed',
        message: 'closedBidder',
        params: { problem: row.title },
        data,
      });
      return 'closed';
    });
  }

  /** The close job: a job that fired a little early (clock skew) throws so the queue retries it. */
  async closeOnDeadline(problemId: string): Promise<CloseOutcome> {
    const outcome = await this.close(problemId);
    if (outcome === 'not_due') {
      const rows = await this.dataSource.query<{ remaining_ms: number }[]>(
        `SELECT extract(epoch FROM deadline + receipt_grace - now()) * 1000 AS remaining_ms FROM problems WHERE id = $1`,
        [problemId],
      );
      // A deadline moved by an amendment has its own close job; only a near miss is retried.
      if (Number(rows[0]?.remaining_ms) < EARLY_FIRE_RETRY_MS) throw new Error(`Problem ${problemId} is not due yet; retrying`);
    }
    return outcome;
  }

  /** Closes every published problem whose deadline has passed. Returns the ids it closed. */
  async sweep(): Promise<string[]> {
    const closed: string[] = [];
    for (;;) {
      const due = await this.dataSource.query<{ id: string }[]>(
        `SELECT id FROM problems WHERE status = 'published' AND deadline <= now() AND deadline + receipt_grace <= now() ORDER BY deadline, id LIMIT $1`,
        [SWEEP_BATCH],
      );
      for (const { id } of due) {
        if ((await this.close(id)) === 'closed') closed.push(id);
      }
      if (due.length < SWEEP_BATCH) break;
    }
    if (closed.length > 0) this.logger.log(`Deadline sweep closed ${closed.length} problem(s)`);
    return closed;
  }

  /** A reminder fires only if the problem is still open with the deadline it was planned for. */
  async remind(payload: DeadlineReminderPayload): Promise<{ sent: boolean }> {
    return this.dataSource.transaction(async (manager) => {
      const rows = await manager.query<{ title: string; current: boolean }[]>(
        `SELECT title, (status = 'published' AND deadline = $2::timestamptz AND deadline > now()) AS current
           FROM problems WHERE id = $1`,
        [payload.problemId, payload.deadline],
      );
      if (!rows[0]?.current) return { sent: false };
      const firms = await audienceOf(manager, payload.problemId, ['followers', 'bidders']);
      await this.notifications.notifyEnterprises(manager, firms, {
        kind: 'deadline.reminder',
        message: 'deadlineReminder',
        params: { problem: rows[0].title, hours: payload.hoursBefore, deadline: new Date(payload.deadline) },
        data: { problemId: payload.problemId, deadline: payload.deadline, hoursBefore: payload.hoursBefore },
      });
      return { sent: true };
    });
  }
}
