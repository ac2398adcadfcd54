/** An order's life: milestones drafted and agreed, work, then completed or terminated. */
export const ORDER_STATUSES = ['drafting', 'in_progress', 'completed', 'terminated'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/**
 * A milestone's life: planned while the plan is drafted; open once the order starts (a scale-up
 * one locked until every pilot milestone is accepted); submitted, returned with reasons, accepted.
 */
export const MILESTONE_STATUSES = ['planned', 'locked', 'open', 'submitted', 'returned', 'accepted'] as const;
export type MilestoneStatus = (typeof MILESTONE_STATUSES)[number];

/** `single` in an order without stages; `pilot` then `scale_up` in a staged one. */
export const MILESTONE_PHASES = ['single', 'pilot', 'scale_up'] as const;
export type MilestonePhase = (typeof MILESTONE_PHASES)[number];

export const MAX_MILESTONES = 30;
export const MAX_MILESTONE_KPIS = 20;
/** Files per round of a deliverable: enough for a report, its data and photos; more go in one ZIP. */
export const MAX_DELIVERABLE_FILES = 10;
