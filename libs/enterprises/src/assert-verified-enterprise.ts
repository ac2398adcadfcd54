import type { EntityManager } from 'typeorm';
import { AppError, enterpriseStatus, ErrorCode } from '@app/common';
import { ACTIVE_STATUS } from './enterprise.constants';

/**
 * Refuses unless the firm is verified: only verified firms may submit proposals. Call it inside
 * the transaction of the act it guards; the row is read FOR SHARE, so a suspension being decided
 * at the same moment waits for that transaction (and the other way round) instead of slipping by.
 */
export async function assertVerifiedEnterprise(manager: EntityManager, enterpriseId: string | null | undefined): Promise<void> {
  const rows = enterpriseId
    ? await manager.query<{ status: string }[]>(`SELECT status FROM enterprises WHERE id = $1 FOR SHARE`, [enterpriseId])
    : [];
  const status = rows[0]?.status ?? null;
  if (status !== ACTIVE_STATUS) {
    throw new AppError(
      ErrorCode.ENTERPRISE_NOT_VERIFIED,
      status ? { context: 'withStatus', status: enterpriseStatus(status) } : {},
      { enterpriseId: enterpriseId ?? null, status },
    );
  }
}
