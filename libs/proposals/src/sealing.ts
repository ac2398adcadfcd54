/** Problem states in which the deadline has, by definition, passed (the problems lib closes at the deadline). */
const OPENED_STATES = ['closed', 'evaluating', 'awarded', 'unsuccessful'] as const;

/**
 * Whether a problem's proposals may be opened by anyone but their own firm: its deadline has
 * passed by the database clock (`pastDeadline` is `now() >= deadline` read from PostgreSQL), or
 * it has moved to a state that comes after the deadline. A problem cancelled before its deadline
 * stays sealed for good.
 */
export function isOpened(problemStatus: string, pastDeadline: boolean): boolean {
  return pastDeadline || (OPENED_STATES as readonly string[]).includes(problemStatus);
}
