import type { EntityManager } from 'typeorm';
import { AppError, AuthUser, ErrorCode, problemStatus } from '@app/common';
import { findProblem, isDepartmentOfficer, Problem } from '@app/problems';
import { isOnPanel, openedByClockSql } from '@app/proposals';

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
  const members = await manager.query<{ user_id: string; full_name: string; is_chair: boolean }[]>(
    `SELECT m.user_id, u.full_name, m.is_chair FROM problem_panel_members m JOIN users u ON u.id = m.user_id
     WHERE m.problem_id = $1 AND m.removed_at IS NULL ORDER BY m.is_chair DESC, m.added_at, u.full_name, m.user_id`,
    [problemId],
  );
  const proposals = await manager.query<{ id: string; enterprise_id: string; legal_name: string; tax_code: string }[]>(
    `SELECT p.id, p.enterprise_id, e.legal_name, e.tax_code FROM proposals p JOIN enterprises e ON e.id = p.enterprise_id
     WHERE p.problem_id = $1 AND p.status <> 'withdrawn' ORDER BY e.legal_name, p.id`,
    [problemId],
  );
  const declarations = await manager.query<{ evaluator_id: string; enterprise_id: string; conflict: boolean }[]>(
    `SELECT evaluator_id, enterprise_id, conflict FROM conflict_declarations WHERE problem_id = $1`,
    [problemId],
  );
  const submissions = await manager.query<{ proposal_id: string; evaluator_id: string; submitted_at: Date }[]>(
    `SELECT s.proposal_id, s.evaluator_id, s.submitted_at FROM proposal_score_submissions s JOIN proposals p ON p.id = s.proposal_id
     WHERE p.problem_id = $1 AND s.submitted_at IS NOT NULL`,
    [problemId],
  );
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
  const rows = await manager.query<{ opened: boolean }[]>(
    `SELECT ${openedByClockSql('p')} AS opened FROM problems p WHERE id = $1`,
    [problemId],
  );
  return rows[0]?.opened ?? false;
}

export async function pastDeadline(manager: EntityManager, problemId: string): Promise<boolean> {
  const rows = await manager.query<{ past: boolean }[]>(`SELECT now() >= deadline AS past FROM problems WHERE id = $1`, [
    problemId,
  ]);
  return rows[0]?.past ?? false;
}
