import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuthUser } from '@app/common';
import { AuditService } from '@app/audit';
import { OcdsService } from '@app/ocds';
import { transitionProblem } from '@app/problems';
import { db } from '@app/database';
import { cancelProposalAward, ProposalOpeningService, reopenProposalOutcomes } from '@app/proposals';

/** The decision on a problem as other libraries read it after the award. */
export interface CurrentDecision {
  problemId: string;
  departmentId: string;
  title: string;
  outcome: 'awarded' | 'unsuccessful';
  proposalId: string | null;
  /** The winning firm (null for an unsuccessful outcome). */
  enterpriseId: string | null;
  decidedAt: Date;
}

/** What the winner offered: the terms an order starts from. */
export interface WinningTerms {
  proposalId: string;
  enterpriseId: string;
  price: number;
  durationMonths: number;
  plan: string;
}

/**
 * The award's owner answers for it after the fact: what was decided, and the two ways a reviewing
 * body's upheld complaint undoes it (reopen the evaluation, or cancel the award and the problem).
 * Callers pass their transaction's manager, so the complaint's decision and its effect commit together.
 */
@Injectable()
export class DecisionsService {
  constructor(
    private readonly audit: AuditService,
    private readonly ocds: OcdsService,
    private readonly opening: ProposalOpeningService,
  ) {}

  /** The awarded proposal's final version (price, duration, plan), opened; null without an award. */
  async winningTerms(manager: EntityManager, problemId: string): Promise<WinningTerms | null> {
    const decision = await this.current(manager, problemId);
    if (!decision || decision.outcome !== 'awarded' || !decision.proposalId || !decision.enterpriseId) return null;
    const opened = (await this.opening.openLatestVersions(manager, problemId)).find((v) => v.proposalId === decision.proposalId);
    if (!opened) return null;
    return {
      proposalId: opened.proposalId,
      enterpriseId: decision.enterpriseId,
      price: opened.content.price,
      durationMonths: opened.content.durationMonths,
      plan: opened.content.plan,
    };
  }

  async current(manager: EntityManager, problemId: string): Promise<CurrentDecision | null> {
    const r = await db(manager)
      .selectFrom('problem_outcomes as o')
      .innerJoin('problems as p', 'p.id', 'o.problem_id')
      .leftJoin('proposals as pr', 'pr.id', 'o.proposal_id')
      .select(['p.department_id', 'p.title', 'o.outcome', 'o.proposal_id', 'pr.enterprise_id', 'o.decided_at'])
      .where('o.problem_id', '=', problemId)
      .executeTakeFirst();
    if (!r) return null;
    return {
      problemId,
      departmentId: r.department_id,
      title: r.title,
      outcome: r.outcome as CurrentDecision['outcome'],
      proposalId: r.proposal_id,
      enterpriseId: r.enterprise_id,
      decidedAt: r.decided_at,
    };
  }

  /** Back to evaluating: the outcome is withdrawn, every live proposal competes again, scores stay as submitted. */
  async reopen(manager: EntityManager, actor: AuthUser, decision: CurrentDecision, reason: string): Promise<void> {
    await transitionProblem(manager, decision.problemId, 'reopenEvaluation');
    await reopenProposalOutcomes(manager, decision.problemId);
    await db(manager).deleteFrom('problem_outcomes').where('problem_id', '=', decision.problemId).execute();
    await this.audit.record(manager, {
      actor,
      action: 'problem.decision_reopened',
      entityType: 'problem',
      entityId: decision.problemId,
      before: { status: decision.outcome, proposalId: decision.proposalId },
      after: { status: 'evaluating', reason },
    });
  }

  /** The award (or unsuccessful outcome) is set aside and the problem cancelled, with the reason; published as an OCDS cancellation. */
  async cancel(manager: EntityManager, actor: AuthUser, decision: CurrentDecision, reason: string): Promise<void> {
    await transitionProblem(manager, decision.problemId, 'cancelDecision', { reason });
    await cancelProposalAward(manager, decision.problemId);
    await db(manager).deleteFrom('problem_outcomes').where('problem_id', '=', decision.problemId).execute();
    await this.ocds.record(manager, decision.problemId, 'tenderCancellation');
    await this.audit.record(manager, {
      actor,
      action: 'problem.award_cancelled',
      entityType: 'problem',
      entityId: decision.problemId,
      before: { status: decision.outcome, proposalId: decision.proposalId },
      after: { status: 'cancelled', reason },
    });
  }
}
