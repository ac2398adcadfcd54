import type { EntityManager } from 'typeorm';
import { AppError, enterpriseStatus, ErrorCode } from '@app/common';
import { db, type Database } from '@app/database';
import { ACTIVE_STATUS } from './enterprise.constants';

/**
 * Refuses unless the firm is verified: only verified firms may submit proposals. Call it inside
 * the transaction of the act it guards; the row is read FOR SHARE, so a suspension being decided
 * at the same moment waits for that transaction (and the other way round) instead of slipping by.
 */
export async function assertVerifiedEnterprise(manager: EntityManager, enterpriseId: string | null | undefined): Promise<void> {
  const row = enterpriseId ? await firmStatusForShare(db(manager), enterpriseId).executeTakeFirst() : undefined;
  refuseUnlessVerified(enterpriseId, row?.status ?? null);
}

/**
 * The firm's status read FOR SHARE, as assertVerifiedEnterprise reads it; a caller on a hot path
 * selects it as a subquery of its own read (`.as('firm_status')`) and then calls refuseUnlessVerified.
 */
export function firmStatusForShare(database: Database, enterpriseId: string) {
  return database.selectFrom('enterprises').select('status').where('id', '=', enterpriseId).forShare();
}

/** The refusal for a firm that is not verified (`status` null: no such firm). */
export function refuseUnlessVerified(enterpriseId: string | null | undefined, status: string | null): void {
  if (status !== ACTIVE_STATUS) {
    throw new AppError(
      ErrorCode.ENTERPRISE_NOT_VERIFIED,
      status ? { context: 'withStatus', status: enterpriseStatus(status) } : {},
      { enterpriseId: enterpriseId ?? null, status },
    );
  }
}
