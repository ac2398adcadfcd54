import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { sql } from 'kysely';
import { DataSource } from 'typeorm';
import { AppError, AuthUser, cityIso, ErrorCode, sha256Hex } from '@app/common';
import { AuditService } from '@app/audit';
import { db } from '@app/database';
import { assertDepartmentOfficer, assertVisible, findProblem, Viewer } from '../problem-access';

/** At most this many documents per problem: enough for terms, data samples and maps. */
export const MAX_PROBLEM_DOCUMENTS = 20;

export class ProblemDocumentView {
  id: string;
  fileName: string;
  /** Decided by the bytes, never by the name (PDF, DOCX, XLSX, ZIP, PNG, JPEG). */
  mediaType: string;
  sizeBytes: number;
  sha256: string;
  uploadedAt: string;
}

/** The columns a document's view is made of (not the bytes: only a download needs them). */
const VIEW_COLUMNS = ['id', 'file_name', 'media_type', 'size_bytes', 'sha256', 'created_at'] as const;

const toView = (d: {
  id: string;
  file_name: string;
  media_type: string;
  size_bytes: number;
  sha256: string;
  created_at: Date;
}): ProblemDocumentView => ({
  id: d.id,
  fileName: d.file_name,
  mediaType: d.media_type,
  sizeBytes: d.size_bytes,
  sha256: d.sha256,
  uploadedAt: cityIso(d.created_at),
});

/**
 * A problem's documents: its department's officers attach and remove them while it is a draft;
 * published with it, they are frozen (what changes later is said by a numbered amendment) and
 * anyone may read them. A draft's documents are as hidden as the draft.
 */
@Injectable()
export class ProblemDocumentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async add(
    actor: AuthUser,
    problemId: string,
    file: { fileName: string; mediaType: string | null; bytes: Buffer },
  ): Promise<ProblemDocumentView> {
    return this.dataSource.transaction(async (manager) => {
      const problem = await findProblem(manager, problemId, true);
      assertVisible(actor, problem);
      assertDepartmentOfficer(actor, problem, 'edit');
      if (problem.status !== 'draft') throw new AppError(ErrorCode.PROBLEM_NOT_EDITABLE, {}, { status: problem.status });
      if (!file.mediaType) throw new AppError(ErrorCode.ATTACHMENT_TYPE_NOT_ALLOWED);
      const { count } = await db(manager)
        .selectFrom('problem_documents')
        .select(sql<number>`count(*)::int`.as('count'))
        .where('problem_id', '=', problemId)
        .executeTakeFirstOrThrow();
      if (count >= MAX_PROBLEM_DOCUMENTS) {
        throw new AppError(ErrorCode.PROBLEM_DOCUMENTS_FULL, { max: MAX_PROBLEM_DOCUMENTS }, { max: MAX_PROBLEM_DOCUMENTS });
      }
      const saved = await db(manager)
        .insertInto('problem_documents')
        .values({
          problem_id: problemId,
          file_name: file.fileName,
          media_type: file.mediaType,
          size_bytes: file.bytes.length,
          sha256: sha256Hex(file.bytes),
          content: file.bytes,
          uploaded_by: actor.id,
        })
        .returning(VIEW_COLUMNS)
        .executeTakeFirstOrThrow();
      const view = toView(saved);
      await this.audit.record(manager, {
        actor,
        action: 'problem.document_added',
        entityType: 'problem',
        entityId: problemId,
        after: { document: view },
      });
      return view;
    });
  }

  async list(viewer: Viewer, problemId: string): Promise<ProblemDocumentView[]> {
    const problem = await findProblem(this.dataSource.manager, problemId);
    assertVisible(viewer, problem);
    const rows = await db(this.dataSource)
      .selectFrom('problem_documents')
      .select(VIEW_COLUMNS)
      .where('problem_id', '=', problemId)
      .orderBy('created_at', 'asc')
      .orderBy('id', 'asc')
      .execute();
    return rows.map(toView);
  }

  async download(viewer: Viewer, problemId: string, documentId: string): Promise<ProblemDocumentView & { bytes: Buffer }> {
    const problem = await findProblem(this.dataSource.manager, problemId);
    assertVisible(viewer, problem);
    const doc = await db(this.dataSource)
      .selectFrom('problem_documents')
      .select([...VIEW_COLUMNS, 'content'])
      .where('id', '=', documentId)
      .where('problem_id', '=', problemId)
      .executeTakeFirst();
    if (!doc) throw new AppError(ErrorCode.ATTACHMENT_NOT_FOUND);
    return { ...toView(doc), bytes: doc.content };
  }

  async remove(actor: AuthUser, problemId: string, documentId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const problem = await findProblem(manager, problemId, true);
      assertVisible(actor, problem);
      assertDepartmentOfficer(actor, problem, 'edit');
      if (problem.status !== 'draft') throw new AppError(ErrorCode.PROBLEM_NOT_EDITABLE, {}, { status: problem.status });
      const doc = await db(manager)
        .selectFrom('problem_documents')
        .select(VIEW_COLUMNS)
        .where('id', '=', documentId)
        .where('problem_id', '=', problemId)
        .executeTakeFirst();
      if (!doc) throw new AppError(ErrorCode.ATTACHMENT_NOT_FOUND);
      await db(manager).deleteFrom('problem_documents').where('id', '=', documentId).execute();
      await this.audit.record(manager, {
        actor,
        action: 'problem.document_removed',
        entityType: 'problem',
        entityId: problemId,
        before: { document: toView(doc) },
      });
    });
  }
}
