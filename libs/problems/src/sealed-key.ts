import type { EntityManager } from 'typeorm';
import { db } from '@app/database';

/**
 * Stores the problem's sealing key (written by the proposals library's keyring: the public key and
 * the wrapped private key, made on the first bid or re-wrapped by a master-key rotation). Reading
 * it is open to proposals through the problems read model; only this library writes the row.
 */
export async function storeSealedKey(manager: EntityManager, problemId: string, sealedKey: Buffer): Promise<void> {
  await db(manager).updateTable('problems').set({ sealed_key: sealedKey }).where('id', '=', problemId).execute();
}
