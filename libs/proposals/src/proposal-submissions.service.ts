import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AppError, AuthUser, ErrorCode, nfc } from '@app/common';
import { AuditService } from '@app/audit';
import { NotificationsService } from '@app/notifications';
import { assertVerifiedEnterprise } from '@app/enterprises';

import { SealedKeyring } from './crypto/sealed-keyring';
import { SubmitProposalDto } from './dto/submit-proposal.dto';
import { assertIdempotencyKey, Outcome, withIdempotency } from './idempotency';
import { ProposalContent, ProposalReference, Receipt } from './receipt';
import { sealVersion } from './sealed-content';
import { ConfirmationReceipt, SubmissionResult, WithdrawnProposalView } from './proposal-views';
import {
  BiddableProblem,
  bidsSeal,
  bidTransaction,
  cityTime,
  firmOf,
  ownProposalForUpdate,
  problemOpenForBids,
  proposalExists,
  VersionRow,
  versionsOf,
} from './proposal-records';

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
        const problem = await problemOpenForBids(manager, problemId, receivedMark);
        await assertVerifiedEnterprise(manager, enterpriseId);
        const live = await manager.query<{ id: string }[]>(
          `SELECT id FROM proposals WHERE problem_id = $1 AND enterprise_id = $2 AND status <> 'withdrawn'`,
          [problemId, enterpriseId],
        );
        if (live[0]) throw proposalExists(live[0].id);
        const proposalId = randomUUID();
        await manager.query(
          `INSERT INTO proposals (id, problem_id, enterprise_id, status, current_version, created_by) VALUES ($1, $2, $3, 'submitted', 1, $4)`,
          [proposalId, problemId, enterpriseId, user.id],
        );
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
        const problem = await problemOpenForBids(manager, proposal.problem_id, receivedMark);
        await assertVerifiedEnterprise(manager, enterpriseId);
        const version = proposal.current_version + 1;
        // A new version answers any amendment made since the last one.
        await manager.query(`UPDATE proposals SET current_version = $2, updated_at = now() WHERE id = $1`, [proposalId, version]);
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
      // TypeORM answers an UPDATE with [rows, affected].
      const [updated] = await manager.query<[{ withdrawn_at: string }[], number]>(
        `UPDATE proposals SET status = 'withdrawn', withdrawn_at = $2, updated_at = now()
         WHERE id = $1 RETURNING ${cityTime('withdrawn_at')} AS withdrawn_at`,
        [proposalId, problem.received_at],
      );
      await this.audit.recordSealed(manager, bidsSeal(problem.id), {
        actor: user,
        action: 'proposal.withdrawn',
        entityType: 'proposal',
        entityId: proposalId,
        after: { version: proposal.current_version },
      });
      return { id: proposalId, status: 'withdrawn' as const, withdrawnAt: updated[0].withdrawn_at };
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
      const existing = await manager.query<{ confirmed_at: string }[]>(
        `SELECT ${cityTime('confirmed_at')} AS confirmed_at FROM proposal_confirmations WHERE proposal_id = $1 AND amendment_number = $2`,
        [proposalId, amendmentNumber],
      );
      const receipt = (confirmedAt: string): ConfirmationReceipt => ({
        proposalId,
        version: latest.version,
        amendmentNumber,
        confirmedAt,
        sha256: latest.content_sha256,
      });
      // Confirming twice, or after a revision already answered it, changes nothing.
      if (existing[0]) return receipt(existing[0].confirmed_at);
      if (latest.amendment_number >= amendmentNumber) return receipt(latest.submitted_at);
      const [row] = await manager.query<{ confirmed_at: string }[]>(
        `INSERT INTO proposal_confirmations (proposal_id, amendment_number, version, confirmed_at, confirmed_by)
         VALUES ($1, $2, $3, $4, $5) RETURNING ${cityTime('confirmed_at')} AS confirmed_at`,
        [proposalId, amendmentNumber, latest.version, problem.received_at, user.id],
      );
      await manager.query(
        `UPDATE proposals SET confirmed_amendment = greatest(confirmed_amendment, $2), updated_at = now() WHERE id = $1`,
        [proposalId, amendmentNumber],
      );
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
    const receipt = await this.writeVersion(manager, { user, problem, enterpriseId, proposalId, version, dto });
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

  private async writeVersion(
    manager: EntityManager,
    args: {
      user: AuthUser;
      problem: BiddableProblem;
      enterpriseId: string;
      proposalId: string;
      version: number;
      dto: SubmitProposalDto;
    },
  ): Promise<Receipt> {
    const { problem, enterpriseId, proposalId, version } = args;
    const problemId = problem.id;
    const attachments = await this.claimAttachments(manager, problemId, enterpriseId, proposalId, args.dto.attachmentIds ?? []);
    const content = toContent(args.dto, attachments);
    const recipients = await this.keyring.recipientsFor(manager, problemId, enterpriseId);
    const v = sealVersion(recipients, proposalId, version, content);
    const rows = await manager.query<{ submitted_at: string }[]>(
      `INSERT INTO proposal_versions (proposal_id, version, submitted_by, content_sha256, ciphertext, iv, auth_tag, key_for_problem, key_for_bidder,
                                      submitted_at, amendment_number)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ${cityTime('submitted_at')} AS submitted_at`,
      [
        proposalId,
        version,
        args.user.id,
        v.sha256,
        v.ciphertext,
        v.iv,
        v.tag,
        v.keyForProblem,
        v.keyForBidder,
        problem.received_at,
        problem.amendment_count,
      ],
    );
    if (attachments.length > 0) {
      await manager.query(
        `UPDATE proposal_attachments SET proposal_id = $1, version = coalesce(version, $2) WHERE id = ANY($3::uuid[])`,
        [proposalId, version, attachments.map((a) => a.id)],
      );
    }
    return { proposalId, version, submittedAt: rows[0].submitted_at, sha256: v.sha256, amendmentNumber: problem.amendment_count };
  }

  /** The firm's own uploads for this problem, not yet cited by another of its proposals. */
  private async claimAttachments(
    manager: EntityManager,
    problemId: string,
    enterpriseId: string,
    proposalId: string,
    ids: string[],
  ): Promise<{ id: string; sha256: string }[]> {
    if (ids.length === 0) return [];
    const rows = await manager.query<{ id: string; content_sha256: string }[]>(
      `SELECT id, content_sha256 FROM proposal_attachments
       WHERE id = ANY($1::uuid[]) AND problem_id = $2 AND enterprise_id = $3 AND (proposal_id IS NULL OR proposal_id = $4)
       FOR UPDATE`,
      [ids, problemId, enterpriseId, proposalId],
    );
    const found = new Map(rows.map((r) => [r.id, r.content_sha256]));
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length > 0) {
      throw new AppError(
        ErrorCode.ATTACHMENT_NOT_FOUND,
        { context: 'notOwn' },
        {
          attachmentIds: missing,
        },
      );
    }
    return ids.map((id) => ({ id, sha256: found.get(id) as string }));
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

function toContent(dto: SubmitProposalDto, attachments: { id: string; sha256: string }[]): ProposalContent {
  return {
    approach: nfc(dto.approach),
    solution: nfc(dto.solution),
    plan: nfc(dto.plan),
    team: nfc(dto.team),
    price: dto.price,
    durationMonths: dto.durationMonths,
    references: (dto.references ?? []).map((r): ProposalReference =>
      typeof r === 'string' ? nfc(r) : { title: nfc(r.title), url: r.url.trim() },
    ),
    attachments,
  };
}
