import { sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import { AppError, AuthUser, ErrorCode, problemStatus } from '@app/common';
import { db } from '@app/database';
import { findProblem, isDepartmentOfficer, Problem } from '@app/problems';
import { isOnPanel, openedByClock as openedByClockExpr } from '@app/proposals';

export interface PanelMember {
  userId: string;
  fullName: string;
  chair: boolean;
}

export interface LiveProposal {
  proposalId: string;
  enterpriseId: string;
  legalName: string;
  taxCode: string;
}

/**
 * Who scores what, read in one go: the active panel, the live proposals, the declarations and the
 * submissions. An evaluator is eligible for a proposal while on the panel and not conflicted with
 * its firm (an undeclared evaluator still counts: they owe a declaration and scores).
 */
export interface EvaluationState {
  problem: Problem;
  members: PanelMember[];
  proposals: LiveProposal[];
  /** `${evaluatorId}:${enterpriseId}` → conflict */
  declarations: Map<string, boolean>;
  /** `${proposalId}:${evaluatorId}` → submitted_at (only submitted ones) */
  submissions: Map<string, Date>;
  minPanel: number;
}

export const key = (a: string, b: string) => `${a}:${b}`;

export async function loadState(
  manager: EntityManager,
  problemId: string,
  minPanel: number,
  lock = false,
): Promise<EvaluationState> {
  const problem = await findProblem(manager, problemId, lock);
  const members = await db(manager)
    .selectFrom('problem_panel_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.user_id', 'u.full_name', 'm.is_chair'])
    .where('m.problem_id', '=', problemId)
    .where('m.removed_at', 'is', null)
    .orderBy('m.is_chair', 'desc')
    .orderBy('m.added_at')
    .orderBy('u.full_name')
    .orderBy('m.user_id')
    .execute();
  const proposals = await db(manager)
    .selectFrom('proposals as p')
    .innerJoin('enterprises as e', 'e.id', 'p.enterprise_id')
    .select(['p.id', 'p.enterprise_id', 'e.legal_name', 'e.tax_code'])
    .where('p.problem_id', '=', problemId)
    .where('p.status', '<>', 'withdrawn')
    .orderBy('e.legal_name')
    .orderBy('p.id')
    .execute();
  const declarations = await db(manager)
    .selectFrom('conflict_declarations')
    .select(['evaluator_id', 'enterprise_id', 'conflict'])
    .where('problem_id', '=', problemId)
    .execute();
  const submissions = await db(manager)
    .selectFrom('proposal_score_submissions as s')
    .innerJoin('proposals as p', 'p.id', 's.proposal_id')
    .select(['s.proposal_id', 's.evaluator_id', 's.submitted_at'])
    .where('p.problem_id', '=', problemId)
    .where('s.submitted_at', 'is not', null)
    .$narrowType<{ submitted_at: Date }>()
    .execute();
  return {
    problem,
    members: members.map((m) => ({ userId: m.user_id, fullName: m.full_name, chair: m.is_chair })),
    proposals: proposals.map((p) => ({
      proposalId: p.id,
      enterpriseId: p.enterprise_id,
      legalName: p.legal_name,
      taxCode: p.tax_code,
    })),
    declarations: new Map(declarations.map((d) => [key(d.evaluator_id, d.enterprise_id), d.conflict])),
    submissions: new Map(submissions.map((s) => [key(s.proposal_id, s.evaluator_id), s.submitted_at])),
    minPanel,
  };
}

export function eligibleFor(state: EvaluationState, proposal: LiveProposal): PanelMember[] {
  return state.members.filter((m) => state.declarations.get(key(m.userId, proposal.enterpriseId)) !== true);
}

export function submittedBy(state: EvaluationState, proposal: LiveProposal): PanelMember[] {
  return eligibleFor(state, proposal).filter((m) => state.submissions.has(key(proposal.proposalId, m.userId)));
}

/** Too few evaluators without a conflict remain: the department must add one. */
export function isShort(state: EvaluationState, proposal: LiveProposal): boolean {
  return eligibleFor(state, proposal).length < state.minPanel;
}

/** Every eligible evaluator has submitted for it, and enough of them remain. */
export function proposalComplete(state: EvaluationState, proposal: LiveProposal): boolean {
  return (
    !isShort(state, proposal) &&
    eligibleFor(state, proposal).every((m) => state.submissions.has(key(proposal.proposalId, m.userId)))
  );
}

export function scoringComplete(state: EvaluationState): boolean {
  return state.proposals.every((p) => proposalComplete(state, p));
}

/** When the last submission that completed scoring was made (null while incomplete). */
export function scoringCompletedAt(state: EvaluationState): Date | null {
  if (!scoringComplete(state)) return null;
  let last: Date | null = null;
  for (const p of state.proposals) {
    for (const m of eligibleFor(state, p)) {
      const at = state.submissions.get(key(p.proposalId, m.userId));
      if (at && (!last || at > last)) last = at;
    }
  }
  return last;
}

export function findProposal(state: EvaluationState, proposalId: string): LiveProposal {
  const proposal = state.proposals.find((p) => p.proposalId === proposalId);
  if (!proposal) throw new AppError(ErrorCode.PROPOSAL_NOT_FOUND, { context: 'forProblem' });
  return proposal;
}

export async function assertPanelMember(manager: EntityManager, problemId: string, user: AuthUser): Promise<void> {
  if (user.role !== 'evaluator' || !(await isOnPanel(manager, problemId, user.id))) {
    throw new AppError(ErrorCode.NOT_ON_PANEL);
  }
}

/** Department officers and admins read; panel members too where `panel` is set. */
export async function assertMayFollow(
  manager: EntityManager,
  problem: Problem,
  user: AuthUser,
  panel: boolean,
): Promise<'staff' | 'panel'> {
  if (user.role === 'admin' || isDepartmentOfficer(user, problem)) return 'staff';
  if (panel && user.role === 'evaluator') {
    await assertPanelMember(manager, problem.id, user);
    return 'panel';
  }
  if (user.role === 'evaluator') throw new AppError(ErrorCode.NOT_ON_PANEL);
  throw new AppError(ErrorCode.PROBLEM_FORBIDDEN);
}

export function assertOpened(problem: Problem, pastDeadline: boolean): void {
  const after = ['closed', 'evaluating', 'awarded', 'unsuccessful'].includes(problem.status);
  if (!after && !pastDeadline) throw new AppError(ErrorCode.PROPOSAL_SEALED);
}

/** Scores, declarations and consensus change only while the panel works: after closing, before the outcome. */
export function assertEvaluating(problem: Problem): void {
  if (problem.status !== 'closed' && problem.status !== 'evaluating') {
    throw new AppError(
      ErrorCode.PROBLEM_STATUS_CONFLICT,
      { context: 'evaluation', status: problemStatus(problem.status) },
      { status: problem.status },
    );
  }
}

/** Whether the proposals have opened by the database clock: deadline + the commit grace has passed. */
export async function openedByClock(manager: EntityManager, problemId: string): Promise<boolean> {
  const row = await db(manager)
    .selectFrom('problems as p')
    .select(openedByClockExpr('p').as('opened'))
    .where('p.id', '=', problemId)
    .executeTakeFirst();
  return row?.opened ?? false;
}

export async function pastDeadline(manager: EntityManager, problemId: string): Promise<boolean> {
  const row = await db(manager)
    .selectFrom('problems')
    .select(sql<boolean>`now() >= deadline`.as('past'))
    .where('id', '=', problemId)
    .executeTakeFirst();
  return row?.past ?? false;
}
