import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import {
  AppError,
  AuthUser,
  decodeCursor,
  DEFAULT_LANGUAGE,
  DEFAULT_PAGE_SIZE,
  ErrorCode,
  Language,
  MessageParams,
  Page,
  PageOf,
  toPage,
  translate,
} from '@app/common';
import { OutboxService, QUEUES } from '@app/jobs';
import { Notification, NotificationView, toNotificationView } from './notification.entity';
import { DeliverEmailsPayload, NOTIFICATION_JOBS, NotificationKind } from './notification-jobs';

export interface NotificationInput {
  kind: NotificationKind;
  /** Which text: `notifications.<message>.title` and `.body` in the translation files. */
  message: string;
  /** The values the text names (problem title, deadline, …). */
  params?: MessageParams;
  /** Ids the client needs to link to (problemId, proposalId, …). */
  data?: Notification['data'];
  /** Also e-mail it (default true). */
  email?: boolean;
}

/** A page of notifications, with how many are unread in all. */
export class NotificationList extends PageOf(NotificationView) {
  unreadCount: number;
}

export class MarkedReadView {
  /** How many notifications were marked read. */
  updated: number;
}

/** E-mails are sent in jobs of at most this many notifications. */
const EMAIL_BATCH = 200;

/**
 * In-app notifications plus e-mail. Callers pass their transaction's manager: the in-app rows
 * and the e-mail job commit together with the change that caused them.
 */
@Injectable()
export class NotificationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
  ) {}

  async notifyUsers(manager: EntityManager, userIds: string[], input: NotificationInput): Promise<string[]> {
    const unique = [...new Set(userIds)];
    if (unique.length === 0) return [];
    // Written in each reader's saved language; the e-mail copy uses the same text.
    const readers = await manager.query<{ id: string; language: Language }[]>(
      `SELECT id, language FROM users WHERE id = ANY($1::uuid[])`,
      [unique],
    );
    const languageOf = new Map(readers.map((r) => [r.id, r.language]));
    const text = (userId: string, part: 'title' | 'body') =>
      translate(languageOf.get(userId) ?? DEFAULT_LANGUAGE, `notifications.${input.message}.${part}`, input.params);
    const rows = await manager
      .createQueryBuilder()
      .insert()
      .into(Notification)
      .values(
        unique.map((userId) => ({
          userId,
          kind: input.kind,
          title: text(userId, 'title'),
          body: text(userId, 'body'),
          data: input.data ?? {},
        })),
      )
      .returning(['id'])
      .execute();
    const ids = (rows.raw as { id: string }[]).map((r) => r.id);
    if (input.email !== false) {
      for (let i = 0; i < ids.length; i += EMAIL_BATCH) {
        const payload: DeliverEmailsPayload = { notificationIds: ids.slice(i, i + EMAIL_BATCH) };
        await this.outbox.enqueue(manager, { queue: QUEUES.notifications, name: NOTIFICATION_JOBS.deliverEmails, payload });
      }
    }
    return ids;
  }

  /** Every active member of these enterprises. */
  async notifyEnterprises(manager: EntityManager, enterpriseIds: string[], input: NotificationInput): Promise<string[]> {
    if (enterpriseIds.length === 0) return [];
    const users = await manager.query<{ id: string }[]>(
      `SELECT id FROM users WHERE organization_id = ANY($1) AND role = 'enterprise' AND status = 'active'`,
      [enterpriseIds],
    );
    return this.notifyUsers(
      manager,
      users.map((u) => u.id),
      input,
    );
  }

  /** Every active officer of a department. */
  async notifyDepartment(manager: EntityManager, departmentId: string, input: NotificationInput): Promise<string[]> {
    const users = await manager.query<{ id: string }[]>(
      `SELECT id FROM users WHERE organization_id = $1 AND role = 'officer' AND status = 'active'`,
      [departmentId],
    );
    return this.notifyUsers(
      manager,
      users.map((u) => u.id),
      input,
    );
  }

  async list(user: AuthUser, query: { limit?: number; cursor?: string; unread?: boolean }): Promise<Page<NotificationView>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const after = decodeCursor<{ createdAt: string; id: string }>(query.cursor, ['createdAt', 'id']);
    const qb = this.dataSource
      .getRepository(Notification)
      .createQueryBuilder('n')
      .where('n.userId = :userId', { userId: user.id })
      .orderBy('n.createdAt', 'DESC')
      .addOrderBy('n.id', 'DESC')
      .limit(limit + 1);
    if (query.unread) qb.andWhere('n.readAt IS NULL');
    if (after) qb.andWhere('(n.createdAt, n.id) < (:createdAt, :id)', after);
    const rows = await qb.getMany();
    return toPage(rows, limit, (n) => ({ createdAt: n.createdAt.toISOString(), id: n.id }), toNotificationView);
  }

  async unreadCount(user: AuthUser): Promise<number> {
    return this.dataSource.getRepository(Notification).countBy({ userId: user.id, readAt: IsNull() });
  }

  async markRead(user: AuthUser, id: string): Promise<NotificationView> {
    const repo = this.dataSource.getRepository(Notification);
    const n = await repo.findOneBy({ id, userId: user.id });
    if (!n) throw new AppError(ErrorCode.NOT_FOUND, { context: 'notification' });
    if (!n.readAt) {
      n.readAt = new Date();
      await repo.save(n);
    }
    return toNotificationView(n);
  }

  async markAllRead(user: AuthUser): Promise<MarkedReadView> {
    const result = await this.dataSource
      .getRepository(Notification)
      .update({ userId: user.id, readAt: IsNull() }, { readAt: new Date() });
    return { updated: result.affected ?? 0 };
  }

  /**
   * For the mailer: the notifications not yet e-mailed, with their recipients' addresses and
   * languages, and the name of the department whose problem they are about (if any).
   */
  async pendingEmails(
    ids: string[],
  ): Promise<(Notification & { email: string; fullName: string; language: Language; departmentName: string | null })[]> {
    if (ids.length === 0) return [];
    const rows = await this.dataSource
      .getRepository(Notification)
      .createQueryBuilder('n')
      .innerJoin('users', 'u', 'u.id = n.user_id')
      .leftJoin(
        'problems',
        'p',
        `p.id = (CASE WHEN n.data->>'problemId' ~ '^[0-9a-f-]{36}$' THEN (n.data->>'problemId')::uuid END)`,
      )
      .leftJoin('organizations', 'd', 'd.id = p.department_id')
      .addSelect(['u.email AS u_email', 'u.full_name AS u_full_name', 'u.language AS u_language', 'd.name AS d_name'])
      .where({ id: In(ids), emailedAt: IsNull() })
      .andWhere(`u.status = 'active'`)
      .getRawAndEntities();
    return rows.entities.map((n, i) => {
      const raw = rows.raw[i] as { u_email: string; u_full_name: string; u_language: Language; d_name: string | null };
      return { ...n, email: raw.u_email, fullName: raw.u_full_name, language: raw.u_language, departmentName: raw.d_name };
    });
  }

  async markEmailed(id: string): Promise<void> {
    await this.dataSource.getRepository(Notification).update({ id }, { emailedAt: new Date() });
  }
}
