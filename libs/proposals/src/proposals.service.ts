import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import {
  AppConfig,
  AppError,
  AuthUser,
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  ErrorCode,
  nfc,
  Page,
  sha256Hex,
  toPage,
} from '@app/common';
import { AuditService, Seal } from '@app/audit';
import { NotificationsService } from '@app/notifications';
import { assertVerifiedEnterprise } from '@app/enterprises';
import { cleanFileName, sniffAttachmentType } from './attachment-types';
import { DataKeyOpener, openFileStreamed, openParts, pack, sealFileStreamed, unpack } from './crypto/crypto-envelope';
import { SealedKeyring } from './crypto/sealed-keyring';
import { SubmitProposalDto } from './dto/submit-proposal.dto';
import { assertIdempotencyKey, Outcome, withIdempotency } from './idempotency';
import { ProposalContent, ProposalReference, Receipt, receiptSha256 } from './receipt';
import { attachmentAad, sealVersion, versionAad } from './sealed-content';
import { assertEvaluatorMayRead, isOnPanel, notOnPanel } from './evaluator-access';
import { isOpened, openedByClockSql } from './sealing';
import { BLOB_STORAGE, BlobStorage } from './storage/blob-storage';

export class WithdrawnProposalView {
  id: string;
  status: 'withdrawn';
  withdrawnAt: string;
}

export class SubmissionResult {
  id: string;
  version: number;
  receipt: Receipt;
}

export class AttachmentView {
  id: string;
  fileName: string;
  mediaType: string;
  sizeBytes: number;
  sha256: string;
}

export class ProposalSummary {
  id: string;
  problemId: string;
  problemTitle: string;
  enterprise: { id: string; legalName: string };
  status: string;
  version: number;
  submittedAt: string;
  sha256: string;
  /** The amendment in force when the latest version was submitted (0: the text as published). */
  madeAgainstAmendment: number;
  /** The latest amendment the firm's bid answers: by a later version or by a confirmation. */
  confirmedAmendment: number;
  /** The problem's latest amendment number. */
  latestAmendment: number;
  /** The bid answers an older text than the latest amendment: not yet confirmed or revised. */
  needsConfirmation: boolean;
  withdrawnAt: string | null;
}

/** What a confirmation after an amendment returns: the kept version and its hash. */
export class ConfirmationReceipt {
  proposalId: string;
  version: number;
  amendmentNumber: number;
  confirmedAt: string;
  sha256: string;
}

export class ProposalView extends ProposalSummary {
  content: ProposalContent;
  attachments: (AttachmentView & { version: number | null })[];
  receipts: Receipt[];
}

export class ProposalReceipts {
  proposalId: string;
  problemId: string;
  status: string;
  receipts: Receipt[];
}

export interface OpenedVersion {
  proposalId: string;
  enterpriseId: string;
  version: number;
  /** The database time of the final (latest) version. */
  submittedAt: Date;
  content: ProposalContent;
}

export interface DownloadedAttachment {
  fileName: string;
  mediaType: string;
  bytes: Buffer;
}

/** Times read back from PostgreSQL as ISO 8601 in Asia/Ho_Chi_Minh (no DST), to the microsecond. */
const cityTime = (column: string) => `to_char(${column} AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD"T"HH24:MI:SS.US"+07:00"')`;

interface ProblemRow {
  id: string;
  department_id: string;
  status: string;
  title: string;
  past_deadline: boolean;
}

/** A problem as a bid action sees it, with the time the request was received (database clock). */
interface BiddableProblem extends ProblemRow {
  amendment_count: number;
  received_at: Date;
}

interface ProposalAccessRow {
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

interface VersionRow {
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

interface AttachmentRow {
  id: string;
  version: number | null;
  file_name_ciphertext: Buffer;
  media_type: string;
  size_bytes: number;
  content_sha256: string;
  storage_key: string;
  iv: Buffer;
  auth_tag: Buffer;
  key_for_problem: Buffer;
  key_for_bidder: Buffer;
}

interface SummaryRow {
  id: string;
  problem_id: string;
  problem_title: string;
  enterprise_id: string;
  legal_name: string;
  status: string;
  current_version: number;
  amendment_count: number;
  confirmed_amendment: number;
  withdrawn_at: string | null;
  submitted_at: string;
  content_sha256: string;
  amendment_number: number;
  cursor_at: string;
}

/** Who is reading a proposal: its own firm, or staff after the deadline. */
type ReadAccess = { row: ProposalAccessRow; as: 'firm' | 'staff' };

const proposalNotFound = () => new AppError(ErrorCode.PROPOSAL_NOT_FOUND);
const problemNotFound = () => new AppError(ErrorCode.PROBLEM_NOT_FOUND);
const sealed = () => new AppError(ErrorCode.PROPOSAL_SEALED);

/**
 * Sealed proposals: submission, revision and withdrawal before the deadline (checked up front
 * and again by the database at COMMIT), encrypted content and attachments, receipts, idempotent
 * retries, and reading — by the firm itself at any time, by the department after the deadline.
 */
@Injectable()
export class ProposalsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly keyring: SealedKeyring,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    @Inject(BLOB_STORAGE) private readonly blobs: BlobStorage,
    private readonly config: AppConfig,
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
    return this.transaction((manager) =>
      withIdempotency(manager, { userId: user.id, key: idempotencyKey, scope, body: dto }, async () => {
        const problem = await this.problemOpenForBids(manager, problemId, receivedMark);
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
    return this.transaction((manager) =>
      withIdempotency(manager, { userId: user.id, key: idempotencyKey, scope, body: dto }, async () => {
        const proposal = await this.ownProposalForUpdate(manager, enterpriseId, proposalId);
        if (proposal.status === 'withdrawn') {
          throw new AppError(ErrorCode.PROPOSAL_WITHDRAWN);
        }
        const problem = await this.problemOpenForBids(manager, proposal.problem_id, receivedMark);
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
    return this.transaction(async (manager) => {
      const proposal = await this.ownProposalForUpdate(manager, enterpriseId, proposalId);
      if (proposal.status === 'withdrawn') throw new AppError(ErrorCode.PROPOSAL_WITHDRAWN, { context: 'already' });
      const problem = await this.problemOpenForBids(manager, proposal.problem_id, receivedMark);
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
    return this.transaction(async (manager) => {
      const proposal = await this.ownProposalForUpdate(manager, enterpriseId, proposalId);
      if (proposal.status === 'withdrawn') throw new AppError(ErrorCode.PROPOSAL_WITHDRAWN);
      const problem = await this.problemOpenForBids(manager, proposal.problem_id, receivedMark);
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
      const latest = (await this.versions(manager, proposalId)).at(-1) as VersionRow;
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

  async get(user: AuthUser, proposalId: string): Promise<ProposalView> {
    return this.dataSource.transaction(async (manager) => {
      const access = await this.authorizeRead(manager, user, proposalId);
      const opener = await this.openerFor(manager, access);
      const versions = await this.versions(manager, proposalId);
      const latest = versions[versions.length - 1];
      const [plain] = openParts(opener, keysOf(latest), versionAad(proposalId, latest.version), [
        { iv: latest.iv, tag: latest.auth_tag, ciphertext: latest.ciphertext },
      ]);
      const content = JSON.parse((plain as Buffer).toString('utf8')) as ProposalContent;
      if (receiptSha256(content) !== latest.content_sha256)
        throw new Error(`Proposal ${proposalId} v${latest.version} fails its receipt hash`);
      const attachments = await this.attachmentViews(
        manager,
        opener,
        proposalId,
        content.attachments.map((a) => a.id),
      );
      return {
        ...summaryOf(access.row, latest),
        content,
        attachments,
        receipts: versions.map((v) => receiptOf(proposalId, v)),
      };
    });
  }

  async receipts(user: AuthUser, proposalId: string): Promise<ProposalReceipts> {
    return this.dataSource.transaction(async (manager) => {
      const { row } = await this.authorizeRead(manager, user, proposalId);
      const versions = await this.versions(manager, proposalId);
      return {
        proposalId,
        problemId: row.problem_id,
        status: row.status,
        receipts: versions.map((v) => receiptOf(proposalId, v)),
      };
    });
  }

  /** A firm sees its own proposals for the problem; staff see all live ones, after the deadline only. */
  async listForProblem(
    user: AuthUser,
    problemId: string,
    query: { limit?: number; cursor?: string },
  ): Promise<Page<ProposalSummary>> {
    return this.dataSource.transaction(async (manager) => {
      const problem = await this.problem(manager, problemId);
      if (!problem) throw problemNotFound();
      if (user.role === 'enterprise') {
        if (problem.status === 'draft') throw problemNotFound();
        return this.summaries(manager, query, `p.problem_id = $1 AND p.enterprise_id = $2`, [problemId, firmOf(user)]);
      }
      if (!isOpened(problem.status, problem.past_deadline)) throw sealed();
      if (!(await this.mayReadOpened(manager, user, problem.id, problem.department_id))) {
        throw new AppError(ErrorCode.FORBIDDEN, { context: 'proposals' });
      }
      if (user.role === 'evaluator') {
        // The panel lists the firms it may open: declared, without a conflict.
        return this.summaries(
          manager,
          query,
          `p.problem_id = $1 AND p.status <> 'withdrawn' AND EXISTS (SELECT 1 FROM conflict_declarations cd
             WHERE cd.problem_id = p.problem_id AND cd.evaluator_id = $2 AND cd.enterprise_id = p.enterprise_id AND NOT cd.conflict)`,
          [problemId, user.id],
        );
      }
      return this.summaries(manager, query, `p.problem_id = $1 AND p.status <> 'withdrawn'`, [problemId]);
    });
  }

  async listMine(user: AuthUser, query: { limit?: number; cursor?: string }): Promise<Page<ProposalSummary>> {
    return this.summaries(this.dataSource.manager, query, `p.enterprise_id = $1`, [firmOf(user)]);
  }

  async uploadAttachment(
    user: AuthUser,
    problemId: string,
    file: { fileName?: string; bytes: Buffer },
    receivedMark: number = performance.now(),
  ): Promise<AttachmentView> {
    const enterpriseId = firmOf(user);
    const maxBytes = this.config.get('ATTACHMENT_MAX_BYTES');
    if (file.bytes.length > maxBytes) throw attachmentTooLarge(maxBytes);
    if (file.bytes.length === 0) throw new AppError(ErrorCode.VALIDATION_FAILED, { context: 'emptyFile' });
    const mediaType = sniffAttachmentType(file.bytes);
    if (!mediaType) {
      throw new AppError(ErrorCode.ATTACHMENT_TYPE_NOT_ALLOWED);
    }
    const fileName = cleanFileName(file.fileName);
    const sha256 = sha256Hex(file.bytes);
    const id = randomUUID();
    // The storage key says nothing about the problem or the firm.
    const storageKey = `attachments/${id.slice(0, 2)}/${id}`;
    let stored = false;
    try {
      return await this.transaction(async (manager) => {
        const problem = await this.problemOpenForBids(manager, problemId, receivedMark);
        await assertVerifiedEnterprise(manager, enterpriseId);
        const recipients = await this.keyring.recipientsFor(manager, problemId, enterpriseId);
        // Encrypted piece by piece into the store: the plaintext upload is the one whole copy in memory.
        const sealed = await sealFileStreamed(
          recipients,
          attachmentAad(id),
          file.bytes,
          Buffer.from(fileName, 'utf8'),
          (ciphertext) => this.blobs.put(storageKey, ciphertext),
        );
        stored = true;
        // The insert's deadline trigger re-checks at COMMIT.
        await manager.query(
          `INSERT INTO proposal_attachments (id, problem_id, enterprise_id, uploaded_by, file_name_ciphertext, media_type, size_bytes,
             content_sha256, storage_key, iv, auth_tag, key_for_problem, key_for_bidder, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
          [
            id,
            problemId,
            enterpriseId,
            user.id,
            pack(sealed.name),
            mediaType,
            file.bytes.length,
            sha256,
            storageKey,
            sealed.file.iv,
            sealed.file.tag,
            sealed.keys.keyForProblem,
            sealed.keys.keyForBidder,
            problem.received_at,
          ],
        );
        await this.audit.recordSealed(manager, bidsSeal(problemId), {
          actor: user,
          action: 'proposal.attachment_uploaded',
          entityType: 'proposal_attachment',
          entityId: id,
          after: { sha256 },
        });
        return { id, fileName, mediaType, sizeBytes: file.bytes.length, sha256 };
      });
    } catch (err) {
      if (stored) await this.blobs.delete(storageKey).catch(() => undefined);
      throw err;
    }
  }

  async downloadAttachment(user: AuthUser, proposalId: string, attachmentId: string): Promise<DownloadedAttachment> {
    return this.dataSource.transaction(async (manager) => {
      const access = await this.authorizeRead(manager, user, proposalId);
      const rows = await manager.query<AttachmentRow[]>(`SELECT * FROM proposal_attachments WHERE id = $1 AND proposal_id = $2`, [
        attachmentId,
        proposalId,
      ]);
      const row = rows[0];
      if (!row) throw new AppError(ErrorCode.ATTACHMENT_NOT_FOUND);
      const opener = await this.openerFor(manager, access);
      const opened = await openFileStreamed(
        opener,
        keysOf(row),
        attachmentAad(row.id),
        { iv: row.iv, tag: row.auth_tag, sizeBytes: Number(row.size_bytes), ciphertext: await this.blobs.open(row.storage_key) },
        unpack(row.file_name_ciphertext),
      );
      const { bytes, name } = opened;
      if (sha256Hex(bytes) !== row.content_sha256) throw new Error(`Attachment ${row.id} fails its hash`);
      return { fileName: name.toString('utf8'), mediaType: row.media_type, bytes };
    });
  }

  /**
   * The latest version of every live proposal of a problem, decrypted with the problem key (so
   * only after the deadline: openProblemKey refuses before it). For ranking and the award, which
   * need each bid's price and the time of its final submission.
   */
  async openLatestVersions(manager: EntityManager, problemId: string): Promise<OpenedVersion[]> {
    const opener = await this.keyring.openProblemKey(manager, problemId);
    const rows = await manager.query<(VersionRow & { proposal_id: string; enterprise_id: string; submitted_at_raw: Date })[]>(
      `SELECT p.id AS proposal_id, p.enterprise_id, v.version, ${cityTime('v.submitted_at')} AS submitted_at, v.submitted_at AS submitted_at_raw,
              v.content_sha256, v.ciphertext, v.iv, v.auth_tag, v.key_for_problem, v.key_for_bidder
       FROM proposals p JOIN proposal_versions v ON v.proposal_id = p.id AND v.version = p.current_version
       WHERE p.problem_id = $1 AND p.status <> 'withdrawn' ORDER BY p.created_at, p.id`,
      [problemId],
    );
    return rows.map((r) => {
      const [plain] = openParts(opener, keysOf(r), versionAad(r.proposal_id, r.version), [
        { iv: r.iv, tag: r.auth_tag, ciphertext: r.ciphertext },
      ]);
      const content = JSON.parse((plain as Buffer).toString('utf8')) as ProposalContent;
      if (receiptSha256(content) !== r.content_sha256)
        throw new Error(`Proposal ${r.proposal_id} v${r.version} fails its receipt hash`);
      return {
        proposalId: r.proposal_id,
        enterpriseId: r.enterprise_id,
        version: r.version,
        submittedAt: r.submitted_at_raw,
        content,
      };
    });
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * Who, besides the firm, may read a problem's proposals once they are opened: admins, the
   * department's officers, and the members of its panel (per firm, see assertEvaluatorMayRead).
   */
  private async mayReadOpened(manager: EntityManager, user: AuthUser, problemId: string, departmentId: string): Promise<boolean> {
    switch (user.role) {
      case 'admin':
        return true;
      case 'officer':
        return user.organizationId === departmentId;
      case 'evaluator':
        if (!(await isOnPanel(manager, problemId, user.id))) throw notOnPanel();
        return true;
      case 'enterprise':
        return false;
    }
  }

  /**
   * The firm reads its own proposal at any time; anyone else learns nothing before the deadline
   * (PROPOSAL_SEALED for staff, and another firm cannot tell the proposal from a missing one).
   */
  private async authorizeRead(manager: EntityManager, user: AuthUser, proposalId: string): Promise<ReadAccess> {
    const rows = await manager.query<ProposalAccessRow[]>(
      `SELECT p.id, p.problem_id, pr.title AS problem_title, pr.department_id, pr.status AS problem_status,
              ${openedByClockSql('pr')} AS past_deadline, pr.amendment_count, p.enterprise_id, e.legal_name, p.status, p.current_version,
              p.confirmed_amendment, ${cityTime('p.withdrawn_at')} AS withdrawn_at
       FROM proposals p JOIN problems pr ON pr.id = p.problem_id JOIN enterprises e ON e.id = p.enterprise_id
       WHERE p.id = $1`,
      [proposalId],
    );
    const row = rows[0];
    if (user.role === 'enterprise') {
      if (!row || row.enterprise_id !== user.organizationId) throw proposalNotFound();
      return { row, as: 'firm' };
    }
    if (!row) throw proposalNotFound();
    if (!isOpened(row.problem_status, row.past_deadline)) throw sealed();
    if (!(await this.mayReadOpened(manager, user, row.problem_id, row.department_id))) {
      throw new AppError(ErrorCode.FORBIDDEN, { context: 'proposals' });
    }
    // A withdrawn bid never counted; it stays closed.
    if (row.status === 'withdrawn') throw proposalNotFound();
    if (user.role === 'evaluator') await assertEvaluatorMayRead(manager, row.problem_id, user.id, row.enterprise_id);
    return { row, as: 'staff' };
  }

  private async openerFor(manager: EntityManager, access: ReadAccess): Promise<DataKeyOpener> {
    return access.as === 'firm'
      ? this.keyring.bidderOpener(access.row.enterprise_id)
      : this.keyring.openProblemKey(manager, access.row.problem_id);
  }

  private async problem(manager: EntityManager, problemId: string): Promise<ProblemRow | undefined> {
    const rows = await manager.query<ProblemRow[]>(
      `SELECT id, department_id, status, title, ${openedByClockSql('p')} AS past_deadline FROM problems p WHERE id = $1`,
      [problemId],
    );
    return rows[0];
  }

  /**
   * Up-front check, by the time the request was received: the database clock now, less the time
   * the request has waited in this process since it fully arrived (for a connection, behind
   * locks). A request received before the deadline is accepted if it commits within the
   * problem's grace; the deferred trigger checks both again at COMMIT.
   */
  private async problemOpenForBids(manager: EntityManager, problemId: string, receivedMark: number): Promise<BiddableProblem> {
    const waitedSeconds = Math.max(0, performance.now() - receivedMark) / 1000;
    const rows = await manager.query<BiddableProblem[]>(
      `SELECT p.id, p.department_id, p.status, p.title, p.amendment_count, r.received_at,
              r.received_at >= p.deadline AS past_deadline
       FROM problems p, (SELECT clock_timestamp() - make_interval(secs => $2) AS received_at) r
       WHERE p.id = $1`,
      [problemId, waitedSeconds],
    );
    const problem = rows[0];
    if (!problem || problem.status === 'draft') throw problemNotFound();
    if (problem.status === 'cancelled') throw new AppError(ErrorCode.PROBLEM_NOT_OPEN, { context: 'cancelled' });
    if (problem.status !== 'published' || problem.past_deadline) throw deadlinePassed();
    return problem;
  }

  private async ownProposalForUpdate(
    manager: EntityManager,
    enterpriseId: string,
    proposalId: string,
  ): Promise<{ problem_id: string; status: string; current_version: number }> {
    const rows = await manager.query<{ problem_id: string; status: string; current_version: number }[]>(
      `SELECT problem_id, status, current_version FROM proposals WHERE id = $1 AND enterprise_id = $2 FOR UPDATE`,
      [proposalId, enterpriseId],
    );
    if (!rows[0]) throw proposalNotFound();
    return rows[0];
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

  private async versions(manager: EntityManager, proposalId: string): Promise<VersionRow[]> {
    return manager.query<VersionRow[]>(
      `SELECT version, ${cityTime('submitted_at')} AS submitted_at, content_sha256, amendment_number, ciphertext, iv, auth_tag,
              key_for_problem, key_for_bidder
       FROM proposal_versions WHERE proposal_id = $1 ORDER BY version`,
      [proposalId],
    );
  }

  private async attachmentViews(
    manager: EntityManager,
    opener: DataKeyOpener,
    proposalId: string,
    ids: string[],
  ): Promise<(AttachmentView & { version: number | null })[]> {
    if (ids.length === 0) return [];
    const rows = await manager.query<AttachmentRow[]>(
      `SELECT * FROM proposal_attachments WHERE id = ANY($1::uuid[]) AND proposal_id = $2`,
      [ids, proposalId],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.flatMap((id) => {
      const row = byId.get(id);
      if (!row) return [];
      const [, name] = openParts(opener, keysOf(row), attachmentAad(row.id), [null, unpack(row.file_name_ciphertext)]);
      return [
        {
          id: row.id,
          fileName: (name as Buffer).toString('utf8'),
          mediaType: row.media_type,
          sizeBytes: row.size_bytes,
          sha256: row.content_sha256,
          version: row.version,
        },
      ];
    });
  }

  private async summaries(
    manager: EntityManager,
    query: { limit?: number; cursor?: string },
    where: string,
    params: unknown[],
  ): Promise<Page<ProposalSummary>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const after = decodeCursor<{ at: string; id: string }>(query.cursor, ['at', 'id']);
    const values = [...params];
    let clause = where;
    if (after) {
      values.push(after.at, after.id);
      clause += ` AND (p.created_at, p.id) < ($${values.length - 1}::timestamptz, $${values.length}::uuid)`;
    }
    values.push(limit + 1);
    const rows = await manager.query<SummaryRow[]>(
      `SELECT p.id, p.problem_id, pr.title AS problem_title, p.enterprise_id, e.legal_name, p.status, p.current_version,
              pr.amendment_count, p.confirmed_amendment, ${cityTime('p.withdrawn_at')} AS withdrawn_at,
              ${cityTime('v.submitted_at')} AS submitted_at, v.content_sha256, v.amendment_number, p.created_at::text AS cursor_at
       FROM proposals p
       JOIN problems pr ON pr.id = p.problem_id
       JOIN enterprises e ON e.id = p.enterprise_id
       JOIN proposal_versions v ON v.proposal_id = p.id AND v.version = p.current_version
       WHERE ${clause}
       ORDER BY p.created_at DESC, p.id DESC
       LIMIT $${values.length}`,
      values,
    );
    return toPage(
      rows,
      limit,
      (r) => ({ at: r.cursor_at, id: r.id }),
      (r) =>
        summaryOf(r, {
          version: r.current_version,
          submitted_at: r.submitted_at,
          content_sha256: r.content_sha256,
          amendment_number: r.amendment_number,
        }),
    );
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

  /** One transaction; the deadline trigger's refusal at COMMIT becomes the same error as the up-front check. */
  private async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.dataSource.transaction(work);
    } catch (err) {
      throw translateDatabaseError(err);
    }
  }
}

function firmOf(user: AuthUser): string {
  if (user.role !== 'enterprise' || !user.organizationId) {
    throw new AppError(ErrorCode.ROLE_FORBIDDEN, { context: 'enterpriseOnly' });
  }
  return user.organizationId;
}

function deadlinePassed(): AppError {
  return new AppError(ErrorCode.PROPOSAL_DEADLINE_PASSED);
}

function proposalExists(proposalId?: string): AppError {
  return new AppError(
    ErrorCode.PROPOSAL_EXISTS,
    {},
    proposalId ? { proposalId, revise: `PUT /api/v1/proposals/${proposalId}` } : undefined,
  );
}

function attachmentTooLarge(maxBytes: number): AppError {
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

function keysOf(row: { key_for_problem: Buffer; key_for_bidder: Buffer }) {
  return { keyForProblem: row.key_for_problem, keyForBidder: row.key_for_bidder };
}

function receiptOf(
  proposalId: string,
  v: Pick<VersionRow, 'version' | 'submitted_at' | 'content_sha256' | 'amendment_number'>,
): Receipt {
  return {
    proposalId,
    version: v.version,
    submittedAt: v.submitted_at,
    sha256: v.content_sha256,
    amendmentNumber: v.amendment_number,
  };
}

function bidsSeal(problemId: string): Seal {
  return { scope: 'bids', ref: problemId };
}

function summaryOf(
  row: Pick<
    ProposalAccessRow,
    | 'id'
    | 'problem_id'
    | 'problem_title'
    | 'enterprise_id'
    | 'legal_name'
    | 'status'
    | 'amendment_count'
    | 'confirmed_amendment'
    | 'withdrawn_at'
  >,
  latest: Pick<VersionRow, 'version' | 'submitted_at' | 'content_sha256' | 'amendment_number'>,
): ProposalSummary {
  const confirmedAmendment = Math.max(latest.amendment_number, row.confirmed_amendment);
  return {
    id: row.id,
    problemId: row.problem_id,
    problemTitle: row.problem_title,
    enterprise: { id: row.enterprise_id, legalName: row.legal_name },
    status: row.status,
    version: latest.version,
    submittedAt: latest.submitted_at,
    sha256: latest.content_sha256,
    madeAgainstAmendment: latest.amendment_number,
    confirmedAmendment,
    latestAmendment: row.amendment_count,
    needsConfirmation: row.status !== 'withdrawn' && confirmedAmendment < row.amendment_count,
    withdrawnAt: row.withdrawn_at,
  };
}
