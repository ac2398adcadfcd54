import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { DataSource, EntityManager } from 'typeorm';
import { db, prepare } from '@app/database';
import { writeVersion } from './proposal-versions';
import { AppError, AuthUser, ErrorCode } from '@app/common';
import { AuditService } from '@app/audit';
import { NotificationsService } from '@app/notifications';

import { SealedKeyring } from './crypto/sealed-keyring';
import { SubmitProposalDto } from './dto/submit-proposal.dto';
import { assertIdempotencyKey, Outcome, withIdempotency } from './idempotency';
import { Receipt } from './receipt';
import { ConfirmationReceipt, SubmissionResult, WithdrawnProposalView } from './proposal-views';
import {
  BiddableProblem,
  bidsSeal,
  bidTransaction,
  cityTime,
  firmOf,
  ownProposalForUpdate,
  problemOpenForBids,
  problemOpenToFirm,
  proposalExists,
  VersionRow,
  versionsOf,
} from './proposal-records';

// One live proposal per firm and problem (a partial unique index): the insert yields to it.
const insertProposal = prepare((database, p: { proposalId: string; problemId: string; enterpriseId: string; userId: string }) =>
  database
    .insertInto('proposals')
    .values({
      id: p.proposalId,
      problem_id: p.problemId,
      enterprise_id: p.enterpriseId,
      status: 'submitted',
      current_version: 1,
      created_by: p.userId,
    })
    .onConflict((c) => c.columns(['problem_id', 'enterprise_id']).where('status', '<>', 'withdrawn').doNothing())
    .returning('id'),
);

/**
 * Submitting sealed proposals: submission, revision and withdrawal before the deadline (checked up
 * front and again by the database at COMMIT), the sealed versions with their receipts, idempotent
 * retries, and confirmations after an amendment.
 */
@Injectable()
export class ProposalSubmissionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly keyring: SealedKeyring,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
  ) {}

  async submit(
    user: AuthUser,
    problemId: string,
    dto: SubmitProposalDto,
    idempotencyKey?: string,
    receivedMark: number = performance.now(),
  ): Promise<Outcome<SubmissionResult>> {
    assertIdempotencyKey(idempotencyKey);
    const enterpriseId = firmOf(user);
    const scope = `POST /problems/${problemId}/proposals`;
    return bidTransaction(this.dataSource, (manager) =>
      withIdempotency(manager, { userId: user.id, key: idempotencyKey, scope, body: dto }, async () => {
        const problem = await problemOpenToFirm(manager, problemId, enterpriseId, receivedMark);
        const proposalId = randomUUID();
        const [inserted] = await insertProposal(manager, { proposalId, problemId, enterpriseId, userId: user.id });
        if (!inserted) {
          const live = await db(manager)
            .selectFrom('proposals')
            .select('id')
            .where('problem_id', '=', problemId)
            .where('enterprise_id', '=', enterpriseId)
            .where('status', '<>', 'withdrawn')
            .executeTakeFirst();
          throw proposalExists(live?.id);
        }
        const receipt = await this.recordVersion(manager, 'proposal.submitted', {
          user,
          problem,
          enterpriseId,
          proposalId,
          version: 1,
          dto,
        });
        return { status: 201, body: { id: proposalId, version: 1, receipt } };
      }),
    );
  }

  async revise(
    user: AuthUser,
    proposalId: string,
    dto: SubmitProposalDto,
    idempotencyKey?: string,
    receivedMark: number = performance.now(),
  ): Promise<Outcome<SubmissionResult>> {
    assertIdempotencyKey(idempotencyKey);
    const enterpriseId = firmOf(user);
    const scope = `PUT /proposals/${proposalId}`;
    return bidTransaction(this.dataSource, (manager) =>
      withIdempotency(manager, { userId: user.id, key: idempotencyKey, scope, body: dto }, async () => {
        const proposal = await ownProposalForUpdate(manager, enterpriseId, proposalId);
        if (proposal.status === 'withdrawn') {
          throw new AppError(ErrorCode.PROPOSAL_WITHDRAWN);
        }
        const problem = await problemOpenToFirm(manager, proposal.problem_id, enterpriseId, receivedMark);
        const version = proposal.current_version + 1;
        // A new version answers any amendment made since the last one.
        await db(manager)
          .updateTable('proposals')
          .set({ current_version: version, updated_at: sql`now()` })
          .where('id', '=', proposalId)
          .execute();
        const receipt = await this.recordVersion(manager, 'proposal.revised', {
          user,
          problem,
          enterpriseId,
          proposalId,
          version,
          dto,
        });
        return { status: 200, body: { id: proposalId, version, receipt } };
      }),
    );
  }

  async withdraw(user: AuthUser, proposalId: string, receivedMark: number = performance.now()): Promise<WithdrawnProposalView> {
    const enterpriseId = firmOf(user);
    return bidTransaction(this.dataSource, async (manager) => {
      const proposal = await ownProposalForUpdate(manager, enterpriseId, proposalId);
      if (proposal.status === 'withdrawn') throw new AppError(ErrorCode.PROPOSAL_WITHDRAWN, { context: 'already' });
      const problem = await problemOpenForBids(manager, proposal.problem_id, receivedMark);
      // The withdraw trigger re-checks the deadline at COMMIT.
      const updated = await db(manager)
        .updateTable('proposals')
        .set({ status: 'withdrawn', withdrawn_at: problem.received_at, updated_at: sql`now()` })
        .where('id', '=', proposalId)
        .returning(cityTime('withdrawn_at').as('withdrawn_at'))
        .executeTakeFirstOrThrow();
      await this.audit.recordSealed(manager, bidsSeal(problem.id), {
        actor: user,
        action: 'proposal.withdrawn',
        entityType: 'proposal',
        entityId: proposalId,
        after: { version: proposal.current_version },
      });
      return { id: proposalId, status: 'withdrawn' as const, withdrawnAt: updated.withdrawn_at };
    });
  }

  /**
   * The firm has read amendment N and keeps its bid as it is: recorded with a receipt (the kept
   * version's hash) by the time received, before the deadline like any bid action. Confirming an
   * older amendment than the latest is refused, so a firm cannot confirm what it has not seen.
   */
  async confirm(
    user: AuthUser,
    proposalId: string,
    amendmentNumber: number,
    receivedMark: number = performance.now(),
  ): Promise<ConfirmationReceipt> {
    const enterpriseId = firmOf(user);
    return bidTransaction(this.dataSource, async (manager) => {
      const proposal = await ownProposalForUpdate(manager, enterpriseId, proposalId);
      if (proposal.status === 'withdrawn') throw new AppError(ErrorCode.PROPOSAL_WITHDRAWN);
      const problem = await problemOpenForBids(manager, proposal.problem_id, receivedMark);
      if (problem.amendment_count === 0) {
        throw new AppError(ErrorCode.NOTHING_TO_CONFIRM);
      }
      if (amendmentNumber !== problem.amendment_count) {
        throw new AppError(
          ErrorCode.AMENDMENT_NOT_LATEST,
          { latestAmendment: problem.amendment_count },
          { latestAmendment: problem.amendment_count },
        );
      }
      const latest = (await versionsOf(manager, proposalId)).at(-1) as VersionRow;
      const existing = await db(manager)
        .selectFrom('proposal_confirmations')
        .select(cityTime('confirmed_at').as('confirmed_at'))
        .where('proposal_id', '=', proposalId)
        .where('amendment_number', '=', amendmentNumber)
        .executeTakeFirst();
      const receipt = (confirmedAt: string): ConfirmationReceipt => ({
        proposalId,
        version: latest.version,
        amendmentNumber,
        confirmedAt,
        sha256: latest.content_sha256,
      });
      // Confirming twice, or after a revision already answered it, changes nothing.
      if (existing) return receipt(existing.confirmed_at);
      if (latest.amendment_number >= amendmentNumber) return receipt(latest.submitted_at);
      const row = await db(manager)
        .insertInto('proposal_confirmations')
        .values({
          proposal_id: proposalId,
          amendment_number: amendmentNumber,
          version: latest.version,
          confirmed_at: problem.received_at,
          confirmed_by: user.id,
        })
        .returning(cityTime('confirmed_at').as('confirmed_at'))
        .executeTakeFirstOrThrow();
      await db(manager)
        .updateTable('proposals')
        .set({ confirmed_amendment: sql<number>`greatest(confirmed_amendment, ${amendmentNumber})`, updated_at: sql`now()` })
        .where('id', '=', proposalId)
        .execute();
      await this.audit.recordSealed(manager, bidsSeal(problem.id), {
        actor: user,
        action: 'proposal.confirmed',
        entityType: 'proposal',
        entityId: proposalId,
        after: { version: latest.version, amendmentNumber, sha256: latest.content_sha256 },
      });
      return receipt(row.confirmed_at);
    });
  }

  /**
   * Writes a sealed version, tells the firm, and audits it — the audit last, as its append
   * serialises writers until COMMIT. The audit row names the proposal, version and hash only:
   * never content, price, problem or firm.
   */
  private async recordVersion(
    manager: EntityManager,
    action: 'proposal.submitted' | 'proposal.revised',
    args: {
      user: AuthUser;
      problem: BiddableProblem;
      enterpriseId: string;
      proposalId: string;
      version: number;
      dto: SubmitProposalDto;
    },
  ): Promise<Receipt> {
    const { user, problem, enterpriseId, proposalId, version, dto } = args;
    const receipt = await writeVersion(manager, this.keyring, { user, problem, enterpriseId, proposalId, version, dto });
    await this.notifyReceived(manager, enterpriseId, problem, receipt);
    await this.audit.recordSealed(manager, bidsSeal(problem.id), {
      actor: user,
      action,
      entityType: 'proposal',
      entityId: proposalId,
      after: { version, sha256: receipt.sha256, amendmentNumber: receipt.amendmentNumber },
    });
    return receipt;
  }

  private async notifyReceived(
    manager: EntityManager,
    enterpriseId: string,
    problem: BiddableProblem,
    receipt: Receipt,
  ): Promise<void> {
    // The receipt only: the notification and its e-mail carry no sealed content.
    await this.notifications.notifyEnterprises(manager, [enterpriseId], {
      kind: 'proposal.received',
      message: 'proposalReceived',
      params: {
        problem: problem.title,
        version: receipt.version,
        submittedAt: new Date(receipt.submittedAt),
        sha256: receipt.sha256,
      },
      data: {
        problemId: problem.id,
        proposalId: receipt.proposalId,
        version: receipt.version,
        sha256: receipt.sha256,
        submittedAt: receipt.submittedAt,
      },
    });
  }
}
