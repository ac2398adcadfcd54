import { sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import { db } from '@app/database';
import type { OrganizationKind, OrgRole } from './user';

/**
 * The organizations table belongs to identity (accounts point at it); the enterprises library
 * creates and renames a firm's organisation through these functions.
 */

/** A department (Sở, Ban, ward People's Committee) or a registered enterprise; returns its id. */
export async function createOrganization(
  manager: EntityManager,
  fields: { kind: OrganizationKind; name: string; code?: string | null },
): Promise<{ id: string; name: string; code: string | null }> {
  return db(manager)
    .insertInto('organizations')
    .values({ kind: fields.kind, name: fields.name, code: fields.code ?? null })
    .returning(['id', 'name', 'code'])
    .executeTakeFirstOrThrow();
}

/** The organisations of many firms at once (an import), with the ids their enterprise rows will share. */
export async function createEnterpriseOrganizations(
  manager: EntityManager,
  firms: readonly { id: string; name: string }[],
): Promise<void> {
  if (firms.length === 0) return;
  await db(manager)
    .insertInto('organizations')
    .values(firms.map((f) => ({ id: f.id, kind: 'enterprise', name: f.name })))
    .execute();
}

/** A firm's legal name changed: its organisation is renamed with it. */
export async function renameOrganizations(
  manager: EntityManager,
  renamed: readonly { id: string; name: string }[],
): Promise<void> {
  if (renamed.length === 0) return;
  const x = sql<{
    id: string;
    name: string;
  }>`unnest(${renamed.map((r) => r.id)}::uuid[], ${renamed.map((r) => r.name)}::text[])`.as<'x'>(sql`x(id, name)`);
  await db(manager)
    .updateTable('organizations as o')
    .from(x)
    .set((eb) => ({ name: eb.ref('x.name'), updated_at: sql<Date>`now()` }))
    .whereRef('o.id', '=', 'x.id')
    .execute();
}

/** An account joins a firm (a claim approved): it becomes its owner or a member. */
export async function joinOrganization(
  manager: EntityManager,
  userId: string,
  organizationId: string,
  orgRole: OrgRole,
): Promise<void> {
  await db(manager)
    .updateTable('users')
    .set({ organization_id: organizationId, org_role: orgRole, updated_at: sql<Date>`now()` })
    .where('id', '=', userId)
    .execute();
}
