import type { EntityManager } from 'typeorm';
import { AppError, AuthUser, ErrorCode, Msg } from '@app/common';
import { Problem, selectProblem } from './problem-record';

/** Who is looking: a signed-in user, or nobody (the public). */
export type Viewer = AuthUser | null | undefined;

export const problemNotFound = () => new AppError(ErrorCode.PROBLEM_NOT_FOUND);

export function isDepartmentOfficer(viewer: Viewer, problem: Pick<Problem, 'departmentId'>): boolean {
  return viewer?.role === 'officer' && viewer.organizationId === problem.departmentId;
}

/** Drafts are the department's working papers: its officers and the platform admins see them. */
export function canSeeDraft(viewer: Viewer, problem: Pick<Problem, 'departmentId'>): boolean {
  return viewer?.role === 'admin' || isDepartmentOfficer(viewer, problem);
}

/** A draft the viewer may not see does not exist for them: 404, so nothing leaks. */
export function assertVisible(viewer: Viewer, problem: Pick<Problem, 'departmentId' | 'status'>): void {
  if (problem.status === 'draft' && !canSeeDraft(viewer, problem)) throw problemNotFound();
}

/** Every write on a problem is its own department's officers' business. */
export function assertDepartmentOfficer(actor: AuthUser, problem: Pick<Problem, 'departmentId'>, what: string): void {
  if (!isDepartmentOfficer(actor, problem)) {
    throw new AppError(ErrorCode.PROBLEM_FORBIDDEN, { context: 'departmentOfficer', action: new Msg(`actions.${what}`) });
  }
}

export async function findProblem(manager: EntityManager, id: string, lock = false): Promise<Problem> {
  const problem = await selectProblem(manager, id, lock);
  if (!problem) throw problemNotFound();
  return problem;
}

/** The firm the user acts for; only enterprise members have one. */
export function enterpriseOf(actor: AuthUser): string {
  if (actor.role !== 'enterprise' || !actor.organizationId) {
    throw new AppError(ErrorCode.ROLE_FORBIDDEN, { context: 'enterpriseOnly' });
  }
  return actor.organizationId;
}
