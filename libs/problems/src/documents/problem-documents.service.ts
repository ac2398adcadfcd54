import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { sql } from 'kysely';
import { DataSource } from 'typeorm';
import {
  AppError,
  AuthUser,
  downloadableFile,
  ErrorCode,
  IncomingFile,
  STORED_FILE_COLUMNS,
  storedFileValues,
  storedFileView,
} from '@app/common';
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

  async add(actor: AuthUser, problemId: string, file: IncomingFile): Promise<ProblemDocumentView> {
    return this.dataSource.transaction(async (manager) => {
      const problem = await findProblem(manager, problemId, true);
      assertVisible(actor, problem);
      assertDepartmentOfficer(actor, problem, 'edit');
      if (problem.status !== 'draft') throw new AppError(ErrorCode.PROBLEM_NOT_EDITABLE, {}, { status: problem.status });
      const { count } = await db(manager)
        .selectFrom('problem_documents')
        .select(sql<number>`count(*)::int`.as('count'))
        .where('problem_id', '=', problemId)
        .executeTakeFirstOrThrow();
      const values = storedFileValues(file, actor.id, {
        count,
        max: MAX_PROBLEM_DOCUMENTS,
        full: ErrorCode.PROBLEM_DOCUMENTS_FULL,
      });
      const saved = await db(manager)
        .insertInto('problem_documents')
        .values({ problem_id: problemId, ...values })
        .returning(STORED_FILE_COLUMNS)
        .executeTakeFirstOrThrow();
      const view = storedFileView(saved);
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
      .select(STORED_FILE_COLUMNS)
      .where('problem_id', '=', problemId)
      .orderBy('created_at', 'asc')
      .orderBy('id', 'asc')
      .execute();
    return rows.map((r): ProblemDocumentView => storedFileView(r));
  }

  async download(viewer: Viewer, problemId: string, documentId: string): Promise<ProblemDocumentView & { bytes: Buffer }> {
    const problem = await findProblem(this.dataSource.manager, problemId);
    assertVisible(viewer, problem);
    const doc = await db(this.dataSource)
      .selectFrom('problem_documents')
      .select([...STORED_FILE_COLUMNS, 'content'])
      .where('id', '=', documentId)
      .where('problem_id', '=', problemId)
      .executeTakeFirst();
    return downloadableFile(doc);
  }

  async remove(actor: AuthUser, problemId: string, documentId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const problem = await findProblem(manager, problemId, true);
      assertVisible(actor, problem);
      assertDepartmentOfficer(actor, problem, 'edit');
      if (problem.status !== 'draft') throw new AppError(ErrorCode.PROBLEM_NOT_EDITABLE, {}, { status: problem.status });
      const doc = await db(manager)
        .selectFrom('problem_documents')
        .select(STORED_FILE_COLUMNS)
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
        before: { document: storedFileView(doc) },
      });
    });
  }
}
