import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig, AppError, AuthUser, cityIso, ErrorCode, nfc } from '@app/common';
import { AuditService } from '@app/audit';
import { releaseScoresIfFinished, scoresSeal } from './score-disclosure';
import { NotificationsService } from '@app/notifications';
import { assertDepartmentOfficer, isDepartmentOfficer } from '@app/problems';
import { assertEvaluatorMayRead } from '@app/proposals';
import { weightedTotal } from './scoring';
import { ReopenScoresDto, SaveScoresDto } from './dto/evaluation.dto';
import {
  assertEvaluating,
  assertMayFollow,
  eligibleFor,
  EvaluationState,
  findProposal,
  isShort,
  key,
  loadState,
  LiveProposal,
  proposalComplete,
  scoringComplete,
} from './evaluation-state';

export class ReopenedScoresView {
  proposalId: string;
  evaluatorId: string;
  reopenedAt: string;
}

export class CriterionScoreView {
  criterion: string;
  name: string;
  score: number;
  comment: string | null;
}

export class EvaluatorScoresView {
  evaluatorId: string;
  fullName: string;
  submittedAt: string | null;
  weightedTotal: number | null;
  scores: CriterionScoreView[];
}

export class ProposalScoresView {
  proposalId: string;
  /** The caller's own scores (evaluators). */
  mine: EvaluatorScoresView | null;
  /** Other evaluators' submitted scores: for an evaluator only once their own are submitted; officers once the panel has finished. */
  evaluations: EvaluatorScoresView[];
}

export class NamedEnterprise {
  id: string;
  name: string;
}

export class EvaluatorProgress {
  evaluatorId: string;
  fullName: string;
  declared: boolean;
  conflict: boolean;
  submittedAt: string | null;
}

export class ProposalProgress {
  proposalId: string;
  enterprise: NamedEnterprise;
  eligible: number;
  submitted: number;
  /** Fewer than PANEL_MIN_SIZE evaluators without a conflict: the department must add one. */
  needsEvaluator: boolean;
  complete: boolean;
  evaluators: EvaluatorProgress[];
}

export class ProgressView {
  problemId: string;
  status: string;
  minPanel: number;
  complete: boolean;
  proposals: ProposalProgress[];
}

interface ScoreRow {
  evaluator_id: string;
  criterion_key: string;
  score: string;
  comment: string | null;
}

/** Who scores a proposal: an evaluator on the panel, declared without a conflict, while evaluation is open. */
async function proposalContext(manager: EntityManager, proposalId: string, minPanel: number, lock = false) {
  const rows = await manager.query<{ problem_id: string }[]>(
    `SELECT problem_id FROM proposals WHERE id = $1 AND status <> 'withdrawn'`,
    [proposalId],
  );
  if (!rows[0]) throw new AppError(ErrorCode.PROPOSAL_NOT_FOUND);
  const state = await loadState(manager, rows[0].problem_id, minPanel, lock);
  return { state, proposal: findProposal(state, proposalId) };
}

const timeOrNull = (at: Date | undefined) => (at ? cityIso(at) : null);

/**
 * Per-criterion scores: drafts, submission (final unless an officer reopens them, with a reason),
 * and who may read whose: nobody sees another evaluator's scores before submitting their own;
 * officers see progress, and scores only once the whole panel has finished.
 */
@Injectable()
export class ScoresService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly config: AppConfig,
  ) {}

  private get minPanel(): number {
    return this.config.get('PANEL_MIN_SIZE');
  }

  async save(user: AuthUser, proposalId: string, dto: SaveScoresDto): Promise<ProposalScoresView> {
    await this.dataSource.transaction(async (manager) => {
      const { state, proposal } = await proposalContext(manager, proposalId, this.minPanel);
      await assertEvaluatorMayRead(manager, state.problem.id, user.id, proposal.enterpriseId);
      assertEvaluating(state.problem);
      await this.lockSubmission(manager, proposalId, user.id);
      if (await this.isSubmitted(manager, proposalId, user.id)) {
        throw new AppError(ErrorCode.SCORES_ALREADY_SUBMITTED, { context: 'final' });
      }
      const criteria = new Set(state.problem.rubric.criteria.map((c) => c.key));
      const unknown = dto.scores.filter((s) => !criteria.has(s.criterion)).map((s) => s.criterion);
      if (unknown.length > 0) throw new AppError(ErrorCode.VALIDATION_FAILED, { context: 'rubricOnly' }, { criteria: unknown });
      if (new Set(dto.scores.map((s) => s.criterion)).size !== dto.scores.length) {
        throw new AppError(ErrorCode.VALIDATION_FAILED, { context: 'scoreOnce' });
      }
      for (const s of dto.scores) {
        await manager.query(
          `INSERT INTO proposal_scores (proposal_id, evaluator_id, criterion_key, score, comment) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (proposal_id, evaluator_id, criterion_key) DO UPDATE SET score = EXCLUDED.score, comment = EXCLUDED.comment, updated_at = now()`,
          [proposalId, user.id, s.criterion, s.score, s.comment ? nfc(s.comment) : null],
        );
      }
      await this.audit.recordSealed(manager, scoresSeal(state.problem.id), {
        actor: user,
        action: 'scores.saved',
        entityType: 'proposal',
        entityId: proposalId,
        after: { scores: dto.scores.map((s) => ({ criterion: s.criterion, score: s.score })) },
      });
    });
    return this.read(user, proposalId, {});
  }

  async submit(user: AuthUser, proposalId: string): Promise<ProposalScoresView> {
    await this.dataSource.transaction(async (manager) => {
      const { state, proposal } = await proposalContext(manager, proposalId, this.minPanel);
      await assertEvaluatorMayRead(manager, state.problem.id, user.id, proposal.enterpriseId);
      assertEvaluating(state.problem);
      await this.lockSubmission(manager, proposalId, user.id);
      if (await this.isSubmitted(manager, proposalId, user.id)) {
        throw new AppError(ErrorCode.SCORES_ALREADY_SUBMITTED);
      }
      const rows = await this.scoreRows(manager, proposalId, [user.id]);
      const scored = new Set(rows.map((r) => r.criterion_key));
      const missing = state.problem.rubric.criteria.map((c) => c.key).filter((k) => !scored.has(k));
      if (missing.length > 0) {
        throw new AppError(ErrorCode.SCORES_INCOMPLETE, {}, { missing });
      }
      await manager.query(
        `INSERT INTO proposal_score_submissions (proposal_id, evaluator_id, submitted_at) VALUES ($1, $2, now())
         ON CONFLICT (proposal_id, evaluator_id) DO UPDATE SET submitted_at = now()`,
        [proposalId, user.id],
      );
      const scores = Object.fromEntries(rows.map((r) => [r.criterion_key, Number(r.score)]));
      await this.audit.recordSealed(manager, scoresSeal(state.problem.id), {
        actor: user,
        action: 'scores.submitted',
        entityType: 'proposal',
        entityId: proposalId,
        after: { scores, weightedTotal: weightedTotal(state.problem.rubric.criteria, scores) },
      });
      await releaseScoresIfFinished(manager, this.audit, state.problem.id, this.minPanel);
    });
    return this.read(user, proposalId, {});
  }

  async reopen(actor: AuthUser, proposalId: string, dto: ReopenScoresDto): Promise<ReopenedScoresView> {
    const reason = nfc(dto.reason);
    return this.dataSource.transaction(async (manager) => {
      const { state } = await proposalContext(manager, proposalId, this.minPanel, true);
      assertDepartmentOfficer(actor, state.problem, 'reopenScores');
      assertEvaluating(state.problem);
      await this.lockSubmission(manager, proposalId, dto.evaluatorId);
      if (!(await this.isSubmitted(manager, proposalId, dto.evaluatorId))) {
        throw new AppError(ErrorCode.SCORES_NOT_SUBMITTED);
      }
      const [rows] = await manager.query<[{ reopened_at: Date }[], number]>(
        `UPDATE proposal_score_submissions SET submitted_at = NULL, reopened_at = now(), reopened_by = $3, reopen_reason = $4
         WHERE proposal_id = $1 AND evaluator_id = $2 RETURNING reopened_at`,
        [proposalId, dto.evaluatorId, actor.id, reason],
      );
      await this.notifications.notifyUsers(manager, [dto.evaluatorId], {
        kind: 'evaluation.reminder',
        message: 'scoresReopened',
        params: { problem: state.problem.title, reason },
        data: { problemId: state.problem.id, proposalId },
      });
      const scores = await this.scoreRows(manager, proposalId, [dto.evaluatorId]);
      await this.audit.recordSealed(manager, scoresSeal(state.problem.id), {
        actor,
        action: 'scores.reopened',
        entityType: 'proposal',
        entityId: proposalId,
        before: {
          evaluatorId: dto.evaluatorId,
          scores: scores.map((r) => ({ criterion: r.criterion_key, score: Number(r.score) })),
        },
        after: { evaluatorId: dto.evaluatorId, reason },
      });
      return { proposalId, evaluatorId: dto.evaluatorId, reopenedAt: cityIso(rows[0].reopened_at) };
    });
  }

  async read(user: AuthUser, proposalId: string, query: { evaluatorId?: string }): Promise<ProposalScoresView> {
    return this.dataSource.transaction(async (manager) => {
      const { state, proposal } = await proposalContext(manager, proposalId, this.minPanel);
      const eligible = eligibleFor(state, proposal);
      if (user.role === 'evaluator') {
        await assertEvaluatorMayRead(manager, state.problem.id, user.id, proposal.enterpriseId);
        const ownSubmitted = state.submissions.has(key(proposalId, user.id));
        if (query.evaluatorId && query.evaluatorId !== user.id && !ownSubmitted) {
          throw new AppError(ErrorCode.SCORES_HIDDEN, { context: 'ownFirst' });
        }
        const mine = await this.evaluatorViews(manager, state, proposal, [{ userId: user.id, fullName: '' }]);
        const others = ownSubmitted
          ? await this.evaluatorViews(
              manager,
              state,
              proposal,
              eligible.filter((m) => m.userId !== user.id && state.submissions.has(key(proposalId, m.userId))),
            )
          : [];
        return {
          proposalId,
          mine: { ...mine[0], fullName: state.members.find((m) => m.userId === user.id)?.fullName ?? '' },
          evaluations: query.evaluatorId ? others.filter((o) => o.evaluatorId === query.evaluatorId) : others,
        };
      }
      await assertMayFollow(manager, state.problem, user, false);
      if (!scoringComplete(state)) {
        throw new AppError(ErrorCode.SCORES_HIDDEN);
      }
      const views = await this.evaluatorViews(manager, state, proposal, eligible);
      return {
        proposalId,
        mine: null,
        evaluations: query.evaluatorId ? views.filter((v) => v.evaluatorId === query.evaluatorId) : views,
      };
    });
  }

  async progress(user: AuthUser, problemId: string): Promise<ProgressView> {
    return this.dataSource.transaction(async (manager) => {
      const state = await loadState(manager, problemId, this.minPanel);
      if (!(user.role === 'admin' || isDepartmentOfficer(user, state.problem))) {
        await assertMayFollow(manager, state.problem, user, false);
      }
      if (!['closed', 'evaluating', 'awarded', 'unsuccessful'].includes(state.problem.status)) {
        throw new AppError(ErrorCode.PROPOSAL_SEALED, { context: 'progress' });
      }
      return {
        problemId,
        status: state.problem.status,
        minPanel: state.minPanel,
        complete: scoringComplete(state),
        proposals: state.proposals.map((p) => {
          const eligible = eligibleFor(state, p);
          return {
            proposalId: p.proposalId,
            enterprise: { id: p.enterpriseId, name: p.legalName },
            eligible: eligible.length,
            submitted: eligible.filter((m) => state.submissions.has(key(p.proposalId, m.userId))).length,
            needsEvaluator: isShort(state, p),
            complete: proposalComplete(state, p),
            evaluators: state.members.map((m) => {
              const conflict = state.declarations.get(key(m.userId, p.enterpriseId));
              return {
                evaluatorId: m.userId,
                fullName: m.fullName,
                declared: conflict !== undefined,
                conflict: conflict === true,
                submittedAt: timeOrNull(state.submissions.get(key(p.proposalId, m.userId))),
              };
            }),
          };
        }),
      };
    });
  }

  /** Serialises an evaluator's save/submit/reopen on one proposal. */
  private async lockSubmission(manager: EntityManager, proposalId: string, evaluatorId: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`scores:${proposalId}:${evaluatorId}`]);
  }

  /** Read after taking the lock, so a concurrent submit or reopen is seen. */
  private async isSubmitted(manager: EntityManager, proposalId: string, evaluatorId: string): Promise<boolean> {
    const rows = await manager.query<{ submitted: boolean }[]>(
      `SELECT submitted_at IS NOT NULL AS submitted FROM proposal_score_submissions WHERE proposal_id = $1 AND evaluator_id = $2`,
      [proposalId, evaluatorId],
    );
    return rows[0]?.submitted ?? false;
  }

  private async scoreRows(manager: EntityManager, proposalId: string, evaluatorIds: string[]): Promise<ScoreRow[]> {
    return manager.query<ScoreRow[]>(
      `SELECT evaluator_id, criterion_key, score::text AS score, comment FROM proposal_scores
       WHERE proposal_id = $1 AND evaluator_id = ANY($2::uuid[]) ORDER BY evaluator_id, criterion_key`,
      [proposalId, evaluatorIds],
    );
  }

  private async evaluatorViews(
    manager: EntityManager,
    state: EvaluationState,
    proposal: LiveProposal,
    evaluators: { userId: string; fullName: string }[],
  ): Promise<EvaluatorScoresView[]> {
    const rows = await this.scoreRows(
      manager,
      proposal.proposalId,
      evaluators.map((e) => e.userId),
    );
    const criteria = state.problem.rubric.criteria;
    return evaluators.map((e) => {
      const own = rows.filter((r) => r.evaluator_id === e.userId);
      const byKey = new Map(own.map((r) => [r.criterion_key, r]));
      const scores = criteria.flatMap((c) => {
        const r = byKey.get(c.key);
        return r ? [{ criterion: c.key, name: c.name, score: Number(r.score), comment: r.comment }] : [];
      });
      const complete = scores.length === criteria.length;
      return {
        evaluatorId: e.userId,
        fullName: e.fullName,
        submittedAt: timeOrNull(state.submissions.get(key(proposal.proposalId, e.userId))),
        weightedTotal: complete ? weightedTotal(criteria, Object.fromEntries(scores.map((s) => [s.criterion, s.score]))) : null,
        scores,
      };
    });
  }
}
