import type { EntityManager } from 'typeorm';
import type { AuditService, Seal } from '@app/audit';
import { loadState, scoringComplete } from './evaluation-state';

/** Evaluators' scores (drafts, submissions, reopenings, consensus) stay out of the log until the panel has finished. */
export const scoresSeal = (problemId: string): Seal => ({ scope: 'scores', ref: problemId });

/**
 * Once the panel has finished — every eligible evaluator has submitted for every live proposal —
 * the held score entries join the audit log. Called by every change that can finish it
 * (a submission, a declared conflict, a panel change) and, unconditionally, by the outcome.
 */
export async function releaseScoresIfFinished(
  manager: EntityManager,
  audit: AuditService,
  problemId: string,
  minPanel: number,
): Promise<void> {
  const state = await loadState(manager, problemId, minPanel);
  if (state.proposals.length > 0 && scoringComplete(state)) await audit.release(manager, scoresSeal(problemId));
}
