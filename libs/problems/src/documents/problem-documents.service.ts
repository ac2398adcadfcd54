import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppError, AuthUser, cityIso, ErrorCode, sha256Hex } from '@app/common';
import { AuditService } from '@app/audit';
import { assertDepartmentOfficer, assertVisible, findProblem, Viewer } from '../problem-access';
import { ProblemDocument } from './problem-document.entity';

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

const toView = (d: ProblemDocument): ProblemDocumentView => ({
  id: d.id,
  fileName: d.fileName,
  mediaType: d.mediaType,
  sizeBytes: d.sizeBytes,
  sha256: d.sha256,
  uploadedAt: cityIso(d.createdAt),
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
      const count = await manager.getRepository(ProblemDocument).countBy({ problemId });
      if (count >= MAX_PROBLEM_DOCUMENTS) {
        throw new AppError(ErrorCode.PROBLEM_DOCUMENTS_FULL, { max: MAX_PROBLEM_DOCUMENTS }, { max: MAX_PROBLEM_DOCUMENTS });
      }
      const repo = manager.getRepository(ProblemDocument);
      const saved = await repo.save(
        repo.create({
          problemId,
          fileName: file.fileName,
          mediaType: file.mediaType,
          sizeBytes: file.bytes.length,
          sha256: sha256Hex(file.bytes),
          content: file.bytes,
          uploadedBy: actor.id,
        }),
      );
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
    const rows = await this.dataSource
      .getRepository(ProblemDocument)
      .find({ where: { problemId }, order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.map(toView);
  }

  async download(viewer: Viewer, problemId: string, documentId: string): Promise<ProblemDocumentView & { bytes: Buffer }> {
    const problem = await findProblem(this.dataSource.manager, problemId);
    assertVisible(viewer, problem);
    const doc = await this.dataSource
      .getRepository(ProblemDocument)
      .createQueryBuilder('d')
      .addSelect('d.content')
      .where('d.id = :documentId AND d.problemId = :problemId', { documentId, problemId })
      .getOne();
    if (!doc) throw new AppError(ErrorCode.ATTACHMENT_NOT_FOUND);
    return { ...toView(doc), bytes: doc.content };
  }

  async remove(actor: AuthUser, problemId: string, documentId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const problem = await findProblem(manager, problemId, true);
      assertVisible(actor, problem);
      assertDepartmentOfficer(actor, problem, 'edit');
      if (problem.status !== 'draft') throw new AppError(ErrorCode.PROBLEM_NOT_EDITABLE, {}, { status: problem.status });
      const doc = await manager.getRepository(ProblemDocument).findOneBy({ id: documentId, problemId });
      if (!doc) throw new AppError(ErrorCode.ATTACHMENT_NOT_FOUND);
      await manager.delete(ProblemDocument, { id: documentId });
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
