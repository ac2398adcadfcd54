import { sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import { db } from '@app/database';

/**
 * A proposal's status after the evaluation's decision, written only here (the evaluation library
 * decides; this library owns the row). Each function is one decision, in the caller's transaction.
 */

/** The award: the chosen bid is awarded, every other live (submitted) bid of the problem is not. */
export async function awardProposal(manager: EntityManager, problemId: string, proposalId: string): Promise<void> {
  await db(manager)
    .updateTable('proposals')
    .set({ status: 'awarded', updated_at: sql`now()` })
    .where('id', '=', proposalId)
    .execute();
  await db(manager)
    .updateTable('proposals')
    .set({ status: 'not_awarded', updated_at: sql`now()` })
    .where('problem_id', '=', problemId)
    .where('id', '<>', proposalId)
    .where('status', '=', 'submitted')
    .execute();
}

/** The competition is unsuccessful: no live (submitted) bid of the problem is awarded. */
export async function declineAllProposals(manager: EntityManager, problemId: string): Promise<void> {
  await db(manager)
    .updateTable('proposals')
    .set({ status: 'not_awarded', updated_at: sql`now()` })
    .where('problem_id', '=', problemId)
    .where('status', '=', 'submitted')
    .execute();
}

/** The decision is reopened (an upheld complaint): every decided bid competes again. */
export async function reopenProposalOutcomes(manager: EntityManager, problemId: string): Promise<void> {
  await db(manager)
    .updateTable('proposals')
    .set({ status: 'submitted', updated_at: sql`now()` })
    .where('problem_id', '=', problemId)
    .where('status', 'in', ['awarded', 'not_awarded'])
    .execute();
}

/** The award is set aside and the problem cancelled: the awarded bid is no longer awarded. */
export async function cancelProposalAward(manager: EntityManager, problemId: string): Promise<void> {
  await db(manager)
    .updateTable('proposals')
    .set({ status: 'not_awarded', updated_at: sql`now()` })
    .where('problem_id', '=', problemId)
    .where('status', '=', 'awarded')
    .execute();
}
