import { sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import { AppError, canonicalJson, ErrorCode, sha256Hex } from '@app/common';
import { db } from '@app/database';

export interface Outcome<T> {
  status: number;
  body: T;
  /** True when this is the stored answer to an earlier request with the same key. */
  replayed: boolean;
}

export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

export function assertIdempotencyKey(key: string | undefined): void {
  if (key !== undefined && !IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw new AppError(ErrorCode.VALIDATION_FAILED, { context: 'idempotencyKey' }, [
      { field: 'Idempotency-Key', errors: ['must be 1–200 visible ASCII characters'] },
    ]);
  }
}

/**
 * Runs `work` at most once per (user, key), inside the caller's transaction. The key row is
 * inserted first: a concurrent duplicate blocks on it until this transaction ends, then sees the
 * stored answer (or, if this one rolled back, runs afresh) — two versions can never result.
 * The stored answer must hold no sealed content; callers store only ids and receipts.
 */
export async function withIdempotency<T extends object>(
  manager: EntityManager,
  request: { userId: string; key: string | undefined; scope: string; body: unknown },
  work: () => Promise<{ status: number; body: T }>,
): Promise<Outcome<T>> {
  if (request.key === undefined) return { ...(await work()), replayed: false };
  const requestSha256 = sha256Hex(canonicalJson({ scope: request.scope, body: request.body }));
  const inserted = await db(manager)
    .insertInto('idempotency_keys')
    .values({
      user_id: request.userId,
      key: request.key,
      scope: request.scope,
      request_sha256: requestSha256,
      status_code: 0,
      response: sql`'{}'::jsonb`,
    })
    .onConflict((c) => c.columns(['user_id', 'key']).doNothing())
    .returning('key')
    .executeTakeFirst();
  if (!inserted) {
    const stored = await db(manager)
      .selectFrom('idempotency_keys')
      .select(['request_sha256', 'status_code', 'response'])
      .where('user_id', '=', request.userId)
      .where('key', '=', request.key)
      .executeTakeFirst();
    if (!stored || stored.request_sha256 !== requestSha256) {
      throw new AppError(ErrorCode.IDEMPOTENCY_KEY_REUSED);
    }
    // The stored answer is the body this function wrote below, as JSON.
    return { status: stored.status_code, body: stored.response as unknown as T, replayed: true };
  }
  const result = await work();
  await db(manager)
    .updateTable('idempotency_keys')
    .set({ status_code: result.status, response: sql`${JSON.stringify(result.body)}::jsonb` })
    .where('user_id', '=', request.userId)
    .where('key', '=', request.key)
    .execute();
  return { ...result, replayed: false };
}
