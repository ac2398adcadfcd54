import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppError, AuthUser, decodeCursor, DEFAULT_PAGE_SIZE, ErrorCode, Page, toPage } from '@app/common';

import { DataKeyOpener, openParts, unpack } from './crypto/crypto-envelope';
import { SealedKeyring } from './crypto/sealed-keyring';
import { ProposalContent, receiptSha256 } from './receipt';
import { attachmentAad, versionAad } from './sealed-content';
import { assertEvaluatorMayRead, isOnPanel, notOnPanel } from './evaluator-access';
import { isOpened, openedByClockSql } from './sealing';
import { AttachmentView, keysOf, ProposalReceipts, ProposalSummary, ProposalView, receiptOf, summaryOf } from './proposal-views';
import {
  AttachmentRow,
  cityTime,
  firmOf,
  problemNotFound,
  ProblemRow,
  ProposalAccessRow,
  proposalNotFound,
  ReadAccess,
  sealed,
  SummaryRow,
  versionsOf,
} from './proposal-records';

/**
 * Reading proposals with the access rules: the firm reads its own at any time; the department,
 * admins and the panel (evaluators per firm, after declaring no conflict) only once opened.
 */
@Injectable()
export class ProposalReadingService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly keyring: SealedKeyring,
  ) {}

  async get(user: AuthUser, proposalId: string): Promise<ProposalView> {
    return this.dataSource.transaction(async (manager) => {
      const access = await this.authorizeRead(manager, user, proposalId);
      const opener = await this.openerFor(manager, access);
      const versions = await versionsOf(manager, proposalId);
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
      const versions = await versionsOf(manager, proposalId);
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
  async authorizeRead(manager: EntityManager, user: AuthUser, proposalId: string): Promise<ReadAccess> {
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

  async openerFor(manager: EntityManager, access: ReadAccess): Promise<DataKeyOpener> {
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
}
