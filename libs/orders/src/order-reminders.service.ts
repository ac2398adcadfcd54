import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/common';
import { NotificationsService } from '@app/notifications';
import { cityTodayByDb } from '@app/database';

interface DueRow {
  milestone_id: string;
  number: number;
  due_date: string;
  order_id: string;
  problem_id: string | null;
  title: string;
  enterprise_id: string;
  department_id: string;
  overdue: boolean;
}

/**
 * The periodic sweep (worker): milestones of running orders that fall due within
 * ORDER_REMINDER_DAYS are announced once to both sides; overdue ones are reminded every
 * ORDER_REMINDER_DAYS days until accepted. The notifications are the record of what was sent.
 */
@Injectable()
export class OrderRemindersService {
  private readonly logger = new Logger(OrderRemindersService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly notifications: NotificationsService,
    private readonly config: AppConfig,
  ) {}

  async sweep(): Promise<{ dueSoon: number; overdue: number }> {
    const days = this.config.get('ORDER_REMINDER_DAYS');
    const today = await cityTodayByDb(this.dataSource.manager);
    const rows = await this.dataSource.query<DueRow[]>(
      `SELECT m.id AS milestone_id, m.number, to_char(m.due_date, 'YYYY-MM-DD') AS due_date, o.id AS order_id, o.problem_id,
              o.title, o.enterprise_id, o.department_id, m.due_date < $1::date AS overdue
       FROM order_milestones m JOIN orders o ON o.id = m.order_id
       WHERE o.status = 'in_progress' AND m.status IN ('open', 'returned', 'submitted') AND m.due_date <= $1::date + $2::int
         AND NOT EXISTS (
           SELECT 1 FROM notifications n WHERE n.kind = 'order.reminder' AND n.data->>'milestoneId' = m.id::text
             AND n.data->>'reminder' = CASE WHEN m.due_date < $1::date THEN 'overdue' ELSE 'dueSoon' END
             AND (m.due_date >= $1::date OR n.created_at > now() - make_interval(days => $2)))
       ORDER BY m.due_date, m.id`,
      [today, days],
    );
    let dueSoon = 0;
    let overdue = 0;
    for (const r of rows) {
      const reminder = r.overdue ? 'overdue' : 'dueSoon';
      const input = {
        kind: 'order.reminder' as const,
        message: r.overdue ? 'milestoneOverdue' : 'milestoneDueSoon',
        params: { problem: r.title, n: r.number, due: r.due_date },
        data: {
          ...(r.problem_id ? { problemId: r.problem_id } : {}),
          orderId: r.order_id,
          milestoneId: r.milestone_id,
          reminder,
        },
      };
      await this.dataSource.transaction(async (manager) => {
        await this.notifications.notifyEnterprises(manager, [r.enterprise_id], input);
        await this.notifications.notifyDepartment(manager, r.department_id, input);
      });
      if (r.overdue) overdue++;
      else dueSoon++;
    }
    if (rows.length > 0) this.logger.log(`Order reminders: ${dueSoon} due soon, ${overdue} overdue`);
    return { dueSoon, overdue };
  }
}
