import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { sql } from 'kysely';
import { DataSource } from 'typeorm';
import { AppError, AuthUser, ErrorCode, nfc, problemStatus } from '@app/common';
import { AuditService } from '@app/audit';
import { db } from '@app/database';
import { NotificationsService } from '@app/notifications';
import { InviteEnterprisesDto } from './dto/matching.dto';
import type { ProblemSector } from './problem.constants';
import { assertDepartmentOfficer, enterpriseOf, findProblem } from './problem-access';
import { invitedFirmsOf } from './mini-competitions';
import { SUMMARY_COLUMNS, toProblemSummary } from './problem-search.service';
import { FitReasons, InvitationResult, RecommendedProblemList, SuggestedEnterpriseList } from './matching-views';

/** Weights of the fit score: a shared sector counts most, then shared capability tags, then wording, then place. */
export const FIT_WEIGHTS = { sector: 0.4, tags: 0.3, text: 0.2, area: 0.1 } as const;

/**
 * The fit score in SQL, from the columns both rankings compute: sector_match, matched_tags,
 * tag_base (the smaller tag list), text_similarity, same_area. One expression, so firms and officers
 * see the same ranking from either side.
 */
const FIT_SCORE = sql<string>`round((
    ${sql.lit(FIT_WEIGHTS.sector)} * sector_match::int
  + ${sql.lit(FIT_WEIGHTS.tags)} * cardinality(matched_tags)::numeric / greatest(tag_base, 1)
  + ${sql.lit(FIT_WEIGHTS.text)} * text_similarity
  + ${sql.lit(FIT_WEIGHTS.area)} * same_area::int)::numeric, 4)`;

/** part / whole to three decimals, as the track record states it; null with nothing to count. */
const rate = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 1000) / 1000);

interface FitRow {
  sector_match: boolean;
  matched_tags: string[];
  text_similarity: number;
  same_area: boolean;
  score: string;
}

const reasonsOf = (r: FitRow): FitReasons => ({
  sectorMatch: r.sector_match,
  matchedTags: r.matched_tags,
  textSimilarity: Math.round(Number(r.text_similarity) * 1000) / 1000,
  sameArea: r.same_area,
});

/** Matching firms and problems both ways, and the department's invitations. Follows and subscriptions: FollowsService. */
@Injectable()
export class MatchingService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
  ) {}

  /** Open problems ranked for the caller's firm. */
  async recommendedProblems(actor: AuthUser, limit = 20): Promise<RecommendedProblemList> {
    const enterpriseId = enterpriseOf(actor);
    const firm = await db(this.dataSource)
      .selectFrom('enterprises')
      .select('id')
      .where('id', '=', enterpriseId)
      .executeTakeFirst();
    if (!firm) throw new AppError(ErrorCode.ENTERPRISE_NOT_FOUND, { context: 'own' });
    const rows = await db(this.dataSource)
      .with('firm', (q) =>
        q
          .selectFrom('enterprises')
          .select([
            'sectors',
            'area_code',
            'search_document',
            sql<string[]>`ARRAY(SELECT f_search_norm(t) FROM unnest(tags) t)`.as('ntags'),
          ])
          .where('id', '=', enterpriseId),
      )
      .with('fit', (q) =>
        q
          .selectFrom('problems as p')
          .crossJoin('firm as f')
          .innerJoin('organizations as o', 'o.id', 'p.department_id')
          .select([
            ...SUMMARY_COLUMNS,
            sql<boolean>`p.sector = ANY(f.sectors)`.as('sector_match'),
            sql<string[]>`ARRAY(SELECT t FROM unnest(p.tags) t WHERE f_search_norm(t) = ANY(f.ntags))`.as('matched_tags'),
            sql<number>`least(cardinality(p.tags), cardinality(f.ntags))`.as('tag_base'),
            sql<number>`similarity(f.search_document, p.search_document)`.as('text_similarity'),
            sql<boolean>`coalesce(p.area_code = f.area_code, false)`.as('same_area'),
          ])
          .where('p.status', '=', 'published')
          .where('p.deadline', '>', sql<Date>`now()`),
      )
      // the firm's track record (libs/orders' tables, read only): sectors where it already solved a bottleneck
      .with('proven', (q) =>
        q
          .selectFrom('orders as od')
          .innerJoin('order_outcomes as oc', 'oc.order_id', 'od.id')
          .innerJoin('problems as pp', (j) =>
            // a re-order's problem is its source order's
            j.on(
              sql<boolean>`pp.id = coalesce(od.problem_id, (SELECT so.problem_id FROM orders so WHERE so.id = od.source_order_id))`,
            ),
          )
          .select(['pp.sector', sql<number>`count(*)::int`.as('n')])
          .where('od.enterprise_id', '=', enterpriseId)
          .where('od.status', '=', 'completed')
          .where('oc.solved', 'in', ['yes', 'partly'])
          .groupBy('pp.sector'),
      )
      .selectFrom('fit')
      .leftJoin('proven', 'proven.sector', 'fit.sector')
      .selectAll('fit')
      .select([FIT_SCORE.as('score'), sql<number>`coalesce(proven.n, 0)`.as('proven_in_sector')])
      .orderBy('score', 'desc')
      .orderBy('proven_in_sector', 'desc')
      .orderBy('deadline', 'asc')
      .orderBy('id')
      .limit(limit)
      .execute();
    return {
      items: rows.map((r) => ({
        ...toProblemSummary(r),
        score: Number(r.score),
        reasons: reasonsOf(r),
        provenInSector: r.proven_in_sector,
      })),
    };
  }

  /** Verified firms ranked for a problem, for its department's officers. */
  async suggestedEnterprises(actor: AuthUser, problemId: string, limit = 20): Promise<SuggestedEnterpriseList> {
    const problem = await findProblem(this.dataSource.manager, problemId);
    assertDepartmentOfficer(actor, problem, 'seeSuggestedFirms');
    const rows = await db(this.dataSource)
      .with('prob', (q) =>
        q
          .selectFrom('problems')
          .select([
            'id',
            'sector',
            'area_code',
            'search_document',
            sql<string[]>`ARRAY(SELECT f_search_norm(t) FROM unnest(tags) t)`.as('ntags'),
          ])
          .where('id', '=', problemId),
      )
      .with('fit', (q) =>
        q
          .selectFrom('enterprises as e')
          .crossJoin('prob as pr')
          .select((eb) => [
            'e.id',
            'e.legal_name',
            'e.short_name',
            'e.area_code',
            'e.sectors',
            'e.tags',
            sql<boolean>`pr.sector = ANY(e.sectors)`.as('sector_match'),
            sql<string[]>`ARRAY(SELECT t FROM unnest(e.tags) t WHERE f_search_norm(t) = ANY(pr.ntags))`.as('matched_tags'),
            sql<number>`least(cardinality(e.tags), cardinality(pr.ntags))`.as('tag_base'),
            sql<number>`similarity(e.search_document, pr.search_document)`.as('text_similarity'),
            sql<boolean>`coalesce(e.area_code = pr.area_code, false)`.as('same_area'),
            eb
              .exists(
                eb
                  .selectFrom('problem_invitations as i')
                  .select('i.enterprise_id')
                  .whereRef('i.problem_id', '=', 'pr.id')
                  .whereRef('i.enterprise_id', '=', 'e.id'),
              )
              .$castTo<boolean>()
              .as('invited'),
            // the track record (libs/orders' tables, a read model): between equal fits, a proven firm comes first
            eb
              .selectFrom('orders as o')
              .select(sql<number>`count(*)::int`.as('n'))
              .whereRef('o.enterprise_id', '=', 'e.id')
              .where('o.status', '=', 'completed')
              .as('completed_orders'),
            eb
              .selectFrom('orders as o')
              .innerJoin('order_outcomes as oc', 'oc.order_id', 'o.id')
              .select(sql<number>`count(*)::int`.as('n'))
              .whereRef('o.enterprise_id', '=', 'e.id')
              .where('o.status', '=', 'completed')
              .where('oc.solved', 'in', ['yes', 'partly'])
              .as('solved_orders'),
            // accepted milestones and how many on time (by the city's calendar), KPIs recorded and met
            sql<number>`(SELECT count(*)::int FROM order_milestones m JOIN orders o ON o.id = m.order_id
                          WHERE o.enterprise_id = e.id AND m.status = 'accepted')`.as('accepted_milestones'),
            sql<number>`(SELECT count(*)::int FROM order_milestones m JOIN orders o ON o.id = m.order_id
                          WHERE o.enterprise_id = e.id AND m.status = 'accepted'
                            AND (m.accepted_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date <= m.due_date)`.as('on_time_milestones'),
            sql<number>`(SELECT count(*)::int FROM orders o JOIN order_outcomes oc ON oc.order_id = o.id
                          CROSS JOIN jsonb_array_elements(oc.kpis) k WHERE o.enterprise_id = e.id AND o.status = 'completed')`.as(
              'kpis_recorded',
            ),
            sql<number>`(SELECT count(*)::int FROM orders o JOIN order_outcomes oc ON oc.order_id = o.id
                          CROSS JOIN jsonb_array_elements(oc.kpis) k
                          WHERE o.enterprise_id = e.id AND o.status = 'completed' AND (k ->> 'met')::boolean)`.as('kpis_met'),
          ])
          .where('e.status', '=', 'verified'),
      )
      .selectFrom('fit')
      .selectAll()
      .select(FIT_SCORE.as('score'))
      .orderBy('score', 'desc')
      .orderBy('solved_orders', 'desc')
      .orderBy('completed_orders', 'desc')
      .orderBy(sql`kpis_met::numeric / nullif(kpis_recorded, 0)`, (ob) => ob.desc().nullsLast())
      .orderBy(sql`on_time_milestones::numeric / nullif(accepted_milestones, 0)`, (ob) => ob.desc().nullsLast())
      .orderBy('legal_name')
      .orderBy('id')
      .limit(limit)
      .execute();
    return {
      items: rows.map((r) => ({
        enterpriseId: r.id,
        legalName: r.legal_name,
        shortName: r.short_name,
        areaCode: r.area_code,
        sectors: r.sectors as ProblemSector[],
        tags: r.tags,
        invited: r.invited,
        score: Number(r.score),
        reasons: reasonsOf(r),
        completedOrders: r.completed_orders ?? 0,
        solvedOrders: r.solved_orders ?? 0,
        onTimeRate: rate(r.on_time_milestones, r.accepted_milestones),
        kpiAchievementRate: rate(r.kpis_met, r.kpis_recorded),
      })),
    };
  }

  /** Invites verified firms to a published problem; a firm already invited is not invited (or notified) twice. */
  async invite(actor: AuthUser, problemId: string, dto: InviteEnterprisesDto): Promise<InvitationResult> {
    const ids = [...new Set(dto.enterpriseIds.map((id) => id.toLowerCase()))];
    const message = dto.message ? nfc(dto.message) : null;
    return this.dataSource.transaction(async (manager) => {
      const problem = await findProblem(manager, problemId);
      assertDepartmentOfficer(actor, problem, 'inviteFirms');
      if (problem.status !== 'published') {
        throw new AppError(
          ErrorCode.PROBLEM_STATUS_CONFLICT,
          { context: 'invite', status: problemStatus(problem.status) },
          {
            status: problem.status,
          },
        );
      }
      // A mini-competition's firms were fixed when it started: inviting another would invite a bid it cannot make.
      const listed = await invitedFirmsOf(manager, problemId);
      const unlisted = listed ? ids.filter((id) => !listed.includes(id)) : [];
      if (unlisted.length > 0) throw new AppError(ErrorCode.MINI_COMPETITION_FIRMS_FIXED, {}, { enterpriseIds: unlisted });
      const verified = await db(manager)
        .selectFrom('enterprises')
        .select('id')
        .where('id', 'in', ids)
        .where('status', '=', 'verified')
        .execute();
      const notVerified = ids.filter((id) => !verified.some((v) => v.id === id));
      if (notVerified.length > 0) {
        throw new AppError(ErrorCode.ENTERPRISE_NOT_VERIFIED, { context: 'invite' }, { enterpriseIds: notVerified });
      }
      const inserted = await db(manager)
        .insertInto('problem_invitations')
        .values(
          ids.map((enterpriseId) => ({ problem_id: problemId, enterprise_id: enterpriseId, invited_by: actor.id, message })),
        )
        .onConflict((c) => c.doNothing())
        .returning('enterprise_id')
        .execute();
      const invited = inserted.map((r) => r.enterprise_id);
      if (invited.length > 0) {
        await this.audit.record(manager, {
          actor,
          action: 'problem.invited',
          entityType: 'problem',
          entityId: problemId,
          after: { enterpriseIds: invited, message },
        });
        await this.notifications.notifyEnterprises(manager, invited, {
          kind: 'problem.invitation',
          message: message ? 'invitationWithNote' : 'invitation',
          params: { problem: problem.title, deadline: problem.deadline, note: message ?? '' },
          data: { problemId },
        });
      }
      return { invited, alreadyInvited: ids.filter((id) => !invited.includes(id)) };
    });
  }
}
