import type { DataSource, EntityManager } from 'typeorm';
import type { Language } from '@app/common';
import { db } from '@app/database';
import type { RegisterEnterpriseProfileDto } from '../dto/register-enterprise.dto';

/** A firm's registration waiting for its owner to open the link mailed to the address given. */
export interface RegistrationRequest {
  id: string;
  email: string;
  fullName: string;
  language: Language;
  profile: RegisterEnterpriseProfileDto;
  createdAt: Date;
  expiresAt: Date;
}

/**
 * registration_requests as `r`, without the password's hash (hashed when asked, so the answer costs
 * the same whether or not the address has an account) nor the link's hash (SHA-256 of its secret,
 * made by the worker when it mails the link): only confirming reads those.
 */
export function selectRegistrationRequests(source: EntityManager | DataSource) {
  return db(source)
    .selectFrom('registration_requests as r')
    .select(['r.id', 'r.email', 'r.full_name', 'r.language', 'r.profile', 'r.created_at', 'r.expires_at']);
}

export function toRegistrationRequest(r: {
  id: string;
  email: string;
  full_name: string;
  language: string;
  profile: unknown;
  created_at: Date;
  expires_at: Date;
}): RegistrationRequest {
  return {
    id: r.id,
    email: r.email,
    fullName: r.full_name,
    language: r.language as Language,
    profile: r.profile as RegisterEnterpriseProfileDto,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
  };
}
