import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { sql } from 'kysely';
import { DataSource, EntityManager } from 'typeorm';
import { db } from '@app/database';
import { AppError, AuthUser, decodeCursor, DEFAULT_PAGE_SIZE, ErrorCode, Page, toPage } from '@app/common';

import { DataKeyOpener, openParts, unpack } from './crypto/crypto-envelope';
import { SealedKeyring } from './crypto/sealed-keyring';
import { ProposalContent, receiptSha256 } from './receipt';
import { attachmentAad, versionAad } from './sealed-content';
import { assertEvaluatorMayRead, isOnPanel, notOnPanel } from './evaluator-access';
import { isOpened, openedByClock } from './sealing';
import { AttachmentView, keysOf, ProposalReceipts, ProposalSummary, ProposalView, receiptOf, summaryOf } from './proposal-views';
import {
  cityTime,
  firmOf,
  problemNotFound,
  ProblemRow,
  ProposalAccessRow,
  proposalNotFound,
  ReadAccess,
  sealed,
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
      const [plain] = openParts(opener, keysOf(latest!), versionAad(proposalId, latest!.version), [
        { iv: latest!.iv, tag: latest!.auth_tag, ciphertext: latest!.ciphertext },
      ]);
      const content = JSON.parse((plain as Buffer).toString('utf8')) as ProposalContent;
      if (receiptSha256(content) !== latest!.content_sha256)
        throw new Error(`Proposal ${proposalId} v${latest!.version} fails its receipt hash`);
      const attachments = await this.attachmentViews(
        manager,
        opener,
        proposalId,
        content.attachments.map((a) => a.id),
      );
      return {
        ...summaryOf(access.row, latest!),
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
        return this.summaries(manager, query, { problemId, enterpriseId: firmOf(user) });
      }
      if (!isOpened(problem.status, problem.past_deadline)) throw sealed();
      if (!(await this.mayReadOpened(manager, user, problem.id, problem.department_id))) {
        throw new AppError(ErrorCode.FORBIDDEN, { context: 'proposals' });
      }
      if (user.role === 'evaluator') {
        // The panel lists the firms it may open: declared, without a conflict.
        return this.summaries(manager, query, { problemId, live: true, clearedFor: user.id });
      }
      return this.summaries(manager, query, { problemId, live: true });
    });
  }

  async listMine(user: AuthUser, query: { limit?: number; cursor?: string }): Promise<Page<ProposalSummary>> {
    return this.summaries(this.dataSource.manager, query, { enterpriseId: firmOf(user) });
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
    const row: ProposalAccessRow | undefined = await db(manager)
      .selectFrom('proposals as p')
      .innerJoin('problems as pr', 'pr.id', 'p.problem_id')
      .innerJoin('enterprises as e', 'e.id', 'p.enterprise_id')
      .select([
        'p.id',
        'p.problem_id',
        'pr.title as problem_title',
        'pr.department_id',
        'pr.status as problem_status',
        openedByClock('pr').as('past_deadline'),
        'pr.amendment_count',
        'p.enterprise_id',
        'e.legal_name',
        'p.status',
        'p.current_version',
        'p.confirmed_amendment',
        cityTime<string | null>('p.withdrawn_at').as('withdrawn_at'),
      ])
      .where('p.id', '=', proposalId)
      .executeTakeFirst();
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
    return db(manager)
      .selectFrom('problems as p')
      .select(['p.id', 'p.department_id', 'p.status', 'p.title', openedByClock('p').as('past_deadline')])
      .where('p.id', '=', problemId)
      .executeTakeFirst();
  }

  private async attachmentViews(
    manager: EntityManager,
    opener: DataKeyOpener,
    proposalId: string,
    ids: string[],
  ): Promise<(AttachmentView & { version: number | null })[]> {
    if (ids.length === 0) return [];
    const rows = await db(manager)
      .selectFrom('proposal_attachments')
      .selectAll()
      .where('id', 'in', ids)
      .where('proposal_id', '=', proposalId)
      .execute();
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

  /**
   * One page of summaries, newest first: of one problem and/or one firm, `live` leaving out
   * withdrawn bids, `clearedFor` keeping the firms that evaluator has declared no conflict with.
   */
  private async summaries(
    manager: EntityManager,
    query: { limit?: number; cursor?: string },
    filter: { problemId?: string; enterpriseId?: string; live?: boolean; clearedFor?: string },
  ): Promise<Page<ProposalSummary>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const after = decodeCursor<{ at: string; id: string }>(query.cursor, ['at', 'id']);
    const { problemId, enterpriseId, clearedFor } = filter;
    const rows = await db(manager)
      .selectFrom('proposals as p')
      .innerJoin('problems as pr', 'pr.id', 'p.problem_id')
      .innerJoin('enterprises as e', 'e.id', 'p.enterprise_id')
      .innerJoin('proposal_versions as v', (j) =>
        j.onRef('v.proposal_id', '=', 'p.id').onRef('v.version', '=', 'p.current_version'),
      )
      .select([
        'p.id',
        'p.problem_id',
        'pr.title as problem_title',
        'p.enterprise_id',
        'e.legal_name',
        'p.status',
        'p.current_version',
        'pr.amendment_count',
        'p.confirmed_amendment',
        cityTime<string | null>('p.withdrawn_at').as('withdrawn_at'),
        cityTime('v.submitted_at').as('submitted_at'),
        'v.content_sha256',
        'v.amendment_number',
        sql<string>`${sql.ref('p.created_at')}::text`.as('cursor_at'),
      ])
      .$if(problemId !== undefined, (q) => q.where('p.problem_id', '=', problemId as string))
      .$if(enterpriseId !== undefined, (q) => q.where('p.enterprise_id', '=', enterpriseId as string))
      .$if(filter.live === true, (q) => q.where('p.status', '<>', 'withdrawn'))
      .$if(clearedFor !== undefined, (q) =>
        q.where((eb) =>
          eb.exists(
            eb
              .selectFrom('conflict_declarations as cd')
              .select('cd.conflict')
              .whereRef('cd.problem_id', '=', 'p.problem_id')
              .where('cd.evaluator_id', '=', clearedFor as string)
              .whereRef('cd.enterprise_id', '=', 'p.enterprise_id')
              .where('cd.conflict', '=', false),
          ),
        ),
      )
      .$if(after !== undefined && after !== null, (q) =>
        q.where(sql<boolean>`(${sql.ref('p.created_at')}, ${sql.ref('p.id')}) < (${after?.at}::timestamptz, ${after?.id}::uuid)`),
      )
      .orderBy('p.created_at', 'desc')
      .orderBy('p.id', 'desc')
      .limit(limit + 1)
      .execute();
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
