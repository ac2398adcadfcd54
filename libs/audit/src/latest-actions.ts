import type { EntityManager } from 'typeorm';
import { db } from '@app/database';

/**
 * The latest action the log records for each of these entities (by insertion order), e.g. to
 * learn which were deleted by an admin last. Entities the log never mentions are absent.
 */
export async function latestAuditActions(
  manager: EntityManager,
  entityType: string,
  entityIds: readonly string[],
): Promise<Map<string, string>> {
  if (entityIds.length === 0) return new Map();
  const rows = await db(manager)
    .selectFrom('audit_log')
    .select(['entity_id', 'action'])
    .distinctOn('entity_id')
    .where('entity_type', '=', entityType)
    .where('entity_id', 'in', [...entityIds])
    .orderBy('entity_id')
    .orderBy('seq', 'desc')
    .execute();
  return new Map(rows.flatMap((r) => (r.entity_id === null ? [] : [[r.entity_id, r.action] as const])));
}
