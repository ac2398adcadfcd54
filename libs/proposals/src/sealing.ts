/** Problem states in which the proposals have been opened (the problems lib closes at deadline + grace). */
const OPENED_STATES = ['closed', 'evaluating', 'awarded', 'unsuccessful'] as const;

/**
 * SQL: whether a problem's proposals may be opened by the database clock — its deadline and the
 * commit grace after it have passed, so every bid received in time has committed (or failed).
 * `alias` names the problems row.
 */
export const openedByClockSql = (alias: string) => `now() >= ${alias}.deadline + ${alias}.receipt_grace`;

/**
 * Whether a problem's proposals may be opened by anyone but their own firm: deadline + grace has
 * passed by the database clock (`openedByClock`, read with openedByClockSql), or it has moved to a
 * state that comes after the opening. A problem cancelled before its deadline stays sealed for good.
 */
export function isOpened(problemStatus: string, openedByClock: boolean): boolean {
  return openedByClock || (OPENED_STATES as readonly string[]).includes(problemStatus);
}
