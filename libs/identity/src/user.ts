import { sql } from 'kysely';
import type { DataSource, EntityManager } from 'typeorm';
import type { Language, Role } from '@app/common';
import { db } from '@app/database';

export type UserStatus = 'active' | 'disabled';

/** An enterprise member's place in their firm: the owner registered it and edits it. */
export type OrgRole = 'owner' | 'member';

export type OrganizationKind = 'department' | 'enterprise';

/** An account as the code handles it (never its password hash, unless asked: see selectUsers). */
export interface User {
  id: string;
  email: string;
  fullName: string;
  role: Role;
  organizationId: string | null;
  orgRole: OrgRole | null;
  status: UserStatus;
  failedLoginCount: number;
  lockedUntil: Date | null;
  /** Language of the user's notifications and e-mails. */
  language: Language;
  lastLoginAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const USER_COLUMNS = [
  'u.id',
  'u.email',
  'u.full_name',
  'u.role',
  'u.organization_id',
  'u.org_role',
  'u.status',
  'u.failed_login_count',
  'u.locked_until',
  'u.language',
  'u.last_login_at',
  'u.created_at',
  'u.updated_at',
] as const;

/** The users table as `u`, with the columns toUser() maps (not the password hash). */
export function selectUsers(source: EntityManager | DataSource) {
  return db(source).selectFrom('users as u').select(USER_COLUMNS);
}

export interface UserRow {
  id: string;
  email: string;
  full_name: string;
  role: string;
  organization_id: string | null;
  org_role: string | null;
  status: string;
  failed_login_count: number;
  locked_until: Date | null;
  language: string;
  last_login_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    fullName: row.full_name,
    role: row.role as Role,
    organizationId: row.organization_id,
    orgRole: row.org_role as OrgRole | null,
    status: row.status as UserStatus,
    failedLoginCount: row.failed_login_count,
    lockedUntil: row.locked_until,
    language: row.language as Language,
    lastLoginAt: row.last_login_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The account holding this e-mail address (compared case-insensitively), if any. */
export async function findUserIdByEmail(source: EntityManager | DataSource, email: string): Promise<string | null> {
  const row = await db(source)
    .selectFrom('users')
    .select('id')
    .where(sql<boolean>`lower(email) = lower(${email})`)
    .executeTakeFirst();
  return row?.id ?? null;
}
