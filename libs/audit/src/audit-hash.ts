import { canonicalJson, sha256Hex } from '@app/common';

export const GENESIS_HASH = '0'.repeat(64);

export interface HashedFields {
  id: string;
  occurredAt: Date;
  actorId: string | null;
  actorRole: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  prevHash: string;
}

/** SHA-256 over the canonical JSON of an entry's content and the previous entry's hash. */
export function auditHash(entry: HashedFields): string {
  return sha256Hex(
    canonicalJson({
      id: entry.id,
      occurredAt: entry.occurredAt.toISOString(),
      actorId: entry.actorId,
      actorRole: entry.actorRole,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId,
      before: entry.before ?? null,
      after: entry.after ?? null,
      prevHash: entry.prevHash,
    }),
  );
}

/** JSON round trip, so what is hashed is exactly what jsonb stores and gives back (Dates become strings). */
export function toJsonValue(value: unknown): object | null {
  return value === undefined || value === null ? null : (JSON.parse(JSON.stringify(value)) as object);
}
