import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { sql } from 'kysely';
import { DataSource } from 'typeorm';
import { db } from '@app/database';
import { AppConfig } from '@app/common';
import { NotificationsService, usersNotifiedWithin } from '@app/notifications';
import { eligibleFor, key, loadState, scoringCompletedAt } from './evaluation-state';

/**
 * The periodic reminder sweep (worker): evaluators who still owe scores EVALUATION_REMINDER_DAYS
 * after closing, and the department once scoring has been complete that long without a decision.
 * The notifications themselves are the record: nobody is reminded twice within the period.
 */
@Injectable()
export class EvaluationRemindersService {
  private readonly logger = new Logger(EvaluationRemindersService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly notifications: NotificationsService,
    private readonly config: AppConfig,
  ) {}

  async sweep(): Promise<{ evaluators: number; departments: number }> {
    const days = this.config.get('EVALUATION_REMINDER_DAYS');
    const due = await db(this.dataSource)
      .selectFrom('problems')
      .select('id')
      .where('status', 'in', ['closed', 'evaluating'])
      .where('closed_at', '<=', sql<Date>`now() - make_interval(days => ${days})`)
      .where((eb) =>
        eb.not(
          eb.exists(eb.selectFrom('problem_outcomes as o').select('o.problem_id').whereRef('o.problem_id', '=', 'problems.id')),
        ),
      )
      .orderBy('closed_at')
      .orderBy('id')
      .execute();
    let evaluators = 0;
    let departments = 0;
    for (const { id } of due) {
      await this.dataSource.transaction(async (manager) => {
        const state = await loadState(manager, id, this.config.get('PANEL_MIN_SIZE'), true);
        const owing = state.members.filter((m) =>
          state.proposals.some((p) => eligibleFor(state, p).includes(m) && !state.submissions.has(key(p.proposalId, m.userId))),
        );
        const reminded = await usersNotifiedWithin(manager, 'evaluation.reminder', { problemId: id, reminder: true }, days);
        const evaluatorIds = owing.map((m) => m.userId).filter((u) => !reminded.has(u));
        await this.notifications.notifyUsers(manager, evaluatorIds, {
          kind: 'evaluation.reminder',
          message: 'scoringReminder',
          params: { problem: state.problem.title },
          data: { problemId: id, reminder: 'evaluator' },
        });
        evaluators += evaluatorIds.length;

        const completedAt = scoringCompletedAt(state);
        const now = await db(manager)
          .selectNoFrom(sql<Date>`now()`.as('now'))
          .executeTakeFirstOrThrow();
        if (completedAt && now.now.getTime() - completedAt.getTime() >= days * 86_400_000) {
          const remindedOfficers = await usersNotifiedWithin(
            manager,
            'evaluation.reminder',
            { problemId: id, reminder: 'officer' },
            days,
          );
          const officers = (
            await db(manager)
              .selectFrom('users')
              .select('id')
              .where('organization_id', '=', state.problem.departmentId)
              .where('role', '=', 'officer')
              .where('status', '=', 'active')
              .execute()
          ).filter((o) => !remindedOfficers.has(o.id));
          await this.notifications.notifyUsers(
            manager,
            officers.map((o) => o.id),
            {
              kind: 'evaluation.reminder',
              message: 'decisionReminder',
              params: { problem: state.problem.title },
              data: { problemId: id, reminder: 'officer' },
            },
          );
          departments += officers.length > 0 ? 1 : 0;
        }
      });
    }
    if (evaluators + departments > 0)
      this.logger.log(`Evaluation reminders: ${evaluators} evaluator(s), ${departments} department(s)`);
    return { evaluators, departments };
  }
}
