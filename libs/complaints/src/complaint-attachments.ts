import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  AppError,
  AuthUser,
  cityIso,
  downloadableFile,
  ErrorCode,
  IncomingFile,
  STORED_FILE_COLUMNS,
  storedFileValues,
  storedFileView,
} from '@app/common';
import { sql } from 'kysely';
import { AuditService } from '@app/audit';
import { db } from '@app/database';
import { findProblem, Viewer } from '@app/problems';
import { PENDING_COMPLAINT_STATUSES } from './complaint.constants';
import { findComplaint, isParty, notFound } from './complaints.service';
import { ComplaintAttachmentView } from './dto/complaint.dto';
import { MAX_COMPLAINT_ATTACHMENTS } from './complaint-attachment-rows';
import { StandstillService } from './standstill.service';

/**
 * The evidence of a complaint: its firm attaches files while the complaint is pending and the
 * standstill still runs (what arrives after the period is as late as a complaint would be); they are
 * read by the complaint's parties only, also once it is decided and public (see toViews).
 */
@Injectable()
export class ComplaintAttachmentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly standstill: StandstillService,
    private readonly audit: AuditService,
  ) {}

  async add(actor: AuthUser, complaintId: string, file: IncomingFile): Promise<ComplaintAttachmentView> {
    return this.dataSource.transaction(async (manager) => {
      const peek = await findComplaint(manager, complaintId);
      if (!isParty(actor, peek)) throw notFound();
      // The problem row's lock serialises this with the reviewing body's decision, as filing is.
      await findProblem(manager, peek.problem_id, true);
      const row = await findComplaint(manager, complaintId, true);
      if (actor.role !== 'enterprise' || actor.organizationId !== row.enterprise_id) {
        throw new AppError(ErrorCode.COMPLAINT_FORBIDDEN, { context: 'complainant' });
      }
      if (!PENDING_COMPLAINT_STATUSES.includes(row.status)) {
        throw new AppError(ErrorCode.COMPLAINT_STATUS_CONFLICT, { context: 'attach' }, { status: row.status });
      }
      const s = await this.standstill.of(manager, row.problem_id);
      if (!s || !s.open || s.decision.decidedAt.getTime() !== row.decided_at.getTime()) {
        const endsAt = s ? cityIso(s.endsAt) : null;
        throw new AppError(ErrorCode.COMPLAINT_PERIOD_CLOSED, endsAt ? { endsAt } : { context: 'noDecision' }, { endsAt });
      }
      const { count } = await db(manager)
        .selectFrom('complaint_attachments')
        .select(sql<number>`count(*)::int`.as('count'))
        .where('complaint_id', '=', complaintId)
        .executeTakeFirstOrThrow();
      const values = storedFileValues(file, actor.id, {
        count,
        max: MAX_COMPLAINT_ATTACHMENTS,
        full: ErrorCode.COMPLAINT_ATTACHMENTS_FULL,
      });
      const saved = await db(manager)
        .insertInto('complaint_attachments')
        .values({ complaint_id: complaintId, ...values })
        .returning(STORED_FILE_COLUMNS)
        .executeTakeFirstOrThrow();
      const view: ComplaintAttachmentView = storedFileView(saved);
      await this.audit.record(manager, {
        actor,
        action: 'complaint.attachment_added',
        entityType: 'complaint',
        entityId: complaintId,
        after: { attachment: view },
      });
      return view;
    });
  }

  async download(
    viewer: Viewer,
    complaintId: string,
    attachmentId: string,
  ): Promise<ComplaintAttachmentView & { bytes: Buffer }> {
    const manager = this.dataSource.manager;
    const complaint = await findComplaint(manager, complaintId);
    if (!isParty(viewer, complaint)) throw notFound();
    const row = await db(manager)
      .selectFrom('complaint_attachments')
      .select([...STORED_FILE_COLUMNS, 'content'])
      .where('id', '=', attachmentId)
      .where('complaint_id', '=', complaintId)
      .executeTakeFirst();
    return downloadableFile(row);
  }
}
