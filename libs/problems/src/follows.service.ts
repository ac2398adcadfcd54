import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { sql } from 'kysely';
import { DataSource } from 'typeorm';
import { AppError, AuthUser, cityIso, ErrorCode, nfc } from '@app/common';
import { AuditService } from '@app/audit';
import { db } from '@app/database';
import { invitedFirmsOf } from './mini-competitions';
import { NotificationsService } from '@app/notifications';
import { UpdateSubscriptionsDto } from './dto/matching.dto';
import type { ProblemSector } from './problem.constants';
import { assertVisible, enterpriseOf, findProblem } from './problem-access';
import { FollowView, Subscriptions } from './matching-views';

/** Enterprise members of a firm are notified in batches of this many firms. */
const NOTIFY_BATCH = 500;

/** A firm's follows and subscriptions, and the fan-out to subscribed firms when a matching problem is published. */
@Injectable()
export class FollowsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
  ) {}

  /** Whether the caller's firm follows the problem (the portal's Follow button shows it). */
  async following(actor: AuthUser, problemId: string): Promise<FollowView> {
    const enterpriseId = enterpriseOf(actor);
    const problem = await findProblem(this.dataSource.manager, problemId);
    assertVisible(actor, problem);
    const row = await db(this.dataSource)
      .selectFrom('problem_followers')
      .select('enterprise_id')
      .where('problem_id', '=', problemId)
      .where('enterprise_id', '=', enterpriseId)
      .executeTakeFirst();
    return { problemId, following: row !== undefined };
  }

  async follow(actor: AuthUser, problemId: string): Promise<FollowView> {
    const enterpriseId = enterpriseOf(actor);
    const problem = await findProblem(this.dataSource.manager, problemId);
    assertVisible(actor, problem);
    await db(this.dataSource)
      .insertInto('problem_followers')
      .values({ problem_id: problemId, enterprise_id: enterpriseId })
      .onConflict((c) => c.doNothing())
      .execute();
    return { problemId, following: true };
  }

  async unfollow(actor: AuthUser, problemId: string): Promise<FollowView> {
    const enterpriseId = enterpriseOf(actor);
    const problem = await findProblem(this.dataSource.manager, problemId);
    assertVisible(actor, problem);
    await db(this.dataSource)
      .deleteFrom('problem_followers')
      .where('problem_id', '=', problemId)
      .where('enterprise_id', '=', enterpriseId)
      .execute();
    return { problemId, following: false };
  }

  async getSubscriptions(actor: AuthUser): Promise<Subscriptions> {
    const enterpriseId = enterpriseOf(actor);
    const row = await db(this.dataSource)
      .selectFrom('enterprise_subscriptions')
      .select(['sectors', 'keywords', 'updated_at'])
      .where('enterprise_id', '=', enterpriseId)
      .executeTakeFirst();
    return row
      ? { sectors: row.sectors as ProblemSector[], keywords: row.keywords, updatedAt: cityIso(row.updated_at) }
      : { sectors: [], keywords: [], updatedAt: null };
  }

  async putSubscriptions(actor: AuthUser, dto: UpdateSubscriptionsDto): Promise<Subscriptions> {
    const enterpriseId = enterpriseOf(actor);
    const sectors = [...new Set(dto.sectors)];
    const seen = new Set<string>();
    const keywords = dto.keywords
      .map((k) => nfc(k))
      .filter((k) => k.length > 0 && !seen.has(k.toLowerCase()) && seen.add(k.toLowerCase()));
    await this.dataSource.transaction(async (manager) => {
      const firm = await db(manager).selectFrom('enterprises').select('id').where('id', '=', enterpriseId).executeTakeFirst();
      if (!firm) throw new AppError(ErrorCode.ENTERPRISE_NOT_FOUND, { context: 'own' });
      await db(manager)
        .insertInto('enterprise_subscriptions')
        .values({ enterprise_id: enterpriseId, sectors, keywords, updated_at: sql<Date>`now()` })
        .onConflict((c) =>
          c.column('enterprise_id').doUpdateSet((eb) => ({
            sectors: eb.ref('excluded.sectors'),
            keywords: eb.ref('excluded.keywords'),
            updated_at: sql<Date>`now()`,
          })),
        )
        .execute();
      await this.audit.record(manager, {
        actor,
        action: 'subscriptions.updated',
        entityType: 'enterprise',
        entityId: enterpriseId,
        after: { sectors, keywords },
      });
    });
    return this.getSubscriptions(actor);
  }

  /**
   * The fan-out job on publish: every active firm whose subscription matches (sector, or a keyword
   * found accent-insensitively in the problem's text) is notified, in batches, in one transaction
   * so a retried job does not notify twice.
   */
  async notifyMatchingSubscribers(problemId: string): Promise<{ notified: number }> {
    return this.dataSource.transaction(async (manager) => {
      const problem = await db(manager)
        .selectFrom('problems')
        .select(['title', 'status', 'deadline'])
        .where('id', '=', problemId)
        .executeTakeFirst();
      if (problem?.status !== 'published') return { notified: 0 };
      // A mini-competition is open only to its catalogue firms, told when it was published.
      if (await invitedFirmsOf(manager, problemId)) return { notified: 0 };
      const rows = await db(manager)
        .selectFrom('enterprise_subscriptions as s')
        .innerJoin('enterprises as e', (j) =>
          j.onRef('e.id', '=', 's.enterprise_id').on('e.status', 'in', ['pending', 'verified']),
        )
        .innerJoin('problems as p', (j) => j.on('p.id', '=', problemId))
        .select('s.enterprise_id')
        .where(
          sql<boolean>`p.sector = ANY(s.sectors)
             OR EXISTS (SELECT 1 FROM unnest(s.keywords) k
                         WHERE length(f_search_norm(k)) > 0 AND strpos(p.search_document, f_search_norm(k)) > 0)`,
        )
        .orderBy('s.enterprise_id')
        .execute();
      const ids = rows.map((r) => r.enterprise_id);
      for (let i = 0; i < ids.length; i += NOTIFY_BATCH) {
        await this.notifications.notifyEnterprises(manager, ids.slice(i, i + NOTIFY_BATCH), {
          kind: 'problem.matching',
          message: 'matching',
          params: { problem: problem.title, deadline: problem.deadline },
          data: { problemId },
        });
      }
      return { notified: ids.length };
    });
  }
}
