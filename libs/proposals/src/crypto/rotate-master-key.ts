import type { EntityManager } from 'typeorm';
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
  await manager.query('LOCK TABLE problems, proposal_versions, proposal_attachments IN SHARE ROW EXCLUSIVE MODE');

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

  const problems = await manager.query<{ id: string; sealed_key: Buffer }[]>(
    `SELECT id, sealed_key FROM problems WHERE sealed_key IS NOT NULL`,
  );
  for (const p of problems) {
    const publicKey = p.sealed_key.subarray(0, PUBLIC_KEY_BYTES);
    const wrapped = rewrap(oldKek, newKek, p.sealed_key.subarray(PUBLIC_KEY_BYTES), `problem-key:${p.id}`);
    await manager.query(`UPDATE problems SET sealed_key = $2 WHERE id = $1`, [p.id, Buffer.concat([publicKey, wrapped])]);
  }

  const versions = await manager.query<{ proposal_id: string; version: number; enterprise_id: string; key_for_bidder: Buffer }[]>(
    `SELECT v.proposal_id, v.version, p.enterprise_id, v.key_for_bidder
       FROM proposal_versions v JOIN proposals p ON p.id = v.proposal_id`,
  );
  for (const v of versions) {
    const [oldKey, newKey] = bidderKeysOf(v.enterprise_id);
    const wrapped = rewrap(oldKey, newKey, v.key_for_bidder, versionAad(v.proposal_id, v.version));
    await manager.query(`UPDATE proposal_versions SET key_for_bidder = $3 WHERE proposal_id = $1 AND version = $2`, [
      v.proposal_id,
      v.version,
      wrapped,
    ]);
  }

  const attachments = await manager.query<{ id: string; enterprise_id: string; key_for_bidder: Buffer }[]>(
    `SELECT id, enterprise_id, key_for_bidder FROM proposal_attachments`,
  );
  for (const a of attachments) {
    const [oldKey, newKey] = bidderKeysOf(a.enterprise_id);
    const wrapped = rewrap(oldKey, newKey, a.key_for_bidder, attachmentAad(a.id));
    await manager.query(`UPDATE proposal_attachments SET key_for_bidder = $2 WHERE id = $1`, [a.id, wrapped]);
  }
  for (const [a, b] of bidderKeys.values()) {
    a.fill(0);
    b.fill(0);
  }
  return { problemKeys: problems.length, versions: versions.length, attachments: attachments.length };
}
