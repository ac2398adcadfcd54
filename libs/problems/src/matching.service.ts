import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppError, AuthUser, cityIso, ErrorCode, nfc, problemStatus } from '@app/common';
import { AuditService } from '@app/audit';
import { NotificationsService } from '@app/notifications';
import { InviteEnterprisesDto, UpdateSubscriptionsDto } from './dto/matching.dto';
import type { ProblemSector } from './problem.constants';
import { assertDepartmentOfficer, assertVisible, enterpriseOf, findProblem } from './problem-access';
import { ProblemSummary, SUMMARY_COLUMNS, toProblemSummary } from './problem-search.service';

/** Why a problem and a firm fit; the score is their weighted sum, 0..1. */
export class FitReasons {
  sectorMatch: boolean;
  matchedTags: string[];
  textSimilarity: number;
  sameArea: boolean;
}

/** Weights of the fit score: a shared sector counts most, then shared capability tags, then wording, then place. */
export const FIT_WEIGHTS = { sector: 0.4, tags: 0.3, text: 0.2, area: 0.1 } as const;

/**
 * The fit score in SQL, from the columns both rankings compute: sector_match, matched_tags,
 * tag_base (the smaller tag list), text_similarity, same_area. One expression, so firms and officers
 * see the same ranking from either side.
 */
const FIT_SCORE_SQL = `round((
    ${FIT_WEIGHTS.sector} * sector_match::int
  + ${FIT_WEIGHTS.tags} * cardinality(matched_tags)::numeric / greatest(tag_base, 1)
  + ${FIT_WEIGHTS.text} * text_similarity
  + ${FIT_WEIGHTS.area} * same_area::int)::numeric, 4)`;

/** part / whole to three decimals, as the track record states it; null with nothing to count. */
const rate = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 1000) / 1000);

/** Enterprise members of a firm are notified in batches of this many firms. */
const NOTIFY_BATCH = 500;

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

export class SuggestedEnterprise {
  enterpriseId: string;
  legalName: string;
  shortName: string | null;
  areaCode: string;
  sectors: ProblemSector[];
  tags: string[];
  invited: boolean;
  score: number;
  reasons: FitReasons;
  /** The firm's delivered orders, and those whose department answered the bottleneck was solved (or partly). */
  completedOrders: number;
  solvedOrders: number;
  /** Share of its accepted milestones accepted on or before their due date (city calendar); null with none. */
  onTimeRate: number | null;
  /** Share of the KPIs recorded in its orders' outcomes that were met; null with none. */
  kpiAchievementRate: number | null;
}

export class Subscriptions {
  sectors: ProblemSector[];
  keywords: string[];
  updatedAt: string | null;
}

/** An open problem recommended to a firm, with how well it fits. */
export class RecommendedProblem extends ProblemSummary {
  score: number;
  reasons: FitReasons;
  /** The firm's own completed orders in this problem's sector that solved (or partly solved) the bottleneck. */
  provenInSector: number;
}

export class RecommendedProblemList {
  items: RecommendedProblem[];
}

export class SuggestedEnterpriseList {
  items: SuggestedEnterprise[];
}

export class InvitationResult {
  /** Firms invited now. */
  invited: string[];
  /** Firms that had already been invited. */
  alreadyInvited: string[];
}

export class FollowView {
  problemId: string;
  following: boolean;
}

/** Matching firms and problems, invitations, follows and subscriptions (with the fan-out on publish). */
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
    const firm = await this.dataSource.query<{ id: string }[]>(`SELECT id FROM enterprises WHERE id = $1`, [enterpriseId]);
    if (!firm[0]) throw new AppError(ErrorCode.ENTERPRISE_NOT_FOUND, { context: 'own' });
    const rows = await this.dataSource.query<(FitRow & Parameters<typeof toProblemSummary>[0] & { proven_in_sector: number })[]>(
      `WITH firm AS (
         SELECT sectors, area_code, search_document, ARRAY(SELECT f_search_norm(t) FROM unnest(tags) t) AS ntags
           FROM enterprises WHERE id = $1),
       fit AS (
         SELECT ${SUMMARY_COLUMNS},
                p.sector = ANY(f.sectors) AS sector_match,
                ARRAY(SELECT t FROM unnest(p.tags) t WHERE f_search_norm(t) = ANY(f.ntags)) AS matched_tags,
                least(cardinality(p.tags), cardinality(f.ntags)) AS tag_base,
                similarity(f.search_document, p.search_document) AS text_similarity,
                coalesce(p.area_code = f.area_code, false) AS same_area
           FROM problems p CROSS JOIN firm f JOIN organizations o ON o.id = p.department_id
          WHERE p.status = 'published' AND p.deadline > now()),
       -- the firm's track record (libs/orders' tables, read only): sectors where it already solved a bottleneck
       proven AS (
         SELECT pp.sector, count(*)::int AS n
           FROM orders od JOIN order_outcomes oc ON oc.order_id = od.id
           JOIN problems pp ON pp.id = coalesce(od.problem_id, (SELECT so.problem_id FROM orders so WHERE so.id = od.source_order_id))
          WHERE od.enterprise_id = $1 AND od.status = 'completed' AND oc.solved IN ('yes', 'partly')
          GROUP BY pp.sector)
       SELECT fit.*, ${FIT_SCORE_SQL} AS score, coalesce(proven.n, 0) AS proven_in_sector
         FROM fit LEFT JOIN proven ON proven.sector = fit.sector
        ORDER BY score DESC, proven_in_sector DESC, deadline ASC, id LIMIT $2`,
      [enterpriseId, limit],
    );
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
    const rows = await this.dataSource.query<
      (FitRow & {
        id: string;
        legal_name: string;
        short_name: string | null;
        area_code: string;
        sectors: ProblemSector[];
        tags: string[];
        invited: boolean;
        completed_orders: number;
        solved_orders: number;
        accepted_milestones: number;
        on_time_milestones: number;
        kpis_recorded: number;
        kpis_met: number;
      })[]
    >(
      `WITH prob AS (
         SELECT id, sector, area_code, search_document, ARRAY(SELECT f_search_norm(t) FROM unnest(tags) t) AS ntags
           FROM problems WHERE id = $1),
       fit AS (
         SELECT e.id, e.legal_name, e.short_name, e.area_code, e.sectors, e.tags,
                pr.sector = ANY(e.sectors) AS sector_match,
                ARRAY(SELECT t FROM unnest(e.tags) t WHERE f_search_norm(t) = ANY(pr.ntags)) AS matched_tags,
                least(cardinality(e.tags), cardinality(pr.ntags)) AS tag_base,
                similarity(e.search_document, pr.search_document) AS text_similarity,
                coalesce(e.area_code = pr.area_code, false) AS same_area,
                EXISTS (SELECT 1 FROM problem_invitations i WHERE i.problem_id = pr.id AND i.enterprise_id = e.id) AS invited,
                -- the track record (libs/orders' tables, read only): between equal fits, a proven firm comes first
                (SELECT count(*)::int FROM orders o WHERE o.enterprise_id = e.id AND o.status = 'completed') AS completed_orders,
                (SELECT count(*)::int FROM orders o JOIN order_outcomes oc ON oc.order_id = o.id
                  WHERE o.enterprise_id = e.id AND o.status = 'completed' AND oc.solved IN ('yes', 'partly')) AS solved_orders,
                ms.accepted_milestones, ms.on_time_milestones, ks.kpis_recorded, ks.kpis_met
           FROM enterprises e CROSS JOIN prob pr
           CROSS JOIN LATERAL (
             SELECT count(*)::int AS accepted_milestones,
                    count(*) FILTER (WHERE (m.accepted_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date <= m.due_date)::int AS on_time_milestones
               FROM order_milestones m JOIN orders o ON o.id = m.order_id
              WHERE o.enterprise_id = e.id AND m.status = 'accepted') ms
           CROSS JOIN LATERAL (
             SELECT count(*)::int AS kpis_recorded, count(*) FILTER (WHERE (k ->> 'met')::boolean)::int AS kpis_met
               FROM orders o JOIN order_outcomes oc ON oc.order_id = o.id CROSS JOIN jsonb_array_elements(oc.kpis) k
              WHERE o.enterprise_id = e.id AND o.status = 'completed') ks
          WHERE e.status = 'verified'),
       ranked AS (
         SELECT *, ${FIT_SCORE_SQL} AS score,
                kpis_met::numeric / nullif(kpis_recorded, 0) AS kpi_rate,
                on_time_milestones::numeric / nullif(accepted_milestones, 0) AS on_time_rate
           FROM fit)
       SELECT * FROM ranked
        ORDER BY score DESC, solved_orders DESC, completed_orders DESC, kpi_rate DESC NULLS LAST, on_time_rate DESC NULLS LAST,
                 legal_name, id
        LIMIT $2`,
      [problemId, limit],
    );
    return {
      items: rows.map((r) => ({
        enterpriseId: r.id,
        legalName: r.legal_name,
        shortName: r.short_name,
        areaCode: r.area_code,
        sectors: r.sectors,
        tags: r.tags,
        invited: r.invited,
        score: Number(r.score),
        reasons: reasonsOf(r),
        completedOrders: r.completed_orders,
        solvedOrders: r.solved_orders,
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
      const verified = await manager.query<{ id: string }[]>(
        `SELECT id FROM enterprises WHERE id = ANY($1::uuid[]) AND status = 'verified'`,
        [ids],
      );
      const notVerified = ids.filter((id) => !verified.some((v) => v.id === id));
      if (notVerified.length > 0) {
        throw new AppError(ErrorCode.ENTERPRISE_NOT_VERIFIED, { context: 'invite' }, { enterpriseIds: notVerified });
      }
      const inserted = await manager.query<{ enterprise_id: string }[]>(
        `INSERT INTO problem_invitations (problem_id, enterprise_id, invited_by, message)
         SELECT $1, unnest($2::uuid[]), $3, $4 ON CONFLICT DO NOTHING RETURNING enterprise_id`,
        [problemId, ids, actor.id, message],
      );
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

  /** Whether the caller's firm follows the problem (the portal's Follow button shows it). */
  async following(actor: AuthUser, problemId: string): Promise<FollowView> {
    const enterpriseId = enterpriseOf(actor);
    const problem = await findProblem(this.dataSource.manager, problemId);
    assertVisible(actor, problem);
    const rows = await this.dataSource.query<unknown[]>(
      `SELECT 1 FROM problem_followers WHERE problem_id = $1 AND enterprise_id = $2`,
      [problemId, enterpriseId],
    );
    return { problemId, following: rows.length > 0 };
  }

  async follow(actor: AuthUser, problemId: string): Promise<FollowView> {
    const enterpriseId = enterpriseOf(actor);
    const problem = await findProblem(this.dataSource.manager, problemId);
    assertVisible(actor, problem);
    await this.dataSource.query(
      `INSERT INTO problem_followers (problem_id, enterprise_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [problemId, enterpriseId],
    );
    return { problemId, following: true };
  }

  async unfollow(actor: AuthUser, problemId: string): Promise<FollowView> {
    const enterpriseId = enterpriseOf(actor);
    const problem = await findProblem(this.dataSource.manager, problemId);
    assertVisible(actor, problem);
    await this.dataSource.query(`DELETE FROM problem_followers WHERE problem_id = $1 AND enterprise_id = $2`, [
      problemId,
      enterpriseId,
    ]);
    return { problemId, following: false };
  }

  async getSubscriptions(actor: AuthUser): Promise<Subscriptions> {
    const enterpriseId = enterpriseOf(actor);
    const rows = await this.dataSource.query<{ sectors: ProblemSector[]; keywords: string[]; updated_at: Date }[]>(
      `SELECT sectors, keywords, updated_at FROM enterprise_subscriptions WHERE enterprise_id = $1`,
      [enterpriseId],
    );
    const row = rows[0];
    return row
      ? { sectors: row.sectors, keywords: row.keywords, updatedAt: cityIso(row.updated_at) }
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
      const firm = await manager.query<{ id: string }[]>(`SELECT id FROM enterprises WHERE id = $1`, [enterpriseId]);
      if (!firm[0]) throw new AppError(ErrorCode.ENTERPRISE_NOT_FOUND, { context: 'own' });
      await manager.query(
        `INSERT INTO enterprise_subscriptions (enterprise_id, sectors, keywords, updated_at) VALUES ($1, $2, $3, now())
         ON CONFLICT (enterprise_id) DO UPDATE SET sectors = EXCLUDED.sectors, keywords = EXCLUDED.keywords, updated_at = now()`,
        [enterpriseId, sectors, keywords],
      );
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
      const problems = await manager.query<{ title: string; status: string; deadline: Date }[]>(
        `SELECT title, status, deadline FROM problems WHERE id = $1`,
        [problemId],
      );
      const problem = problems[0];
      if (problem?.status !== 'published') return { notified: 0 };
      const rows = await manager.query<{ enterprise_id: string }[]>(
        `SELECT s.enterprise_id
           FROM enterprise_subscriptions s
           JOIN enterprises e ON e.id = s.enterprise_id AND e.status IN ('pending', 'verified')
           JOIN problems p ON p.id = $1
          WHERE p.sector = ANY(s.sectors)
             OR EXISTS (SELECT 1 FROM unnest(s.keywords) k
                         WHERE length(f_search_norm(k)) > 0 AND strpos(p.search_document, f_search_norm(k)) > 0)
          ORDER BY s.enterprise_id`,
        [problemId],
      );
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
