import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppConfig, AppError, ErrorCode } from '@app/common';
import { db } from '@app/database';
import { storeSealedKey } from '@app/problems';
import { isOpened, openedByClock } from '../sealing';
import {
  DataKeyOpener,
  deriveKey,
  newProblemKeyPair,
  openWithPrivateKey,
  ProblemKeyPair,
  Recipients,
  unwrapKey,
  wrapKey,
  WrappedKeys,
} from './crypto-envelope';
import { recentMemo } from './recent-memo';

const PUBLIC_KEY_BYTES = 32;
const problemKeyAad = (problemId: string) => `problem-key:${problemId}`;

/**
 * Holds DATA_MASTER_KEY and hands out what the proposals service may use:
 * - the problem's public key (to seal for the problem) — created lazily, under a row lock;
 * - the firm's own key (HKDF of the master key and the enterprise id) — for its read-back;
 * - the problem's private key, through openProblemKey only, which refuses before the deadline.
 *
 * problems.sealed_key = public key (32) | iv (12) | tag (16) | private key wrapped by a key
 * derived from the master key (AES-256-GCM, AAD = the problem id).
 */
@Injectable()
export class SealedKeyring {
  private readonly master: Buffer;
  private readonly problemKek: Buffer;
  /** The firm's own key (HKDF of the master key and its id), remembered for the firms bidding lately (the master key is held anyway). */
  private readonly bidderKey = recentMemo(4096, (enterpriseId) => deriveKey(this.master, `bidder:${enterpriseId}`));

  constructor(config: AppConfig) {
    this.master = Buffer.from(config.get('DATA_MASTER_KEY'), 'base64');
    if (this.master.length !== 32) throw new Error('DATA_MASTER_KEY must be 32 bytes');
    this.problemKek = deriveKey(this.master, 'problem-key-wrap');
  }

  /** `problem.sealed_key` as the caller read it with the problem (null: the first bid makes the key). */
  async recipientsFor(
    manager: EntityManager,
    problem: { id: string; sealed_key: Buffer | null },
    enterpriseId: string,
  ): Promise<Recipients> {
    const publicKey = problem.sealed_key?.subarray(0, PUBLIC_KEY_BYTES) ?? (await this.problemPublicKey(manager, problem.id));
    return this.recipients(publicKey, enterpriseId);
  }

  /** For callers sealing many items of one problem (the benchmark's seeding): no query per item. */
  recipients(problemPublicKey: Buffer, enterpriseId: string): Recipients {
    return { problemPublicKey, bidderKey: this.bidderKey(enterpriseId) };
  }

  /** For the firm's own members only: callers check that the reader belongs to `enterpriseId`. */
  bidderOpener(enterpriseId: string): DataKeyOpener {
    const key = this.bidderKey(enterpriseId);
    return { openDataKey: (keys: WrappedKeys, aad: string) => unwrapKey(key, keys.keyForBidder, aad) };
  }

  /**
   * The only way to the problem's private key. Re-checks the deadline against the database
   * clock in the caller's transaction and refuses with PROPOSAL_SEALED before it, whoever asks.
   */
  async openProblemKey(manager: EntityManager, problemId: string): Promise<DataKeyOpener> {
    const row = await db(manager)
      .selectFrom('problems as p')
      .select(['p.sealed_key', 'p.status', openedByClock('p').as('past_deadline')])
      .where('p.id', '=', problemId)
      .executeTakeFirst();
    if (!row) throw new AppError(ErrorCode.PROBLEM_NOT_FOUND);
    if (!isOpened(row.status, row.past_deadline)) {
      throw new AppError(ErrorCode.PROPOSAL_SEALED);
    }
    const sealedKey = row.sealed_key;
    if (!sealedKey) {
      // No proposal was ever sealed for this problem, so there is nothing to open.
      return {
        openDataKey: () => {
          throw new Error(`Problem ${problemId} has no sealed key`);
        },
      };
    }
    const pair: ProblemKeyPair = {
      publicKey: sealedKey.subarray(0, PUBLIC_KEY_BYTES),
      privateKey: unwrapKey(this.problemKek, sealedKey.subarray(PUBLIC_KEY_BYTES), problemKeyAad(problemId)),
    };
    return { openDataKey: (keys: WrappedKeys, aad: string) => openWithPrivateKey(pair, keys.keyForProblem, aad) };
  }

  /** The public half of the problem's key, made on first use. It can seal, never open. */
  async problemPublicKey(manager: EntityManager, problemId: string): Promise<Buffer> {
    const current = await this.readSealedKey(manager, problemId, false);
    if (current) return current.subarray(0, PUBLIC_KEY_BYTES);
    // First submission for this problem: make the key under the row lock, so two first
    // submissions at once cannot each make (and one lose) a key.
    const locked = await this.readSealedKey(manager, problemId, true);
    if (locked) return locked.subarray(0, PUBLIC_KEY_BYTES);
    const pair = newProblemKeyPair();
    const sealedKey = Buffer.concat([pair.publicKey, wrapKey(this.problemKek, pair.privateKey, problemKeyAad(problemId))]);
    pair.privateKey.fill(0);
    await storeSealedKey(manager, problemId, sealedKey);
    return pair.publicKey;
  }

  private async readSealedKey(manager: EntityManager, problemId: string, lock: boolean): Promise<Buffer | null> {
    const row = await db(manager)
      .selectFrom('problems')
      .select('sealed_key')
      .where('id', '=', problemId)
      // NO KEY UPDATE: concurrent first bids already hold KEY SHARE on this row (their proposals'
      // foreign key); FOR UPDATE would conflict with it and deadlock two of them.
      .$if(lock, (q) => q.forNoKeyUpdate())
      .executeTakeFirst();
    if (!row) throw new AppError(ErrorCode.PROBLEM_NOT_FOUND);
    return row.sealed_key;
  }
}
