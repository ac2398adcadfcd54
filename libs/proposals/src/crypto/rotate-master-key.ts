import { sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import { db } from '@app/database';
import { storeSealedKey } from '@app/problems';
import { deriveKey, unwrapKey, wrapKey } from './crypto-envelope';
import { attachmentAad, versionAad } from '../sealed-content';

const PUBLIC_KEY_BYTES = 32;

export interface RotationCounts {
  problemKeys: number;
  versions: number;
  attachments: number;
}

/**
 * Re-wraps everything DATA_MASTER_KEY protects under a new master key, in the caller's
 * transaction (all or nothing), without ever decrypting a proposal:
 * - each problem's private key (problems.sealed_key after the public half);
 * - each sealed item's bidder copy of its data key (key_for_bidder of proposal versions and
 *   attachments), whose wrapping key is derived from the master key and the firm's id.
 * The problem copies (key_for_problem) are sealed to the problem's public key, which does not
 * change, so they stay as they are. Each re-wrapped key is opened again with the new master key
 * before the transaction commits. Writers are held off by table locks meanwhile, so a bid sealed
 * during the rotation cannot end up under the old key.
 */
export async function rotateMasterKey(manager: EntityManager, oldMaster: Buffer, newMaster: Buffer): Promise<RotationCounts> {
  if (oldMaster.length !== 32 || newMaster.length !== 32) throw new Error('master keys must be 32 bytes');
  if (oldMaster.equals(newMaster)) throw new Error('the new master key is the same as the old one');
  // Holds off writers of the sealed items (and of problems.sealed_key: a first bid's new key).
  await sql`LOCK TABLE ${sql.table('problems')}, ${sql.table('proposal_versions')}, ${sql.table('proposal_attachments')} IN SHARE ROW EXCLUSIVE MODE`.execute(
    db(manager),
  );

  const oldKek = deriveKey(oldMaster, 'problem-key-wrap');
  const newKek = deriveKey(newMaster, 'problem-key-wrap');
  const rewrap = (oldKey: Buffer, newKey: Buffer, blob: Buffer, aad: string): Buffer => {
    const secret = unwrapKey(oldKey, blob, aad); // throws if the old key is not the one in use
    const wrapped = wrapKey(newKey, secret, aad);
    unwrapKey(newKey, wrapped, aad); // proves the new copy opens
    secret.fill(0);
    return wrapped;
  };
  const bidderKeys = new Map<string, [Buffer, Buffer]>();
  const bidderKeysOf = (enterpriseId: string): [Buffer, Buffer] => {
    let keys = bidderKeys.get(enterpriseId);
    if (!keys) {
      keys = [deriveKey(oldMaster, `bidder:${enterpriseId}`), deriveKey(newMaster, `bidder:${enterpriseId}`)];
      bidderKeys.set(enterpriseId, keys);
    }
    return keys;
  };

  const problems = await db(manager)
    .selectFrom('problems')
    .select(['id', 'sealed_key'])
    .where('sealed_key', 'is not', null)
    .$narrowType<{ sealed_key: Buffer }>()
    .execute();
  for (const p of problems) {
    const publicKey = p.sealed_key.subarray(0, PUBLIC_KEY_BYTES);
    const wrapped = rewrap(oldKek, newKek, p.sealed_key.subarray(PUBLIC_KEY_BYTES), `problem-key:${p.id}`);
    await storeSealedKey(manager, p.id, Buffer.concat([publicKey, wrapped]));
  }

  const versions = await db(manager)
    .selectFrom('proposal_versions as v')
    .innerJoin('proposals as p', 'p.id', 'v.proposal_id')
    .select(['v.proposal_id', 'v.version', 'p.enterprise_id', 'v.key_for_bidder'])
    .execute();
  for (const v of versions) {
    const [oldKey, newKey] = bidderKeysOf(v.enterprise_id);
    const wrapped = rewrap(oldKey, newKey, v.key_for_bidder, versionAad(v.proposal_id, v.version));
    await db(manager)
      .updateTable('proposal_versions')
      .set({ key_for_bidder: wrapped })
      .where('proposal_id', '=', v.proposal_id)
      .where('version', '=', v.version)
      .execute();
  }

  const attachments = await db(manager)
    .selectFrom('proposal_attachments')
    .select(['id', 'enterprise_id', 'key_for_bidder'])
    .execute();
  for (const a of attachments) {
    const [oldKey, newKey] = bidderKeysOf(a.enterprise_id);
    const wrapped = rewrap(oldKey, newKey, a.key_for_bidder, attachmentAad(a.id));
    await db(manager).updateTable('proposal_attachments').set({ key_for_bidder: wrapped }).where('id', '=', a.id).execute();
  }
  for (const [a, b] of bidderKeys.values()) {
    a.fill(0);
    b.fill(0);
  }
  return { problemKeys: problems.length, versions: versions.length, attachments: attachments.length };
}
