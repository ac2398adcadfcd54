import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { SelectQueryBuilder, sql } from 'kysely';
import { DataSource, EntityManager } from 'typeorm';
import {
  AppError,
  AuthUser,
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  ErrorCode,
  DEFAULT_LANGUAGE,
  Language,
  LANGUAGES,
  MessageParams,
  Page,
  PageOf,
  toPage,
  translator,
} from '@app/common';
import { db, prepare, type Database, type DB } from '@app/database';
import { OutboxService, QUEUES } from '@app/jobs';
import { NotificationData, NotificationView, toNotificationView } from './notification-views';
import { DeliverEmailsPayload, NOTIFICATION_JOBS, NotificationKind } from './notification-jobs';

export interface NotificationInput {
  kind: NotificationKind;
  /** Which text: `notifications.<message>.title` and `.body` in the translation files. */
  message: string;
  /** The values the text names (problem title, deadline, …). */
  params?: MessageParams;
  /** Ids the client needs to link to (problemId, proposalId, …). */
  data?: NotificationData;
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

/** A notification to e-mail, with its recipient's address and language and the problem's department. */
export interface PendingEmail {
  id: string;
  kind: NotificationKind;
  title: string;
  body: string;
  data: NotificationData;
  email: string;
  fullName: string;
  language: Language;
  departmentName: string | null;
}

/** The users table as a notification's recipients are chosen from it. */
type UsersQuery = SelectQueryBuilder<DB, 'users', object>;

/** A notification's kind, its text in every language (JSON: language → text) and its data (JSON). */
interface NotificationTexts {
  kind: string;
  titles: string;
  bodies: string;
  data: string;
}

/** One row per reader, in the reader's saved language (Vietnamese when it has no text in it). */
function insertNotifications(database: Database, p: NotificationTexts, readers: (users: UsersQuery) => UsersQuery) {
  const inReadersLanguage = (texts: string) =>
    sql<string>`coalesce(${texts}::jsonb ->> language, ${texts}::jsonb ->> ${DEFAULT_LANGUAGE})`;
  return database
    .insertInto('notifications')
    .columns(['user_id', 'kind', 'title', 'body', 'data'])
    .expression(
      readers(database.selectFrom('users')).select([
        'id',
        sql<string>`${p.kind}::text`.as('kind'),
        inReadersLanguage(p.titles).as('title'),
        inReadersLanguage(p.bodies).as('body'),
        sql<string>`${p.data}::jsonb`.as('data'),
      ]),
    )
    .returning('id');
}

const notifyUsersById = prepare((database, p: NotificationTexts & { userIds: string[] }) =>
  insertNotifications(database, p, (users) => users.where('id', '=', (eb) => eb.fn.any(eb.val(p.userIds)))),
);

const notifyActiveMembers = prepare((database, p: NotificationTexts & { organizationIds: string[]; role: string }) =>
  insertNotifications(database, p, (users) =>
    users
      .where('organization_id', '=', (eb) => eb.fn.any(eb.val(p.organizationIds)))
      .where('role', '=', p.role)
      .where('status', '=', 'active'),
  ),
);

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
    return this.notifyReaders(manager, input, (texts) => notifyUsersById(manager, { ...texts, userIds: unique }));
  }

  /** Every active member of these enterprises. */
  async notifyEnterprises(manager: EntityManager, enterpriseIds: string[], input: NotificationInput): Promise<string[]> {
    if (enterpriseIds.length === 0) return [];
    return this.notifyReaders(manager, input, (texts) =>
      notifyActiveMembers(manager, { ...texts, role: 'enterprise', organizationIds: enterpriseIds }),
    );
  }

  /** Every active officer of a department. */
  async notifyDepartment(manager: EntityManager, departmentId: string, input: NotificationInput): Promise<string[]> {
    return this.notifyReaders(manager, input, (texts) =>
      notifyActiveMembers(manager, { ...texts, role: 'officer', organizationIds: [departmentId] }),
    );
  }

  /**
   * Written in each reader's saved language, chosen by the insert itself (the text in every
   * language goes along as one JSON parameter), so the readers are not read first; the e-mail
   * copy uses the same text.
   */
  private async notifyReaders(
    manager: EntityManager,
    input: NotificationInput,
    insert: (texts: NotificationTexts) => Promise<{ id: string }[]>,
  ): Promise<string[]> {
    const titles: Record<string, string> = {};
    const bodies: Record<string, string> = {};
    for (const language of LANGUAGES) {
      const text = translator(language, input.params);
      titles[language] = text(`notifications.${input.message}.title`);
      bodies[language] = text(`notifications.${input.message}.body`);
    }
    const rows = await insert({
      kind: input.kind,
      titles: JSON.stringify(titles),
      bodies: JSON.stringify(bodies),
      data: JSON.stringify(input.data ?? {}),
    });
    const ids = rows.map((r) => r.id);
    if (input.email !== false) {
      for (let i = 0; i < ids.length; i += EMAIL_BATCH) {
        const payload: DeliverEmailsPayload = { notificationIds: ids.slice(i, i + EMAIL_BATCH) };
        await this.outbox.enqueue(manager, { queue: QUEUES.notifications, name: NOTIFICATION_JOBS.deliverEmails, payload });
      }
    }
    return ids;
  }

  async list(user: AuthUser, query: { limit?: number; cursor?: string; unread?: boolean }): Promise<Page<NotificationView>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const after = decodeCursor<{ createdAt: string; id: string }>(query.cursor, ['createdAt', 'id']);
    let qb = db(this.dataSource)
      .selectFrom('notifications as n')
      .selectAll('n')
      .where('n.user_id', '=', user.id)
      .orderBy('n.created_at', 'desc')
      .orderBy('n.id', 'desc')
      .limit(limit + 1);
    if (query.unread) qb = qb.where('n.read_at', 'is', null);
    if (after) qb = qb.where(sql<boolean>`(n.created_at, n.id) < (${after.createdAt}, ${after.id})`);
    const rows = await qb.execute();
    return toPage(rows, limit, (n) => ({ createdAt: n.created_at.toISOString(), id: n.id }), toNotificationView);
  }

  async unreadCount(user: AuthUser): Promise<number> {
    const { n } = await db(this.dataSource)
      .selectFrom('notifications')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('user_id', '=', user.id)
      .where('read_at', 'is', null)
      .executeTakeFirstOrThrow();
    return n;
  }

  async markRead(user: AuthUser, id: string): Promise<NotificationView> {
    const n = await db(this.dataSource)
      .selectFrom('notifications')
      .selectAll()
      .where('id', '=', id)
      .where('user_id', '=', user.id)
      .executeTakeFirst();
    if (!n) throw new AppError(ErrorCode.NOT_FOUND, { context: 'notification' });
    if (!n.read_at) {
      n.read_at = new Date();
      await db(this.dataSource).updateTable('notifications').set({ read_at: n.read_at }).where('id', '=', n.id).execute();
    }
    return toNotificationView(n);
  }

  async markAllRead(user: AuthUser): Promise<MarkedReadView> {
    const { numUpdatedRows } = await db(this.dataSource)
      .updateTable('notifications')
      .set({ read_at: new Date() })
      .where('user_id', '=', user.id)
      .where('read_at', 'is', null)
      .executeTakeFirst();
    return { updated: Number(numUpdatedRows) };
  }

  /**
   * For the mailer: the notifications not yet e-mailed, with their recipients' addresses and
   * languages, and the name of the department whose problem they are about (if any).
   */
  async pendingEmails(ids: string[]): Promise<PendingEmail[]> {
    if (ids.length === 0) return [];
    const rows = await db(this.dataSource)
      .selectFrom('notifications as n')
      .innerJoin('users as u', 'u.id', 'n.user_id')
      .leftJoin('problems as p', (join) =>
        join.on(
          'p.id',
          '=',
          sql<string>`(CASE WHEN n.data->>'problemId' ~ '^[0-9a-f-]{36}$' THEN (n.data->>'problemId')::uuid END)`,
        ),
      )
      .leftJoin('organizations as d', 'd.id', 'p.department_id')
      .select([
        'n.id',
        'n.kind',
        'n.title',
        'n.body',
        'n.data',
        'u.email',
        'u.full_name as fullName',
        'u.language',
        'd.name as departmentName',
      ])
      .where('n.id', 'in', ids)
      .where('n.emailed_at', 'is', null)
      .where('u.status', '=', 'active')
      .execute();
    return rows.map((r) => ({
      ...r,
      kind: r.kind as NotificationKind,
      data: r.data as NotificationData,
      language: r.language as Language,
    }));
  }

  async markEmailed(id: string): Promise<void> {
    await db(this.dataSource).updateTable('notifications').set({ emailed_at: new Date() }).where('id', '=', id).execute();
  }
}
