import { cityIso, type Language, utcIso, type Role } from '@app/common';
import type { OrgRole, User, UserStatus } from './user';

/** What the API shows of a user; never the hash or lockout counters. */
export class UserView {
  id: string;
  email: string;
  fullName: string;
  role: Role;
  organizationId: string | null;
  orgRole: OrgRole | null;
  status: UserStatus;
  /** Language of the user's notifications and e-mails. */
  language: Language;
  createdAt: string;
}

/** The user as the API shows it: times in Hai Phong (+07:00). */
export function toUserView(user: User): UserView {
  return { ...toUserSnapshot(user), createdAt: cityIso(user.createdAt) };
}

/** The same fields as the audit log stores them (before/after): times in UTC, as always. */
export function toUserSnapshot(user: User): UserView {
  return {
    id: user.id,
    email: user.email,
    fullName: user.fullName,
    role: user.role,
    organizationId: user.organizationId,
    orgRole: user.orgRole ?? null,
    status: user.status,
    language: user.language,
    createdAt: utcIso(user.createdAt),
  };
}
