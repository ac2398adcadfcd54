/** The statuses a problem passes through, defined once (the API, the portal and OCDS use these). */
export const PROBLEM_STATUSES = ['draft', 'published', 'closed', 'evaluating', 'awarded', 'unsuccessful', 'cancelled'] as const;
export type ProblemStatus = (typeof PROBLEM_STATUSES)[number];

/**
 * The problem's whole lifecycle, in one place. Every status change of a problem — by this library,
 * by evaluation (award, unsuccessful, evaluation start) or by complaints (reopen, cancel the award) —
 * goes through `transitionProblem`; anything not listed here is refused.
 */
export const PROBLEM_TRANSITIONS = {
  /** The department publishes a draft: firms may now see it and bid. */
  publish: { from: ['draft'], to: 'published' },
  /** The deadline (plus the receipt grace) has passed: bids open to the panel. */
  close: { from: ['published'], to: 'closed' },
  /** The first conflict-of-interest declaration starts the evaluation. */
  startEvaluation: { from: ['closed'], to: 'evaluating' },
  award: { from: ['evaluating'], to: 'awarded' },
  declareUnsuccessful: { from: ['closed', 'evaluating'], to: 'unsuccessful' },
  /** An upheld complaint sends the decision back to the panel. */
  reopenEvaluation: { from: ['awarded', 'unsuccessful'], to: 'evaluating' },
  /** The department withdraws the problem before evaluation has begun (PRODUCT.md). */
  cancel: { from: ['draft', 'published', 'closed'], to: 'cancelled' },
  /** An upheld complaint sets the decision aside and cancels the problem. */
  cancelDecision: { from: ['awarded', 'unsuccessful'], to: 'cancelled' },
} as const satisfies Record<string, { from: readonly ProblemStatus[]; to: ProblemStatus }>;

export type ProblemTransition = keyof typeof PROBLEM_TRANSITIONS;

/** The status `transition` leads to from `current`, or null when the lifecycle does not allow it. */
export function nextProblemStatus(current: ProblemStatus, transition: ProblemTransition): ProblemStatus | null {
  const rule = PROBLEM_TRANSITIONS[transition];
  return (rule.from as readonly ProblemStatus[]).includes(current) ? rule.to : null;
}
