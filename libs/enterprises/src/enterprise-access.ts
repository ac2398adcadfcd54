import type { EntityManager } from 'typeorm';
import { AppError, AuthUser, ErrorCode, Msg } from '@app/common';
import { ACTIVE_STATUS } from './enterprise.constants';
import { db } from '@app/database';
import { Enterprise, selectEnterprises, toEnterprise } from './enterprise-records';

/** Who is looking: a signed-in user, or nobody (the public). */
export type Viewer = AuthUser | null | undefined;

export const enterpriseNotFound = () => new AppError(ErrorCode.ENTERPRISE_NOT_FOUND);

export function isMemberOf(viewer: Viewer, enterpriseId: string): boolean {
  return viewer?.role === 'enterprise' && viewer.organizationId === enterpriseId;
}

/**
 * Admins and officers see firms in every status (officers check registrations before inviting);
 * a firm's own members see it whatever its status; everyone else sees verified firms only.
 */
export function seesEveryStatus(viewer: Viewer, enterpriseId: string): boolean {
  return viewer?.role === 'admin' || viewer?.role === 'officer' || isMemberOf(viewer, enterpriseId);
}

/** A firm the viewer may not see does not exist for them: 404, so its existence does not leak. */
export function assertVisible(viewer: Viewer, firm: Pick<Enterprise, 'id' | 'status'>): void {
  if (firm.status !== ACTIVE_STATUS && !seesEveryStatus(viewer, firm.id)) throw enterpriseNotFound();
}

export async function findEnterprise(manager: EntityManager, id: string, lock = false): Promise<Enterprise> {
  const query = selectEnterprises(manager).where('e.id', '=', id);
  const row = await (lock ? query.forUpdate() : query).executeTakeFirst();
  if (!row) throw enterpriseNotFound();
  return toEnterprise(row);
}

/**
 * Only the firm's owner (and the platform admin) may change the firm. The owner flag is read from
 * the database, not the token, so a demotion takes effect at once.
 */
export async function assertOwnerOrAdmin(manager: EntityManager, actor: AuthUser, firm: Enterprise, what: string): Promise<void> {
  if (actor.role === 'admin') return;
  assertVisible(actor, firm);
  if (isMemberOf(actor, firm.id)) {
    const member = await db(manager)
      .selectFrom('users')
      .select('org_role')
      .where('id', '=', actor.id)
      .where('organization_id', '=', firm.id)
      .executeTakeFirst();
    if (member?.org_role === 'owner') return;
    throw new AppError(ErrorCode.ENTERPRISE_FORBIDDEN, { context: 'ownerOnly', action: new Msg(`actions.${what}`) });
  }
  throw new AppError(ErrorCode.ENTERPRISE_FORBIDDEN, { context: 'ownerOrAdmin', action: new Msg(`actions.${what}`) });
}

export async function areaNameOf(manager: EntityManager, areaCode: string): Promise<string | null> {
  const area = await db(manager).selectFrom('areas').select('name').where('code', '=', areaCode).executeTakeFirst();
  return area?.name ?? null;
}
