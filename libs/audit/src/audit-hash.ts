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

/** An audit row as the database gives it back (audit_log and audit_sealed share these columns). */
export interface AuditRow {
  id: string;
  occurred_at: Date;
  actor_id: string | null;
  actor_role: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  before: object | null;
  after: object | null;
}

/** The chain hash of a stored row after `prevHash` (GENESIS_HASH for a row's content alone). */
export function rowHash(r: AuditRow, prevHash: string): string {
  return auditHash({
    id: r.id,
    occurredAt: r.occurred_at,
    actorId: r.actor_id,
    actorRole: r.actor_role,
    action: r.action,
    entityType: r.entity_type,
    entityId: r.entity_id,
    before: r.before,
    after: r.after,
    prevHash,
  });
}
