import { RawBuilder, sql } from 'kysely';

/** Problem states in which the proposals have been opened (the problems lib closes at deadline + grace). */
const OPENED_STATES = ['closed', 'evaluating', 'awarded', 'unsuccessful'] as const;

/**
 * SQL: whether a problem's proposals may be opened by the database clock — its deadline and the
 * commit grace after it have passed, so every bid received in time has committed (or failed).
 * `alias` names the problems row.
 */
export const openedByClock = (alias: string): RawBuilder<boolean> =>
  sql<boolean>`now() >= ${sql.ref(`${alias}.deadline`)} + ${sql.ref(`${alias}.receipt_grace`)}`;

/**
 * Whether a problem's proposals may be opened by anyone but their own firm: deadline + grace has
 * passed by the database clock (`openedByClock`, read with openedByClock), or it has moved to a
 * state that comes after the opening. A problem cancelled before its deadline stays sealed for good.
 */
export function isOpened(problemStatus: string, openedByClock: boolean): boolean {
  return openedByClock || (OPENED_STATES as readonly string[]).includes(problemStatus);
}
