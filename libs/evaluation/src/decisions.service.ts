import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuthUser } from '@app/common';
import { AuditService } from '@app/audit';
import { OcdsService } from '@app/ocds';
import { transitionProblem } from '@app/problems';
import { ProposalsService } from '@app/proposals';

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
    private readonly proposals: ProposalsService,
  ) {}

  /** The awarded proposal's final version (price, duration, plan), opened; null without an award. */
  async winningTerms(manager: EntityManager, problemId: string): Promise<WinningTerms | null> {
    const decision = await this.current(manager, problemId);
    if (!decision || decision.outcome !== 'awarded' || !decision.proposalId || !decision.enterpriseId) return null;
    const opened = (await this.proposals.openLatestVersions(manager, problemId)).find(
      (v) => v.proposalId === decision.proposalId,
    );
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
    const rows = await manager.query<
      {
        department_id: string;
        title: string;
        outcome: 'awarded' | 'unsuccessful';
        proposal_id: string | null;
        enterprise_id: string | null;
        decided_at: Date;
      }[]
    >(
      `SELECT p.department_id, p.title, o.outcome, o.proposal_id, pr.enterprise_id, o.decided_at
       FROM problem_outcomes o JOIN problems p ON p.id = o.problem_id LEFT JOIN proposals pr ON pr.id = o.proposal_id
       WHERE o.problem_id = $1`,
      [problemId],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      problemId,
      departmentId: r.department_id,
      title: r.title,
      outcome: r.outcome,
      proposalId: r.proposal_id,
      enterpriseId: r.enterprise_id,
      decidedAt: r.decided_at,
    };
  }

  /** Back to evaluating: the outcome is withdrawn, every live proposal competes again, scores stay as submitted. */
  async reopen(manager: EntityManager, actor: AuthUser, decision: CurrentDecision, reason: string): Promise<void> {
    await transitionProblem(manager, decision.problemId, 'reopenEvaluation');
    await manager.query(
      `UPDATE proposals SET status = 'submitted', updated_at = now() WHERE problem_id = $1 AND status IN ('awarded', 'not_awarded')`,
      [decision.problemId],
    );
    await manager.query(`DELETE FROM problem_outcomes WHERE problem_id = $1`, [decision.problemId]);
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
    await manager.query(
      `UPDATE proposals SET status = 'not_awarded', updated_at = now() WHERE problem_id = $1 AND status = 'awarded'`,
      [decision.problemId],
    );
    await manager.query(`DELETE FROM problem_outcomes WHERE problem_id = $1`, [decision.problemId]);
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
