import type { ComplaintStatus } from './complaint.constants';

/** What may be done to a complaint; each is a POST /complaints/:id/<action>. */
export const COMPLAINT_ACTIONS = ['answer', 'uphold', 'dismiss', 'withdraw'] as const;
export type ComplaintAction = (typeof COMPLAINT_ACTIONS)[number];

export interface ComplaintTransition {
  from: readonly ComplaintStatus[];
  to: ComplaintStatus;
  /** Who acts: the department whose decision it is, the reviewing admin, or the complaining firm. */
  by: 'department' | 'admin' | 'complainant';
}

/**
 * The whole lifecycle; anything not listed is refused. The reviewing body may decide without the
 * department's answer, so a department that stays silent cannot hold a complaint (and its own
 * order) open forever.
 */
export const COMPLAINT_TRANSITIONS: Readonly<Record<ComplaintAction, ComplaintTransition>> = {
  answer: { from: ['submitted'], to: 'answered', by: 'department' },
  uphold: { from: ['submitted', 'answered'], to: 'upheld', by: 'admin' },
  dismiss: { from: ['submitted', 'answered'], to: 'dismissed', by: 'admin' },
  withdraw: { from: ['submitted', 'answered'], to: 'withdrawn', by: 'complainant' },
};

export function nextComplaintStatus(current: ComplaintStatus, action: ComplaintAction): ComplaintStatus | null {
  const rule = COMPLAINT_TRANSITIONS[action];
  return rule.from.includes(current) ? rule.to : null;
}
