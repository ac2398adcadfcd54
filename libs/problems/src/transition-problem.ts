import { sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import { AppError, ErrorCode, problemStatus } from '@app/common';
import { db } from '@app/database';
import { nextProblemStatus, ProblemStatus, ProblemTransition } from './problem-lifecycle';

export interface TransitionedProblem {
  id: string;
  from: ProblemStatus;
  to: ProblemStatus;
  at: Date;
}

/**
 * Moves one problem along its lifecycle inside the caller's transaction, with the timestamps the
 * transition carries (published_at, closed_at, cancelled_at + reason). The row is locked first, so
 * two racing transitions cannot both pass; a transition from a state it does not start from is
 * refused with 409 PROBLEM_STATUS_CONFLICT — or, with `ifAllowed`, returns null (the deadline sweep
 * uses this: a problem another worker closed is simply skipped).
 */
export async function transitionProblem(
  manager: EntityManager,
  problemId: string,
  transition: ProblemTransition,
  options: { reason?: string; ifAllowed?: boolean } = {},
): Promise<TransitionedProblem | null> {
  const row = await db(manager)
    .selectFrom('problems')
    .select(['status', sql<Date>`now()`.as('now')])
    .where('id', '=', problemId)
    .forNoKeyUpdate()
    .executeTakeFirst();
  if (!row) throw new AppError(ErrorCode.PROBLEM_NOT_FOUND);
  const from = row.status as ProblemStatus;
  const to = nextProblemStatus(from, transition);
  if (!to) {
    if (options.ifAllowed) return null;
    throw new AppError(ErrorCode.PROBLEM_STATUS_CONFLICT, { context: transition, status: problemStatus(from) }, { status: from });
  }
  await db(manager)
    .updateTable('problems')
    .set({
      status: to,
      updated_at: row.now,
      ...(to === 'published' ? { published_at: row.now } : {}),
      ...(to === 'closed' ? { closed_at: row.now } : {}),
      ...(to === 'cancelled' ? { cancelled_at: row.now, cancel_reason: options.reason ?? null } : {}),
    })
    .where('id', '=', problemId)
    .execute();
  return { id: problemId, from, to, at: row.now };
}
