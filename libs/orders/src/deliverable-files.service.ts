import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { sql } from 'kysely';
import { DataSource, EntityManager } from 'typeorm';
import {
  AppError,
  AuthUser,
  downloadableFile,
  ErrorCode,
  IncomingFile,
  STORED_FILE_COLUMNS,
  StoredFileRow,
  storedFileValues,
  storedFileView,
} from '@app/common';
import { AuditService } from '@app/audit';
import { db } from '@app/database';
import type { Viewer } from '@app/problems';
import { DeliverableFileList, DeliverableFileView } from './dto/deliverable-file.dto';
import { MAX_DELIVERABLE_FILES } from './order.constants';
import { findOrder, isOrderFirm, isOrderParty, assertFirm } from './order-records';
import type { Order, OrderMilestone } from './order-rows';
import { selectMilestones } from './order-rows';

/** The milestone statuses in which the firm prepares a round: the first one, or the next after a return. */
const ROUND_IN_PREPARATION: readonly OrderMilestone['status'][] = ['open', 'returned'];

type FileRow = StoredFileRow & { round: number | null };

const fileView = (r: FileRow): DeliverableFileView => ({ ...storedFileView(r), round: r.round });

/**
 * The files of a milestone's deliverable. The firm uploads them while it prepares a round (the
 * milestone open, or returned for another round) and may remove them until it submits; submitting
 * binds them to that round, after which they never change. The department sees a round's files once
 * submitted; the firm also sees the round it is preparing. Nobody else sees them (not public: a
 * deliverable may carry citizens' personal data). Uploads, removals and the staff's downloads are audited.
 */
@Injectable()
export class DeliverableFilesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async add(actor: AuthUser, orderId: string, milestoneId: string, file: IncomingFile): Promise<DeliverableFileView> {
    return this.dataSource.transaction(async (manager) => {
      const { order, milestone } = await this.preparing(manager, actor, orderId, milestoneId);
      const { count } = await db(manager)
        .selectFrom('deliverable_files')
        .select(sql<number>`count(*)::int`.as('count'))
        .where('milestone_id', '=', milestoneId)
        .where('submission_id', 'is', null)
        .executeTakeFirstOrThrow();
      const values = storedFileValues(file, actor.id, {
        count,
        max: MAX_DELIVERABLE_FILES,
        full: ErrorCode.DELIVERABLE_FILES_FULL,
      });
      const saved = await db(manager)
        .insertInto('deliverable_files')
        .values({ milestone_id: milestoneId, ...values })
        .returning(STORED_FILE_COLUMNS)
        .executeTakeFirstOrThrow();
      const view = fileView({ ...saved, round: null });
      await this.audit.record(manager, {
        actor,
        action: 'milestone.file_added',
        entityType: 'order',
        entityId: order.id,
        after: { milestone: milestone.number, file: view },
      });
      return view;
    });
  }

  async remove(actor: AuthUser, orderId: string, milestoneId: string, fileId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const { order, milestone } = await this.preparing(manager, actor, orderId, milestoneId);
      const removed = await db(manager)
        .deleteFrom('deliverable_files')
        .where('id', '=', fileId)
        .where('milestone_id', '=', milestoneId)
        .where('submission_id', 'is', null)
        .returning(STORED_FILE_COLUMNS)
        .executeTakeFirst();
      if (!removed) throw new AppError(ErrorCode.ATTACHMENT_NOT_FOUND);
      await this.audit.record(manager, {
        actor,
        action: 'milestone.file_removed',
        entityType: 'order',
        entityId: order.id,
        before: { milestone: milestone.number, file: fileView({ ...removed, round: null }) },
      });
    });
  }

  /** A milestone's files, by round then upload: what `viewer` may see of them. */
  async list(viewer: Viewer, orderId: string, milestoneId: string): Promise<DeliverableFileList> {
    const manager = this.dataSource.manager;
    const { order } = await this.load(manager, orderId, milestoneId);
    if (!isOrderParty(viewer, order)) throw new AppError(ErrorCode.ORDER_FORBIDDEN, { context: 'party' });
    const rows = await this.rows(manager, { milestoneId, withPreparing: isOrderFirm(viewer, order) });
    return { items: rows.map(fileView) };
  }

  async download(
    viewer: Viewer,
    orderId: string,
    milestoneId: string,
    fileId: string,
  ): Promise<DeliverableFileView & { bytes: Buffer }> {
    return this.dataSource.transaction(async (manager) => {
      const { order, milestone } = await this.load(manager, orderId, milestoneId);
      if (!viewer || !isOrderParty(viewer, order)) throw new AppError(ErrorCode.ORDER_FORBIDDEN, { context: 'party' });
      let q = db(manager)
        .selectFrom('deliverable_files as f')
        .leftJoin('milestone_submissions as s', 's.id', 'f.submission_id')
        .select(['f.id', 'f.file_name', 'f.media_type', 'f.size_bytes', 'f.sha256', 'f.created_at', 'f.content', 's.round'])
        .where('f.id', '=', fileId)
        .where('f.milestone_id', '=', milestoneId);
      // A round in preparation is the firm's own until it submits it.
      if (!isOrderFirm(viewer, order)) q = q.where('f.submission_id', 'is not', null);
      const row = await q.executeTakeFirst();
      const file = { ...downloadableFile(row), round: row?.round ?? null };
      if (viewer.role !== 'enterprise') {
        await this.audit.record(manager, {
          actor: viewer,
          action: 'milestone.file_downloaded',
          entityType: 'order',
          entityId: order.id,
          after: { milestone: milestone.number, file: { ...file, bytes: undefined } },
        });
      }
      return file;
    });
  }

  /** The order's firm, the order running and the milestone's round in preparation (row locked), or why not. */
  private async preparing(
    manager: EntityManager,
    actor: AuthUser,
    orderId: string,
    milestoneId: string,
  ): Promise<{ order: Order; milestone: OrderMilestone }> {
    const { order, milestone } = await this.load(manager, orderId, milestoneId, true);
    assertFirm(actor, order);
    if (order.status !== 'in_progress')
      throw new AppError(ErrorCode.ORDER_STATUS_CONFLICT, { context: order.status }, { status: order.status });
    if (!ROUND_IN_PREPARATION.includes(milestone.status)) {
      throw new AppError(
        ErrorCode.MILESTONE_STATUS_CONFLICT,
        { context: milestone.status },
        { status: milestone.status, allowedFrom: ROUND_IN_PREPARATION },
      );
    }
    return { order, milestone };
  }

  private async load(
    manager: EntityManager,
    orderId: string,
    milestoneId: string,
    lock = false,
  ): Promise<{ order: Order; milestone: OrderMilestone }> {
    const order = await findOrder(manager, orderId, lock);
    const [milestone] = await selectMilestones(manager, { orderId, id: milestoneId });
    if (!milestone) throw new AppError(ErrorCode.MILESTONE_NOT_FOUND);
    return { order, milestone };
  }

  private rows(manager: EntityManager, where: { milestoneId: string; withPreparing: boolean }): Promise<FileRow[]> {
    let q = db(manager)
      .selectFrom('deliverable_files as f')
      .leftJoin('milestone_submissions as s', 's.id', 'f.submission_id')
      .select(['f.id', 'f.file_name', 'f.media_type', 'f.size_bytes', 'f.sha256', 'f.created_at', 's.round'])
      .where('f.milestone_id', '=', where.milestoneId);
    if (!where.withPreparing) q = q.where('f.submission_id', 'is not', null);
    return q
      .orderBy(sql`s.round nulls last`)
      .orderBy('f.created_at')
      .orderBy('f.id')
      .execute();
  }
}

/**
 * Binds the files of the round in preparation to the round just submitted (in the submission's
 * transaction) and returns their descriptions, for the submission's audit entry.
 */
export async function bindPreparedFiles(
  manager: EntityManager,
  milestoneId: string,
  submissionId: string,
): Promise<{ fileName: string; sha256: string }[]> {
  const bound = await db(manager)
    .updateTable('deliverable_files')
    .set({ submission_id: submissionId })
    .where('milestone_id', '=', milestoneId)
    .where('submission_id', 'is', null)
    .returning(['file_name', 'sha256', 'created_at', 'id'])
    .execute();
  return bound
    .sort((a, b) => a.created_at.getTime() - b.created_at.getTime() || a.id.localeCompare(b.id))
    .map((f) => ({ fileName: f.file_name, sha256: f.sha256 }));
}

/** The files of the given rounds, by submission id, oldest first. */
export async function filesOfRounds(
  manager: EntityManager,
  submissionIds: string[],
): Promise<Map<string, DeliverableFileView[]>> {
  const bySubmission = new Map<string, DeliverableFileView[]>();
  if (submissionIds.length === 0) return bySubmission;
  const rows = await db(manager)
    .selectFrom('deliverable_files as f')
    .innerJoin('milestone_submissions as s', 's.id', 'f.submission_id')
    .select([
      'f.id',
      'f.file_name',
      'f.media_type',
      'f.size_bytes',
      'f.sha256',
      'f.created_at',
      's.round',
      's.id as submissionId',
    ])
    .where('f.submission_id', 'in', submissionIds)
    .orderBy('f.created_at')
    .orderBy('f.id')
    .execute();
  for (const r of rows) bySubmission.set(r.submissionId, [...(bySubmission.get(r.submissionId) ?? []), fileView(r)]);
  return bySubmission;
}
