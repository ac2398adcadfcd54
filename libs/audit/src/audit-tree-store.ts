import { sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import { db } from '@app/database';
import { AuditRow } from './audit-hash';
import { Frontier, NodeReader } from './merkle';

/**
 * Names the advisory lock only chain builders take (the worker's tick, an admin's catch-up):
 * writers never wait for it.
 */
const SEQUENCER_LOCK = 7_106_2026;

/** Takes the chain builders' lock for the rest of the caller's transaction. */
export async function lockSequencer(m: EntityManager): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(${SEQUENCER_LOCK})`.execute(db(m));
}

/** The content columns of a log row, as hashed (audit_log and audit_sealed share them). */
export const CONTENT_COLUMNS = [
  'id',
  'occurred_at',
  'actor_id',
  'actor_role',
  'action',
  'entity_type',
  'entity_id',
  'before',
  'after',
] as const;

/** A log row with its place in the chain. */
export interface ChainedRow extends AuditRow {
  pos: string;
  seq: string;
  prev_hash: string;
  hash: string;
}

export type ContentRow = AuditRow & { seq: string };

/** Leaves in the tree: one past the last stored leaf. */
export async function treeSize(m: EntityManager): Promise<number> {
  const row = await db(m)
    .selectFrom('audit_tree_node')
    .select('idx')
    .where('level', '=', 0)
    .orderBy('idx', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? Number(row.idx) + 1 : 0;
}

/** Reads stored nodes, each once per call site. */
export function nodeReader(m: EntityManager): NodeReader {
  const cache = new Map<string, Promise<string>>();
  return (level, index) => {
    const key = `${level}:${index}`;
    let hit = cache.get(key);
    if (!hit) {
      hit = db(m)
        .selectFrom('audit_tree_node')
        .select('hash')
        .where('level', '=', level)
        .where('idx', '=', String(index))
        .executeTakeFirst()
        .then((row) => {
          if (!row) throw new Error(`audit tree node ${key} is missing`);
          return row.hash;
        });
      cache.set(key, hit);
    }
    return hit;
  };
}

/** The stored right edge of the tree of `size`, to go on appending from (or rehashing after). */
export async function frontierAt(m: EntityManager, size: number): Promise<Frontier> {
  const read = nodeReader(m);
  const nodes: { level: number; hash: string }[] = [];
  // One after the other: inside a transaction every query shares one connection.
  for (const { level, index } of Frontier.edgeOf(size)) nodes.push({ level, hash: await read(level, index) });
  return new Frontier(size, nodes);
}

/** The newest signed head row, or null before the first. */
export async function latestHeadRow(m: EntityManager) {
  const row = await db(m)
    .selectFrom('audit_tree_head')
    .select(['tree_size', 'root_hash', 'signed_at', 'signature'])
    .orderBy('tree_size', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ?? null;
}
