import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { sql } from 'kysely';
import { DataSource, EntityManager } from 'typeorm';
import { db } from '@app/database';
import { AppConfig, AppError, AuthUser, cityIso, ErrorCode, nfc } from '@app/common';
import { AuditService } from '@app/audit';
import { releaseScoresIfFinished, scoresSeal } from './score-disclosure';
import { findProblem } from '@app/problems';
import { assertEvaluatorMayRead, ProposalOpeningService } from '@app/proposals';
import { rankProposals, ProposalScores, weightedTotal } from './scoring';
import { ConsensusDto } from './dto/evaluation.dto';
import {
  assertEvaluating,
  assertMayFollow,
  eligibleFor,
  EvaluationState,
  findProposal,
  key,
  loadState,
  proposalComplete,
  scoringComplete,
} from './evaluation-state';

export class ConsensusScore {
  score: number;
  reason: string;
}

export class ConsensusView {
  proposalId: string;
  score: number;
  reason: string;
}

export class RankingItem {
  proposalId: string;
  enterprise: { id: string; name: string; taxCode: string };
  price: number;
  durationMonths: number;
  /** The final (latest) version's submission time: the second tie-break. */
  submittedAt: string;
  evaluators: { evaluatorId: string; fullName: string; total: number }[];
  average: number | null;
  spread: number | null;
  disagreement: boolean;
  consensus: ConsensusScore | null;
  finalScore: number | null;
  passed: boolean;
  rank: number | null;
}

export class RankingView {
  problemId: string;
  passMark: number;
  disagreementThreshold: number;
  items: RankingItem[];
}

/**
 * Aggregation once scoring has ended: each evaluator's weighted total, the mean, the spread and
 * the disagreement flag, the chair's consensus where recorded; price and final submission time
 * come from decrypting each live proposal's latest version (after the deadline only).
 */
@Injectable()
export class RankingService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly opening: ProposalOpeningService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  async ranking(user: AuthUser, problemId: string): Promise<RankingView> {
    return this.dataSource.transaction(async (manager) => {
      const problem = await findProblem(manager, problemId);
      const as = await assertMayFollow(manager, problem, user, true);
      const view = await this.compute(manager, problemId);
      if (as === 'panel') {
        // A conflicted evaluator never sees that firm's proposal, nor its scores.
        const state = await loadState(manager, problemId, this.config.get('PANEL_MIN_SIZE'));
        view.items = view.items.filter((i) => state.declarations.get(key(user.id, i.enterprise.id)) === false);
      }
      // compute() is also what problem_outcomes.ranking stores (UTC); the API shows Hai Phong time.
      return { ...view, items: view.items.map((i) => ({ ...i, submittedAt: cityIso(i.submittedAt) })) };
    });
  }

  /** The ranking as it stands; refuses while any eligible evaluator has not submitted. */
  async compute(manager: EntityManager, problemId: string, state?: EvaluationState): Promise<RankingView> {
    const s = state ?? (await loadState(manager, problemId, this.config.get('PANEL_MIN_SIZE')));
    if (!['evaluating', 'closed', 'awarded', 'unsuccessful'].includes(s.problem.status) || !scoringComplete(s)) {
      throw new AppError(ErrorCode.SCORING_INCOMPLETE);
    }
    const opened = new Map((await this.opening.openLatestVersions(manager, problemId)).map((o) => [o.proposalId, o]));
    // numeric comes back as its text (a string), as the scores were written
    const scores = await db(manager)
      .selectFrom('proposal_scores as sc')
      .innerJoin('proposals as p', 'p.id', 'sc.proposal_id')
      .select(['sc.proposal_id', 'sc.evaluator_id', 'sc.criterion_key', 'sc.score'])
      .where('p.problem_id', '=', problemId)
      .execute();
    const consensus = await db(manager)
      .selectFrom('proposal_consensus_scores as c')
      .innerJoin('proposals as p', 'p.id', 'c.proposal_id')
      .select(['c.proposal_id', 'c.score', 'c.reason'])
      .where('p.problem_id', '=', problemId)
      .execute();
    const consensusOf = new Map(consensus.map((c) => [c.proposal_id, { score: Number(c.score), reason: c.reason }]));
    const input: ProposalScores[] = s.proposals.map((p) => {
      const o = opened.get(p.proposalId);
      if (!o) throw new Error(`Proposal ${p.proposalId} has no opened version`);
      return {
        proposalId: p.proposalId,
        price: o.content.price,
        submittedAt: o.submittedAt,
        consensus: consensusOf.get(p.proposalId) ?? null,
        evaluations: eligibleFor(s, p).map((m) => ({
          evaluatorId: m.userId,
          scores: Object.fromEntries(
            scores
              .filter((r) => r.proposal_id === p.proposalId && r.evaluator_id === m.userId)
              .map((r) => [r.criterion_key, Number(r.score)]),
          ),
        })),
      };
    });
    const threshold = this.config.get('SCORE_DISAGREEMENT_THRESHOLD');
    const ranked = rankProposals(s.problem.rubric.criteria, s.problem.rubric.passMark, input, threshold);
    const names = new Map(s.members.map((m) => [m.userId, m.fullName]));
    return {
      problemId,
      passMark: s.problem.rubric.passMark,
      disagreementThreshold: threshold,
      items: ranked.map((r) => {
        const p = findProposal(s, r.proposalId);
        const o = opened.get(r.proposalId);
        return {
          proposalId: r.proposalId,
          enterprise: { id: p.enterpriseId, name: p.legalName, taxCode: p.taxCode },
          price: r.price,
          durationMonths: o?.content.durationMonths ?? 0,
          submittedAt: r.submittedAt.toISOString(),
          evaluators: r.evaluatorTotals.map((t) => ({
            evaluatorId: t.evaluatorId,
            fullName: names.get(t.evaluatorId) ?? '',
            total: t.total,
          })),
          average: r.average,
          spread: r.spread,
          disagreement: r.disagreement,
          consensus: r.consensus,
          finalScore: r.finalScore,
          passed: r.passed,
          rank: r.rank,
        };
      }),
    };
  }

  /** The chair, for a flagged proposal whose eligible evaluators have all submitted. */
  async recordConsensus(user: AuthUser, proposalId: string, dto: ConsensusDto): Promise<ConsensusView> {
    const reason = nfc(dto.reason);
    return this.dataSource.transaction(async (manager) => {
      const live = await db(manager)
        .selectFrom('proposals')
        .select('problem_id')
        .where('id', '=', proposalId)
        .where('status', '<>', 'withdrawn')
        .executeTakeFirst();
      if (!live) throw new AppError(ErrorCode.PROPOSAL_NOT_FOUND);
      const state = await loadState(manager, live.problem_id, this.config.get('PANEL_MIN_SIZE'), true);
      const proposal = findProposal(state, proposalId);
      await assertEvaluatorMayRead(manager, state.problem.id, user.id, proposal.enterpriseId);
      assertEvaluating(state.problem);
      if (!state.members.find((m) => m.userId === user.id)?.chair) {
        throw new AppError(ErrorCode.CONSENSUS_NOT_ALLOWED, { context: 'notChair' });
      }
      if (!proposalComplete(state, proposal)) {
        throw new AppError(ErrorCode.CONSENSUS_NOT_ALLOWED, { context: 'incomplete' });
      }
      const totals = await this.totalsFor(manager, state, proposalId, proposal.enterpriseId);
      const spread = Math.round((Math.max(...totals) - Math.min(...totals)) * 100) / 100;
      const threshold = this.config.get('SCORE_DISAGREEMENT_THRESHOLD');
      if (!(spread > threshold)) {
        throw new AppError(
          ErrorCode.CONSENSUS_NOT_ALLOWED,
          { threshold },
          {
            spread,
          },
        );
      }
      const before = await db(manager)
        .selectFrom('proposal_consensus_scores')
        .select(['score', 'reason'])
        .where('proposal_id', '=', proposalId)
        .executeTakeFirst();
      await db(manager)
        .insertInto('proposal_consensus_scores')
        .values({ proposal_id: proposalId, score: dto.score, reason, recorded_by: user.id })
        .onConflict((c) =>
          c.column('proposal_id').doUpdateSet((eb) => ({
            score: eb.ref('excluded.score'),
            reason: eb.ref('excluded.reason'),
            recorded_by: eb.ref('excluded.recorded_by'),
            recorded_at: sql<Date>`now()`,
          })),
        )
        .execute();
      await this.audit.recordSealed(manager, scoresSeal(state.problem.id), {
        actor: user,
        action: 'consensus.recorded',
        entityType: 'proposal',
        entityId: proposalId,
        before: before ? { score: Number(before.score), reason: before.reason } : null,
        after: { score: dto.score, reason, spread },
      });
      await releaseScoresIfFinished(manager, this.audit, state.problem.id, this.config.get('PANEL_MIN_SIZE'));
      return { proposalId, score: dto.score, reason };
    });
  }

  private async totalsFor(
    manager: EntityManager,
    state: EvaluationState,
    proposalId: string,
    enterpriseId: string,
  ): Promise<number[]> {
    const proposal = { proposalId, enterpriseId, legalName: '', taxCode: '' };
    const rows = await db(manager)
      .selectFrom('proposal_scores')
      .select(['evaluator_id', 'criterion_key', 'score'])
      .where('proposal_id', '=', proposalId)
      .execute();
    return eligibleFor(state, proposal).map((m) =>
      weightedTotal(
        state.problem.rubric.criteria,
        Object.fromEntries(rows.filter((r) => r.evaluator_id === m.userId).map((r) => [r.criterion_key, Number(r.score)])),
      ),
    );
  }
}
