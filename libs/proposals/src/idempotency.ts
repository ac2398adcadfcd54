import type { EntityManager } from 'typeorm';
import { AppError, canonicalJson, ErrorCode, sha256Hex } from '@app/common';

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
  const inserted = await manager.query<{ key: string }[]>(
    `INSERT INTO idempotency_keys (user_id, key, scope, request_sha256, status_code, response)
     VALUES ($1, $2, $3, $4, 0, '{}'::jsonb) ON CONFLICT (user_id, key) DO NOTHING RETURNING key`,
    [request.userId, request.key, request.scope, requestSha256],
  );
  if (inserted.length === 0) {
    const rows = await manager.query<{ request_sha256: string; status_code: number; response: T }[]>(
      `SELECT request_sha256, status_code, response FROM idempotency_keys WHERE user_id = $1 AND key = $2`,
      [request.userId, request.key],
    );
    const stored = rows[0];
    if (!stored || stored.request_sha256 !== requestSha256) {
      throw new AppError(ErrorCode.IDEMPOTENCY_KEY_REUSED);
    }
    return { status: stored.status_code, body: stored.response, replayed: true };
  }
  const result = await work();
  await manager.query(`UPDATE idempotency_keys SET status_code = $3, response = $4::jsonb WHERE user_id = $1 AND key = $2`, [
    request.userId,
    request.key,
    result.status,
    JSON.stringify(result.body),
  ]);
  return { ...result, replayed: false };
}
