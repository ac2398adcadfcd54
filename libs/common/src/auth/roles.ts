export const ROLES = ['admin', 'officer', 'evaluator', 'enterprise'] as const;
export type Role = (typeof ROLES)[number];

/** Who is acting: put on the request by the JWT strategy, passed to services for access checks. */
export interface AuthUser {
  id: string;
  email: string;
  role: Role;
  organizationId: string | null;
}

/** An actor for the audit log: a user, or null for the system itself (seeds, sweeps). */
export type Actor = Pick<AuthUser, 'id' | 'role'> | null;
