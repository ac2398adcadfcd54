import type { EntityManager } from 'typeorm';
import { AppError, enterpriseStatus, ErrorCode } from '@app/common';
import { db } from '@app/database';
import { ACTIVE_STATUS } from './enterprise.constants';

/**
 * Refuses unless the firm is verified: only verified firms may submit proposals. Call it inside
 * the transaction of the act it guards; the row is read FOR SHARE, so a suspension being decided
 * at the same moment waits for that transaction (and the other way round) instead of slipping by.
 */
export async function assertVerifiedEnterprise(manager: EntityManager, enterpriseId: string | null | undefined): Promise<void> {
  const row = enterpriseId
    ? await db(manager).selectFrom('enterprises').select('status').where('id', '=', enterpriseId).forShare().executeTakeFirst()
    : undefined;
  const status = row?.status ?? null;
  if (status !== ACTIVE_STATUS) {
    throw new AppError(
      ErrorCode.ENTERPRISE_NOT_VERIFIED,
      status ? { context: 'withStatus', status: enterpriseStatus(status) } : {},
      { enterpriseId: enterpriseId ?? null, status },
    );
  }
}
