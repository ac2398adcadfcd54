import { EntityManager } from 'typeorm';
import { sha256Hex } from '@app/common';
import { db } from '@app/database';
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
  const held = await db(manager)
    .selectFrom('audit_sealed')
    .select(['id', 'occurred_at', 'actor_id', 'actor_role', 'action', 'entity_type', 'entity_id', 'before', 'after'])
    .where('scope', '=', seal.scope)
    .where('ref', '=', seal.ref)
    .orderBy('held_seq')
    .$castTo<AuditRow>()
    .execute();
  return sha256Hex(held.map((r) => rowHash(r, GENESIS_HASH)).join(''));
}
