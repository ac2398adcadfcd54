import { sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import { db } from '@app/database';
import type { EnterpriseStatus } from './enterprise.constants';

export interface StatusChangeRow {
  enterpriseId: string;
  fromStatus: EnterpriseStatus | null;
  toStatus: EnterpriseStatus;
  effectiveDate: string;
  reason: string | null;
  actorId: string | null;
}

/** Appends a dated status change in the caller's transaction; returns the row's id. */
export async function insertStatusHistory(manager: EntityManager, row: StatusChangeRow): Promise<string> {
  const inserted = await db(manager)
    .insertInto('enterprise_status_history')
    .values({
      enterprise_id: row.enterpriseId,
      from_status: row.fromStatus,
      to_status: row.toStatus,
      effective_date: row.effectiveDate,
      reason: row.reason,
      actor_id: row.actorId,
    })
    .returning(sql<string>`id::text`.as('id'))
    .executeTakeFirstOrThrow();
  return inserted.id;
}
