import { ProposalView } from '@app/proposals';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig, AppError, AuthUser, cityIso, ErrorCode, Language, nfc, problemStatus, translate } from '@app/common';
import { AuditService } from '@app/audit';
import { scoresSeal } from './score-disclosure';
import { NotificationsService } from '@app/notifications';
import { OcdsService } from '@app/ocds';
import { assertDepartmentOfficer, findProblem, nextProblemStatus, Problem, transitionProblem } from '@app/problems';
import { AwardDto, DeclareUnsuccessfulDto } from './dto/evaluation.dto';
import { loadState, scoringComplete } from './evaluation-state';
import { ConsensusScore, RankingItem, RankingService, RankingView } from './ranking.service';

/** A proposal as its own firm reads it: once the outcome is out, with its own evaluation. */
export class OwnProposalView extends ProposalView {
  /** Only for the firm itself; null until an outcome is decided. */
  evaluation?: BidderEvaluationView | null;
}

export class OutcomeView {
  problemId: string;
  outcome: 'awarded' | 'unsuccessful';
  proposalId: string | null;
  decidedAt: string;
}

export class WinnerView {
  enterpriseId: string;
  name: string;
  taxCode: string;
}

export class ScoreSummaryView {
  winnerScore: number | null;
  passMark: number;
  ranked: number;
  minScore: number | null;
  maxScore: number | null;
}

export class PublicResultView {
  problemId: string;
  title: string;
  outcome: 'awarded' | 'unsuccessful';
  decidedAt: string;
  proposals: number;
  winner: WinnerView | null;
  price: number | null;
  durationMonths: number | null;
  /** Why the top-ranked proposal was not chosen, where it was not. */
  justification: string | null;
  reason: string | null;
  scoreSummary: ScoreSummaryView | null;
}

export class BidderCriterionScore {
  criterion: string;
  name: string;
  score: number;
  comment: string | null;
}

/** One evaluator's scores as the bidder sees them: named only "Chuyên gia N" / "Expert N". */
export class AnonymousEvaluatorScores {
  label: string;
  total: number | null;
  scores: BidderCriterionScore[];
}

/** A bidder's own evaluation, once the outcome is out. Evaluators are shown as "Chuyên gia 1, 2, …" (in the reader's language). */
export class BidderEvaluationView {
  outcome: 'awarded' | 'unsuccessful';
  status: string;
  passMark: number;
  finalScore: number | null;
  average: number | null;
  passed: boolean | null;
  rank: number | null;
  rankedCount: number | null;
  consensus: ConsensusScore | null;
  evaluators: AnonymousEvaluatorScores[];
}

interface OutcomeRow {
  outcome: 'awarded' | 'unsuccessful';
  proposal_id: string | null;
  justification: string | null;
  reason: string | null;
  ranking: RankingView | null;
  decided_at: Date;
}

/**
 * The decision: the award (top-ranked, or another that passed with a written justification) or
 * an unsuccessful outcome, in one transaction with the proposals' states, the outcome row, the
 * OCDS release, the bidders' notifications and the audit entry. Then the public result and each
 * bidder's own scores and rank.
 */
@Injectable()
export class AwardService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly ranking: RankingService,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly ocds: OcdsService,
    private readonly config: AppConfig,
  ) {}

  async award(actor: AuthUser, problemId: string, dto: AwardDto): Promise<OutcomeView> {
    const justification = dto.justification ? nfc(dto.justification) : null;
    return this.dataSource.transaction(async (manager) => {
      const problem = await this.decidable(manager, actor, problemId);
      if (problem.status !== 'evaluating') {
        throw new AppError(ErrorCode.SCORING_INCOMPLETE, { context: 'notEvaluated' }, { status: problem.status });
      }
      const state = await loadState(manager, problemId, this.config.get('PANEL_MIN_SIZE'));
      const ranking = await this.ranking.compute(manager, problemId, state);
      const chosen = ranking.items.find((i) => i.proposalId === dto.proposalId);
      if (!chosen) throw new AppError(ErrorCode.PROPOSAL_NOT_FOUND, { context: 'forProblem' });
      if (!chosen.passed) {
        throw new AppError(
          ErrorCode.AWARD_NOT_ALLOWED,
          { context: 'belowPassMark', passMark: ranking.passMark },
          {
            finalScore: chosen.finalScore,
            passMark: ranking.passMark,
          },
        );
      }
      if (chosen.rank !== 1 && !justification) {
        throw new AppError(
          ErrorCode.AWARD_JUSTIFICATION_REQUIRED,
          {},
          {
            rank: chosen.rank,
          },
        );
      }
      await transitionProblem(manager, problemId, 'award');
      await manager.query(`UPDATE proposals SET status = 'awarded', updated_at = now() WHERE id = $1`, [chosen.proposalId]);
      await manager.query(
        `UPDATE proposals SET status = 'not_awarded', updated_at = now() WHERE problem_id = $1 AND id <> $2 AND status = 'submitted'`,
        [problemId, chosen.proposalId],
      );
      const [outcome] = await manager.query<{ decided_at: Date }[]>(
        `INSERT INTO problem_outcomes (problem_id, outcome, proposal_id, justification, ranking, decided_by)
         VALUES ($1, 'awarded', $2, $3, $4::jsonb, $5) RETURNING decided_at`,
        [problemId, chosen.proposalId, justification, JSON.stringify(ranking), actor.id],
      );
      await this.ocds.record(manager, problemId, 'award', {
        award: { enterpriseId: chosen.enterprise.id, price: chosen.price, durationMonths: chosen.durationMonths, justification },
      });
      await this.tellBidders(
        manager,
        problem,
        state.proposals.map((p) => p.enterpriseId),
        chosen,
      );
      await this.audit.release(manager, scoresSeal(problemId));
      await this.audit.record(manager, {
        actor,
        action: 'problem.awarded',
        entityType: 'problem',
        entityId: problemId,
        before: { status: problem.status },
        after: {
          status: 'awarded',
          proposalId: chosen.proposalId,
          enterpriseId: chosen.enterprise.id,
          rank: chosen.rank,
          finalScore: chosen.finalScore,
          justification,
        },
      });
      return { problemId, outcome: 'awarded' as const, proposalId: chosen.proposalId, decidedAt: cityIso(outcome.decided_at) };
    });
  }

  async declareUnsuccessful(actor: AuthUser, problemId: string, dto: DeclareUnsuccessfulDto): Promise<OutcomeView> {
    const reason = nfc(dto.reason);
    return this.dataSource.transaction(async (manager) => {
      const problem = await this.decidable(manager, actor, problemId);
      const state = await loadState(manager, problemId, this.config.get('PANEL_MIN_SIZE'));
      // Keep the ranking where scoring had finished, so bidders still see their scores and rank.
      const ranking =
        state.proposals.length > 0 && scoringComplete(state) ? await this.ranking.compute(manager, problemId, state) : null;
      await transitionProblem(manager, problemId, 'declareUnsuccessful');
      await manager.query(
        `UPDATE proposals SET status = 'not_awarded', updated_at = now() WHERE problem_id = $1 AND status = 'submitted'`,
        [problemId],
      );
      const [outcome] = await manager.query<{ decided_at: Date }[]>(
        `INSERT INTO problem_outcomes (problem_id, outcome, reason, ranking, decided_by) VALUES ($1, 'unsuccessful', $2, $3::jsonb, $4)
         RETURNING decided_at`,
        [problemId, reason, ranking ? JSON.stringify(ranking) : null, actor.id],
      );
      await this.ocds.record(manager, problemId, 'unsuccessful', { unsuccessfulReason: reason });
      await this.notifications.notifyEnterprises(
        manager,
        state.proposals.map((p) => p.enterpriseId),
        {
          kind: 'award.outcome',
          message: 'awardUnsuccessful',
          params: { problem: problem.title, reason },
          data: { problemId, outcome: 'unsuccessful' },
        },
      );
      await this.audit.release(manager, scoresSeal(problemId));
      await this.audit.record(manager, {
        actor,
        action: 'problem.unsuccessful',
        entityType: 'problem',
        entityId: problemId,
        before: { status: problem.status },
        after: { status: 'unsuccessful', reason },
      });
      return { problemId, outcome: 'unsuccessful' as const, proposalId: null, decidedAt: cityIso(outcome.decided_at) };
    });
  }

  /** Public once decided. */
  async result(problemId: string): Promise<PublicResultView> {
    const manager = this.dataSource.manager;
    const problem = await findProblem(manager, problemId);
    const outcome = await this.outcomeOf(manager, problemId);
    if (!outcome || problem.status === 'draft') throw new AppError(ErrorCode.PROBLEM_NOT_DECIDED);
    const counts = await manager.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM proposals WHERE problem_id = $1 AND status <> 'withdrawn'`,
      [problemId],
    );
    const items = outcome.ranking?.items ?? [];
    const winner = outcome.proposal_id ? items.find((i) => i.proposalId === outcome.proposal_id) : undefined;
    const finals = items.map((i) => i.finalScore).filter((s): s is number => s !== null);
    return {
      problemId,
      title: problem.title,
      outcome: outcome.outcome,
      decidedAt: cityIso(outcome.decided_at),
      proposals: counts[0].n,
      winner: winner
        ? { enterpriseId: winner.enterprise.id, name: winner.enterprise.name, taxCode: winner.enterprise.taxCode }
        : null,
      price: winner?.price ?? null,
      durationMonths: winner?.durationMonths ?? null,
      justification: outcome.justification,
      reason: outcome.reason,
      scoreSummary: outcome.ranking
        ? {
            winnerScore: winner?.finalScore ?? null,
            passMark: outcome.ranking.passMark,
            ranked: items.filter((i) => i.rank !== null).length,
            minScore: finals.length ? Math.min(...finals) : null,
            maxScore: finals.length ? Math.max(...finals) : null,
          }
        : null,
    };
  }

  /**
   * For GET /proposals/:id read by its own firm: nothing before the outcome; afterwards its own
   * per-criterion scores, comments and rank, evaluators shown anonymously as "Chuyên gia 1, 2, …" ("Expert 1, 2, …" in English; panel order).
   */
  async bidderEvaluation(proposalId: string, lang: Language): Promise<BidderEvaluationView | null> {
    const manager = this.dataSource.manager;
    const rows = await manager.query<{ problem_id: string; status: string }[]>(
      `SELECT problem_id, status FROM proposals WHERE id = $1`,
      [proposalId],
    );
    if (!rows[0] || rows[0].status === 'withdrawn') return null;
    const outcome = await this.outcomeOf(manager, rows[0].problem_id);
    if (!outcome) return null;
    const problem = await findProblem(manager, rows[0].problem_id);
    const mine: RankingItem | undefined = outcome.ranking?.items.find((i) => i.proposalId === proposalId);
    const evaluatorIds = mine?.evaluators.map((e) => e.evaluatorId) ?? [];
    const scores = await manager.query<{ evaluator_id: string; criterion_key: string; score: string; comment: string | null }[]>(
      `SELECT evaluator_id, criterion_key, score::text AS score, comment FROM proposal_scores WHERE proposal_id = $1 AND evaluator_id = ANY($2::uuid[])`,
      [proposalId, evaluatorIds],
    );
    return {
      outcome: outcome.outcome,
      status: rows[0].status,
      passMark: problem.rubric.passMark,
      finalScore: mine?.finalScore ?? null,
      average: mine?.average ?? null,
      passed: mine?.passed ?? null,
      rank: mine?.rank ?? null,
      rankedCount: outcome.ranking ? outcome.ranking.items.filter((i) => i.rank !== null).length : null,
      consensus: mine?.consensus ?? null,
      evaluators: (mine?.evaluators ?? []).map((e, i) => ({
        label: translate(lang, 'evaluation.expert', { n: i + 1 }),
        total: e.total,
        scores: problem.rubric.criteria.flatMap((c) => {
          const r = scores.find((s) => s.evaluator_id === e.evaluatorId && s.criterion_key === c.key);
          return r ? [{ criterion: c.key, name: c.name, score: Number(r.score), comment: r.comment }] : [];
        }),
      })),
    };
  }

  private async decidable(manager: EntityManager, actor: AuthUser, problemId: string): Promise<Problem> {
    const problem = await findProblem(manager, problemId, true);
    assertDepartmentOfficer(actor, problem, 'decideOutcome');
    if (!nextProblemStatus(problem.status, 'declareUnsuccessful')) {
      throw new AppError(ErrorCode.AWARD_NOT_ALLOWED, { status: problemStatus(problem.status) }, { status: problem.status });
    }
    return problem;
  }

  private async outcomeOf(manager: EntityManager, problemId: string): Promise<OutcomeRow | undefined> {
    const rows = await manager.query<OutcomeRow[]>(
      `SELECT outcome, proposal_id, justification, reason, ranking, decided_at FROM problem_outcomes WHERE problem_id = $1`,
      [problemId],
    );
    return rows[0];
  }

  private async tellBidders(manager: EntityManager, problem: Problem, firms: string[], winner: RankingItem): Promise<void> {
    const data = { problemId: problem.id, outcome: 'awarded' };
    await this.notifications.notifyEnterprises(manager, [winner.enterprise.id], {
      kind: 'award.outcome',
      message: 'awardWon',
      params: { problem: problem.title },
      data: { ...data, proposalId: winner.proposalId, won: true },
    });
    await this.notifications.notifyEnterprises(
      manager,
      firms.filter((f) => f !== winner.enterprise.id),
      {
        kind: 'award.outcome',
        message: 'awardLost',
        params: { problem: problem.title },
        data: { ...data, won: false },
      },
    );
  }
}
