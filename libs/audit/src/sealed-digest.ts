import { EntityManager } from 'typeorm';
import { sha256Hex } from '@app/common';
import { AuditRow, GENESIS_HASH, rowHash } from './audit-hash';

/**
 * What a sealed row waits for: `bids` of a problem open when its proposals open (deadline +
 * grace); `scores` of a problem when its panel has finished. `ref` is the problem id.
 */
export type SealScope = 'bids' | 'scores';
export interface Seal {
  scope: SealScope;
  ref: string;
}

/**
 * The digest an `audit.sealed_anchored` entry commits to: SHA-256 over the content hashes (chain
 * hash without a predecessor) of the seal's held rows, in the order they were held. Written by
 * the anchor, recomputed by verify.
 */
export async function sealedDigest(manager: EntityManager, seal: Seal): Promise<string> {
  const held = await manager.query<AuditRow[]>(
    `SELECT id, occurred_at, actor_id, actor_role, action, entity_type, entity_id, before, after
     FROM audit_sealed WHERE scope = $1 AND ref = $2 ORDER BY held_seq`,
    [seal.scope, seal.ref],
  );
  return sha256Hex(held.map((r) => rowHash(r, GENESIS_HASH)).join(''));
}
