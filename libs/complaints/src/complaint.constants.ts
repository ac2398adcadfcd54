/** A complaint's life: filed, answered by the department, decided by the reviewing admin (or withdrawn). */
export const COMPLAINT_STATUSES = ['submitted', 'answered', 'upheld', 'dismissed', 'withdrawn'] as const;
export type ComplaintStatus = (typeof COMPLAINT_STATUSES)[number];

/** Still waiting for the reviewing body: an order may not start while one is. */
export const PENDING_COMPLAINT_STATUSES: readonly ComplaintStatus[] = ['submitted', 'answered'];

/** Decided by the reviewing body: public from then on. */
export const DECIDED_COMPLAINT_STATUSES: readonly ComplaintStatus[] = ['upheld', 'dismissed'];

/** What an upheld complaint does to the decision. */
export const COMPLAINT_REMEDIES = ['reevaluate', 'cancel_award'] as const;
export type ComplaintRemedy = (typeof COMPLAINT_REMEDIES)[number];
