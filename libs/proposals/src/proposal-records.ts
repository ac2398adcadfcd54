import { RawBuilder, sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import { DataSource, QueryFailedError } from 'typeorm';
import { AppError, AuthUser, ErrorCode } from '@app/common';
import { Seal } from '@app/audit';
import { db, prepare, type Database } from '@app/database';
import { firmStatusForShare, refuseUnlessVerified } from '@app/enterprises';
import { invitedToBid, refuseUnlessInvited } from '@app/problems';

/**
 * A time read back from PostgreSQL as ISO 8601 in Asia/Ho_Chi_Minh (no DST), to the microsecond;
 * `column` is a (qualified) column reference. Null stays null: type it `cityTime<string | null>`.
 */
export const cityTime = <T extends string | null = string>(column: string): RawBuilder<T> =>
  sql<T>`to_char(${sql.ref(column)} AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD"T"HH24:MI:SS.US"+07:00"')`;

export interface ProblemRow {
  id: string;
  department_id: string;
  status: string;
  title: string;
  past_deadline: boolean;
}

/** A problem as a bid action sees it, with the time the request was received (database clock). */
export interface BiddableProblem extends ProblemRow {
  amendment_count: number;
  received_at: Date;
  /** The problem's key as stored (public half first), null until its first bid; see SealedKeyring. */
  sealed_key: Buffer | null;
}

export interface ProposalAccessRow {
  id: string;
  problem_id: string;
  problem_title: string;
  department_id: string;
  problem_status: string;
  past_deadline: boolean;
  enterprise_id: string;
  legal_name: string;
  status: string;
  current_version: number;
  amendment_count: number;
  confirmed_amendment: number;
  withdrawn_at: string | null;
}

export interface VersionRow {
  version: number;
  submitted_at: string;
  content_sha256: string;
  amendment_number: number;
  ciphertext: Buffer;
  iv: Buffer;
  auth_tag: Buffer;
  key_for_problem: Buffer;
  key_for_bidder: Buffer;
}

/** Who is reading a proposal: its own firm, or staff after the deadline. */
export type ReadAccess = { row: ProposalAccessRow; as: 'firm' | 'staff' };

export const proposalNotFound = () => new AppError(ErrorCode.PROPOSAL_NOT_FOUND);
export const problemNotFound = () => new AppError(ErrorCode.PROBLEM_NOT_FOUND);
export const sealed = () => new AppError(ErrorCode.PROPOSAL_SEALED);

export function firmOf(user: AuthUser): string {
  if (user.role !== 'enterprise' || !user.organizationId) {
    throw new AppError(ErrorCode.ROLE_FORBIDDEN, { context: 'enterpriseOnly' });
  }
  return user.organizationId;
}

export function deadlinePassed(): AppError {
  return new AppError(ErrorCode.PROPOSAL_DEADLINE_PASSED);
}

export function proposalExists(proposalId?: string): AppError {
  return new AppError(
    ErrorCode.PROPOSAL_EXISTS,
    {},
    proposalId ? { proposalId, revise: `PUT /api/v1/proposals/${proposalId}` } : undefined,
  );
}

export function attachmentTooLarge(maxBytes: number): AppError {
  return new AppError(ErrorCode.ATTACHMENT_TOO_LARGE, { maxBytes }, { maxBytes });
}

export function translateDatabaseError(err: unknown): unknown {
  if (err instanceof QueryFailedError) {
    const driver = err.driverError as { code?: string; message?: string; constraint?: string };
    if (driver.code === 'P0001' && driver.message === 'PROPOSAL_DEADLINE_PASSED') return deadlinePassed();
    if (driver.code === '23505' && driver.constraint === 'proposals_one_live_uq') return proposalExists();
  }
  return err;
}

export function bidsSeal(problemId: string): Seal {
  return { scope: 'bids', ref: problemId };
}

/**
 * Up-front check, by the time the request was received: the database clock now, less the time
 * the request has waited in this process since it fully arrived (for a connection, behind
 * locks). A request received before the deadline is accepted if it commits within the
 * problem's grace; the deferred trigger checks both again at COMMIT.
 */
export async function problemOpenForBids(
  manager: EntityManager,
  problemId: string,
  receivedMark: number,
): Promise<BiddableProblem> {
  const [problem] = await problemForBid(manager, { problemId, waitedSeconds: waitedSince(receivedMark) });
  return refuseUnlessOpen(problem);
}

/**
 * problemOpenForBids, then the firm's checks in the same read (one round trip instead of three on
 * the bid path): verified (its row FOR SHARE, as assertVerifiedEnterprise), and invited when the
 * problem is a mini-competition (as assertInvitedToBid). Refusals come in that order.
 */
export async function problemOpenToFirm(
  manager: EntityManager,
  problemId: string,
  enterpriseId: string,
  receivedMark: number,
): Promise<BiddableProblem> {
  const [row] = await problemForFirmBid(manager, { problemId, enterpriseId, waitedSeconds: waitedSince(receivedMark) });
  const { firm_status, invited, ...problem } = refuseUnlessOpen(row);
  refuseUnlessVerified(enterpriseId, firm_status);
  refuseUnlessInvited(invited);
  return problem;
}

/** Seconds the request has waited in this process since it fully arrived. */
const waitedSince = (receivedMark: number) => Math.max(0, performance.now() - receivedMark) / 1000;

function biddableProblem(database: Database, problemId: string, waitedSeconds: number) {
  return database
    .with('r', (q) => q.selectNoFrom(sql<Date>`clock_timestamp() - make_interval(secs => ${waitedSeconds})`.as('received_at')))
    .selectFrom(['problems as p', 'r'])
    .select([
      'p.id',
      'p.department_id',
      'p.status',
      'p.title',
      'p.amendment_count',
      'p.sealed_key',
      'r.received_at',
      sql<boolean>`r.received_at >= p.deadline`.as('past_deadline'),
    ])
    .where('p.id', '=', problemId);
}

const problemForBid = prepare((database, p: { problemId: string; waitedSeconds: number }) =>
  biddableProblem(database, p.problemId, p.waitedSeconds),
);

const problemForFirmBid = prepare((database, p: { problemId: string; enterpriseId: string; waitedSeconds: number }) =>
  biddableProblem(database, p.problemId, p.waitedSeconds).select([
    firmStatusForShare(database, p.enterpriseId).as('firm_status'),
    invitedToBid(database, p.problemId, p.enterpriseId).as('invited'),
  ]),
);

function refuseUnlessOpen<T extends BiddableProblem>(problem: T | undefined): T {
  if (!problem || problem.status === 'draft') throw problemNotFound();
  if (problem.status === 'cancelled') throw new AppError(ErrorCode.PROBLEM_NOT_OPEN, { context: 'cancelled' });
  if (problem.status !== 'published' || problem.past_deadline) throw deadlinePassed();
  return problem;
}

export async function ownProposalForUpdate(
  manager: EntityManager,
  enterpriseId: string,
  proposalId: string,
): Promise<{ problem_id: string; status: string; current_version: number }> {
  const row = await db(manager)
    .selectFrom('proposals')
    .select(['problem_id', 'status', 'current_version'])
    .where('id', '=', proposalId)
    .where('enterprise_id', '=', enterpriseId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw proposalNotFound();
  return row;
}

export async function versionsOf(manager: EntityManager, proposalId: string): Promise<VersionRow[]> {
  return db(manager)
    .selectFrom('proposal_versions')
    .select([
      'version',
      cityTime('submitted_at').as('submitted_at'),
      'content_sha256',
      'amendment_number',
      'ciphertext',
      'iv',
      'auth_tag',
      'key_for_problem',
      'key_for_bidder',
    ])
    .where('proposal_id', '=', proposalId)
    .orderBy('version')
    .execute();
}

/** One transaction; the deadline trigger's refusal at COMMIT becomes the same error as the up-front check. */
export async function bidTransaction<T>(dataSource: DataSource, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  try {
    return await dataSource.transaction(work);
  } catch (err) {
    throw translateDatabaseError(err);
  }
}
