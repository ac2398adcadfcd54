import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { sql } from 'kysely';
import { DataSource, EntityManager } from 'typeorm';
import { db } from '@app/database';
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
  const live = await db(manager)
    .selectFrom('proposals')
    .select('problem_id')
    .where('id', '=', proposalId)
    .where('status', '<>', 'withdrawn')
    .executeTakeFirst();
  if (!live) throw new AppError(ErrorCode.PROPOSAL_NOT_FOUND);
  const state = await loadState(manager, live.problem_id, minPanel, lock);
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
        await db(manager)
          .insertInto('proposal_scores')
          .values({
            proposal_id: proposalId,
            evaluator_id: user.id,
            criterion_key: s.criterion,
            score: s.score,
            comment: s.comment ? nfc(s.comment) : null,
          })
          .onConflict((c) =>
            c.columns(['proposal_id', 'evaluator_id', 'criterion_key']).doUpdateSet((eb) => ({
              score: eb.ref('excluded.score'),
              comment: eb.ref('excluded.comment'),
              updated_at: sql<Date>`now()`,
            })),
          )
          .execute();
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
      await db(manager)
        .insertInto('proposal_score_submissions')
        .values({ proposal_id: proposalId, evaluator_id: user.id, submitted_at: sql<Date>`now()` })
        .onConflict((c) => c.columns(['proposal_id', 'evaluator_id']).doUpdateSet({ submitted_at: sql<Date>`now()` }))
        .execute();
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
      const reopened = await db(manager)
        .updateTable('proposal_score_submissions')
        .set({ submitted_at: null, reopened_at: sql<Date>`now()`, reopened_by: actor.id, reopen_reason: reason })
        .where('proposal_id', '=', proposalId)
        .where('evaluator_id', '=', dto.evaluatorId)
        .returning('reopened_at')
        .$narrowType<{ reopened_at: Date }>()
        .executeTakeFirstOrThrow();
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
      return { proposalId, evaluatorId: dto.evaluatorId, reopenedAt: cityIso(reopened.reopened_at) };
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
          mine: { ...mine[0]!, fullName: state.members.find((m) => m.userId === user.id)?.fullName ?? '' },
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
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`scores:${proposalId}:${evaluatorId}`}))`.execute(db(manager));
  }

  /** Read after taking the lock, so a concurrent submit or reopen is seen. */
  private async isSubmitted(manager: EntityManager, proposalId: string, evaluatorId: string): Promise<boolean> {
    const row = await db(manager)
      .selectFrom('proposal_score_submissions')
      .select('submitted_at')
      .where('proposal_id', '=', proposalId)
      .where('evaluator_id', '=', evaluatorId)
      .executeTakeFirst();
    return row !== undefined && row.submitted_at !== null;
  }

  private async scoreRows(manager: EntityManager, proposalId: string, evaluatorIds: string[]): Promise<ScoreRow[]> {
    if (evaluatorIds.length === 0) return [];
    return db(manager)
      .selectFrom('proposal_scores')
      .select(['evaluator_id', 'criterion_key', 'score', 'comment'])
      .where('proposal_id', '=', proposalId)
      .where('evaluator_id', 'in', evaluatorIds)
      .orderBy('evaluator_id')
      .orderBy('criterion_key')
      .execute();
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
