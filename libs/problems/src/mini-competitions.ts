import { RawBuilder, sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import { AppError, ErrorCode } from '@app/common';
import { db, type Database } from '@app/database';
import type { MiniCompetitionFirm, MiniCompetitionView } from './mini-competition-views';

/** What a department starts a mini-competition with: entries already checked by the catalogue. */
export interface MiniCompetitionStart {
  /** The entry whose problem the draft is prefilled from (the officer edits it before publishing). */
  templateProblemId: string;
  justification: string;
  entries: { orderId: string; enterpriseId: string }[];
}

/** The problem's mini-competition, or null for an open problem. */
export async function miniCompetitionOf(manager: EntityManager, problemId: string): Promise<MiniCompetitionView | null> {
  const head = await db(manager)
    .selectFrom('mini_competitions')
    .select('justification')
    .where('problem_id', '=', problemId)
    .executeTakeFirst();
  if (!head) return null;
  const rows = await db(manager)
    .selectFrom('mini_competition_entries as m')
    .innerJoin('enterprises as e', 'e.id', 'm.enterprise_id')
    .select(['m.enterprise_id', 'e.legal_name', 'm.source_order_id'])
    .where('m.problem_id', '=', problemId)
    .orderBy('m.position')
    .execute();
  const firms: MiniCompetitionFirm[] = [];
  for (const r of rows) {
    const firm = firms.find((f) => f.id === r.enterprise_id);
    if (firm) firm.entryOrderIds.push(r.source_order_id);
    else firms.push({ id: r.enterprise_id, name: r.legal_name, entryOrderIds: [r.source_order_id] });
  }
  return { justification: head.justification, firms };
}

/** The firms a mini-competition is restricted to, or null when the problem is open to every verified firm. */
export async function invitedFirmsOf(manager: EntityManager, problemId: string): Promise<string[] | null> {
  const rows = await db(manager)
    .selectFrom('mini_competitions as c')
    .leftJoin('mini_competition_entries as m', 'm.problem_id', 'c.problem_id')
    .select('m.enterprise_id')
    .where('c.problem_id', '=', problemId)
    .orderBy('m.position')
    .execute();
  if (rows.length === 0) return null;
  return [...new Set(rows.map((r) => r.enterprise_id).filter((id): id is string => id !== null))];
}

/**
 * The submissions check (libs/proposals): on a mini-competition only the listed catalogue firms may
 * bid; any other firm, verified or not, gets 403 NOT_INVITED_TO_BID.
 */
export async function assertInvitedToBid(manager: EntityManager, problemId: string, enterpriseId: string): Promise<void> {
  const row = await db(manager)
    .selectNoFrom(invitedToBid(db(manager), problemId, enterpriseId).as('invited'))
    .executeTakeFirst();
  refuseUnlessInvited(row?.invited ?? false);
}

/**
 * Whether the firm may bid, as assertInvitedToBid decides it: the problem is no mini-competition,
 * or the firm is on its list. A caller on a hot path selects it in its own read
 * (`.as('invited')`) and then calls refuseUnlessInvited.
 */
export function invitedToBid(database: Database, problemId: string, enterpriseId: string): RawBuilder<boolean> {
  const restricted = database.selectFrom('mini_competitions').select('problem_id').where('problem_id', '=', problemId);
  const listed = database
    .selectFrom('mini_competition_entries')
    .select('problem_id')
    .where('problem_id', '=', problemId)
    .where('enterprise_id', '=', enterpriseId);
  return sql<boolean>`(NOT EXISTS ${restricted} OR EXISTS ${listed})`;
}

export function refuseUnlessInvited(invited: boolean): void {
  if (!invited) throw new AppError(ErrorCode.NOT_INVITED_TO_BID);
}

/**
 * The catalogue entry an order from this problem's award repeats: the winning firm's first cited
 * entry on a mini-competition (so the catalogue counts it), null on an open problem.
 */
export async function catalogueSourceOf(manager: EntityManager, problemId: string, enterpriseId: string): Promise<string | null> {
  const row = await db(manager)
    .selectFrom('mini_competition_entries')
    .select('source_order_id')
    .where('problem_id', '=', problemId)
    .where('enterprise_id', '=', enterpriseId)
    .orderBy('position')
    .executeTakeFirst();
  return row?.source_order_id ?? null;
}

/** Writes the restriction of a freshly created draft: the justification and the cited entries, in order. */
export async function insertMiniCompetition(
  manager: EntityManager,
  problemId: string,
  createdBy: string,
  start: Pick<MiniCompetitionStart, 'justification' | 'entries'>,
): Promise<void> {
  await db(manager)
    .insertInto('mini_competitions')
    .values({ problem_id: problemId, justification: start.justification, created_by: createdBy })
    .execute();
  await db(manager)
    .insertInto('mini_competition_entries')
    .values(
      start.entries.map((e, i) => ({
        problem_id: problemId,
        source_order_id: e.orderId,
        enterprise_id: e.enterpriseId,
        position: i + 1,
      })),
    )
    .execute();
}
