import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/common';
import { NotificationsService } from '@app/notifications';
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
    const due = await this.dataSource.query<{ id: string }[]>(
      `SELECT id FROM problems WHERE status IN ('closed', 'evaluating') AND closed_at <= now() - make_interval(days => $1)
       AND NOT EXISTS (SELECT 1 FROM problem_outcomes o WHERE o.problem_id = problems.id) ORDER BY closed_at, id`,
      [days],
    );
    let evaluators = 0;
    let departments = 0;
    for (const { id } of due) {
      await this.dataSource.transaction(async (manager) => {
        const state = await loadState(manager, id, this.config.get('PANEL_MIN_SIZE'), true);
        const owing = state.members.filter((m) =>
          state.proposals.some((p) => eligibleFor(state, p).includes(m) && !state.submissions.has(key(p.proposalId, m.userId))),
        );
        const recent = await manager.query<{ user_id: string }[]>(
          `SELECT DISTINCT user_id FROM notifications WHERE kind = 'evaluation.reminder' AND data->>'problemId' = $1
             AND data->>'reminder' IS NOT NULL AND created_at > now() - make_interval(days => $2)`,
          [id, days],
        );
        const reminded = new Set(recent.map((r) => r.user_id));
        const evaluatorIds = owing.map((m) => m.userId).filter((u) => !reminded.has(u));
        await this.notifications.notifyUsers(manager, evaluatorIds, {
          kind: 'evaluation.reminder',
          message: 'scoringReminder',
          params: { problem: state.problem.title },
          data: { problemId: id, reminder: 'evaluator' },
        });
        evaluators += evaluatorIds.length;

        const completedAt = scoringCompletedAt(state);
        const [now] = await manager.query<{ now: Date }[]>(`SELECT now() AS now`);
        if (completedAt && now.now.getTime() - completedAt.getTime() >= days * 86_400_000) {
          const officers = await manager.query<{ id: string }[]>(
            `SELECT id FROM users WHERE organization_id = $1 AND role = 'officer' AND status = 'active'
               AND id NOT IN (SELECT user_id FROM notifications WHERE kind = 'evaluation.reminder' AND data->>'problemId' = $2
                 AND data->>'reminder' = 'officer' AND created_at > now() - make_interval(days => $3))`,
            [state.problem.departmentId, id, days],
          );
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
