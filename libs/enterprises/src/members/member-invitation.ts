import type { DataSource, EntityManager } from 'typeorm';
import type { Language } from '@app/common';
import { db } from '@app/database';

/** A colleague a firm invited; the account is made when they accept from the mailed link. */
export interface MemberInvitation {
  id: string;
  enterpriseId: string;
  email: string;
  fullName: string;
  /** The inviter's language: the mail goes to someone whose own choice is not known yet. */
  language: Language;
  invitedBy: string;
  createdAt: Date;
  expiresAt: Date;
}

/** member_invitations as `i` (without the token's hash, which only accepting reads). */
export function selectInvitations(source: EntityManager | DataSource) {
  return db(source)
    .selectFrom('member_invitations as i')
    .select(['i.id', 'i.enterprise_id', 'i.email', 'i.full_name', 'i.language', 'i.invited_by', 'i.created_at', 'i.expires_at']);
}

export function toInvitation(r: {
  id: string;
  enterprise_id: string;
  email: string;
  full_name: string;
  language: string;
  invited_by: string;
  created_at: Date;
  expires_at: Date;
}): MemberInvitation {
  return {
    id: r.id,
    enterpriseId: r.enterprise_id,
    email: r.email,
    fullName: r.full_name,
    language: r.language as Language,
    invitedBy: r.invited_by,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
  };
}
