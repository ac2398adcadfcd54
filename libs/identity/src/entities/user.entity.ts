import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { cityIso, DEFAULT_LANGUAGE, type Language, utcIso, type Role } from '@app/common';

export type UserStatus = 'active' | 'disabled';

/** An enterprise member's place in their firm: the owner registered it and edits it. */
export type OrgRole = 'owner' | 'member';

@Entity({ name: 'users' })
export class User {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  email: string;

  @Column({ name: 'full_name', type: 'text' })
  fullName: string;

  @Column({ name: 'password_hash', type: 'text', nullable: true, select: false })
  passwordHash: string | null;

  @Column('text')
  role: Role;

  @Column({ name: 'organization_id', type: 'uuid', nullable: true })
  organizationId: string | null;

  @Column({ name: 'org_role', type: 'text', nullable: true })
  orgRole: OrgRole | null;

  @Column('text')
  status: UserStatus;

  @Column({ name: 'failed_login_count', type: 'int' })
  failedLoginCount: number;

  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true })
  lockedUntil: Date | null;

  /** Language of the user's notifications and e-mails. */
  @Column({ type: 'text', default: DEFAULT_LANGUAGE })
  language: Language;

  @Column({ name: 'last_login_at', type: 'timestamptz', nullable: true })
  lastLoginAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

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
