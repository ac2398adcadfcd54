import type { EntityManager } from 'typeorm';
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
  const rows = await manager.query<{ id: string }[]>(
    `INSERT INTO enterprise_status_history (enterprise_id, from_status, to_status, effective_date, reason, actor_id)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id::text AS id`,
    [row.enterpriseId, row.fromStatus, row.toStatus, row.effectiveDate, row.reason, row.actorId],
  );
  return rows[0].id;
}
