import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { sql } from 'kysely';
import { DataSource, EntityManager } from 'typeorm';
import {
  Actor,
  AppError,
  CsvValue,
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  detectTableFormat,
  ErrorCode,
  importFileInvalid,
  Language,
  Msg,
  Page,
  TableShapeError,
  toCsv,
  translateReport,
  toPage,
  UTF8_BOM,
} from '@app/common';
import { AuditService } from '@app/audit';
import { db } from '@app/database';
import { IMPORT_JOBS, OutboxService, QUEUES } from '@app/jobs';
import { checkImportFile } from './import-file';
import { CheckedRow, ImportOutcome, ImportRecord } from './import-rows';
import {
  asImportRow,
  ENTERPRISE_EXPECTED,
  IMPORT_AUDIT_ENTITY,
  IMPORT_COLUMNS,
  ImportRow,
  ImportRowView,
  ImportView,
  selectImports,
  toView,
} from './import-records';
import { ImportValidation } from './import-validation.service';
import { ImportCommit } from './import-commit.service';

export { IMPORT_AUDIT_ENTITY, IMPORT_BATCH } from './import-records';
export type { ImportRowView, ImportStatus, ImportView } from './import-records';

/**
 * The baseline import of the city's official list of digital-technology enterprises. The admin
 * uploads a file (CSV or XLSX); a background job checks every row and writes the report (the dry
 * run: nothing else is written — ImportValidation); the admin then commits, and another job writes
 * the ready rows in batches (ImportCommit). Idempotent by tax code: a re-import updates imported
 * records, never duplicates them, and leaves firms that registered themselves (or claimed their
 * record) alone. Imported firms are verified from the day their digital-technology activity began.
 * This service is the admin's side (upload, progress, report, go-ahead) and the worker's entry point.
 */
@Injectable()
export class EnterpriseImportsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly validation: ImportValidation,
    private readonly committer: ImportCommit,
  ) {}

  async create(actor: NonNullable<Actor>, file: { fileName: string; bytes: Buffer }, source: string): Promise<ImportView> {
    const format = detectTableFormat(file.fileName, file.bytes);
    if (!format) throw importFileInvalid(new TableShapeError('notTable', [], { fileName: file.fileName }), ENTERPRISE_EXPECTED);
    try {
      await checkImportFile(format, file.bytes);
    } catch (err) {
      if (err instanceof TableShapeError) throw importFileInvalid(err, ENTERPRISE_EXPECTED);
      throw err;
    }
    const sha256 = createHash('sha256').update(file.bytes).digest('hex');
    return this.dataSource.transaction(async (manager) => {
      const row = asImportRow(
        await db(manager)
          .insertInto('enterprise_imports')
          .values({
            file_name: file.fileName,
            file_format: format,
            file_sha256: sha256,
            file_bytes: file.bytes,
            source,
            status: 'validating',
            created_by: actor.id,
          })
          .returning(IMPORT_COLUMNS)
          .executeTakeFirstOrThrow(),
      );
      await this.audit.record(manager, {
        actor,
        action: 'enterprise_import.uploaded',
        entityType: IMPORT_AUDIT_ENTITY,
        entityId: row.id,
        after: { fileName: file.fileName, format, bytes: file.bytes.length, sha256, source },
      });
      await this.outbox.enqueue(manager, { queue: QUEUES.imports, name: IMPORT_JOBS.validate, payload: { importId: row.id } });
      return toView(row);
    });
  }

  async get(id: string): Promise<ImportView> {
    return toView(await this.find(this.dataSource.manager, id));
  }

  async list(query: { limit?: number; cursor?: string }): Promise<Page<ImportView>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const after = decodeCursor<{ at: string; id: string }>(query.cursor, ['at', 'id']);
    let qb = selectImports(this.dataSource)
      .select(sql<string>`created_at::text`.as('at'))
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit + 1);
    if (after) qb = qb.where(sql<boolean>`(created_at, id) < (${after.at}::timestamptz, ${after.id}::uuid)`);
    const rows = await qb.execute();
    return toPage(
      rows,
      limit,
      (r) => ({ at: r.at, id: r.id }),
      (r) => toView(asImportRow(r)),
    );
  }

  /** The dry-run report, row by row, optionally only one outcome. */
  async rows(id: string, query: { outcome?: ImportOutcome; limit?: number; cursor?: string }): Promise<Page<ImportRowView>> {
    await this.find(this.dataSource.manager, id);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const after = decodeCursor<{ row: number }>(query.cursor, ['row']);
    let qb = db(this.dataSource)
      .selectFrom('enterprise_import_rows')
      .select(['row_number', 'outcome', 'tax_code', 'record', 'problems', 'enterprise_id'])
      .where('import_id', '=', id)
      .where('row_number', '>', Number(after?.row ?? 0))
      .orderBy('row_number')
      .limit(limit + 1);
    if (query.outcome) qb = qb.where('outcome', '=', query.outcome);
    const rows = await qb.execute();
    return toPage(
      rows,
      limit,
      (r) => ({ row: r.row_number }),
      (r) => ({
        rowNumber: r.row_number,
        outcome: r.outcome as ImportOutcome,
        taxCode: r.tax_code,
        record: r.record as unknown as ImportRecord | null,
        problems: r.problems as unknown as CheckedRow['problems'],
        enterpriseId: r.enterprise_id,
      }),
    );
  }

  /**
   * The whole report as CSV (UTF-8 with BOM, for Excel): one line per row of the file with its outcome,
   * problems and suggested units, so the admin can fix the list and upload it again.
   */
  async reportCsv(id: string, lang: Language): Promise<{ filename: string; body: string }> {
    const imp = await this.find(this.dataSource.manager, id);
    const lines: CsvValue[][] = [];
    for (let after = 0; ;) {
      const rows = await db(this.dataSource)
        .selectFrom('enterprise_import_rows')
        .select(['row_number', 'outcome', 'tax_code', 'record', 'problems'])
        .where('import_id', '=', id)
        .where('row_number', '>', after)
        .orderBy('row_number')
        .limit(5000)
        .execute();
      if (rows.length === 0) break;
      for (const r of rows) {
        const record = r.record as unknown as ImportRecord | null;
        const problems = r.problems as unknown as CheckedRow['problems'];
        lines.push([
          r.row_number,
          r.outcome,
          r.tax_code,
          record?.areaCode,
          problems.map((p) => `${p.field}: ${translateReport(lang, p.message) as unknown as string}`).join('; '),
          problems
            .flatMap((p) => p.suggestions ?? [])
            .map((u) => `${u.code} ${u.name}`)
            .join('; '),
        ]);
      }
      after = rows[rows.length - 1]!.row_number;
    }
    return {
      filename: `import-report_${imp.file_sha256.slice(0, 12)}.csv`,
      body: UTF8_BOM + toCsv(['row', 'outcome', 'tax_code', 'unit_code', 'problems', 'suggested_units'], lines),
    };
  }

  /** The admin's go-ahead: only a validated import, once. The commit runs in the background. */
  async requestCommit(actor: NonNullable<Actor>, id: string): Promise<ImportView> {
    return this.dataSource.transaction(async (manager) => {
      const current = await this.find(manager, id, true);
      if (current.status !== 'validated') {
        throw new AppError(
          ErrorCode.IMPORT_STATUS_CONFLICT,
          current.status === 'validating' ? { context: 'validating' } : { status: new Msg(`importStatus.${current.status}`) },
          { status: current.status },
        );
      }
      const row = asImportRow(
        await db(manager)
          .updateTable('enterprise_imports')
          .set((eb) => ({
            status: 'committing',
            committed_by: actor.id,
            commit_requested_at: sql<Date>`now()`,
            processed_rows: 0,
            total_rows: eb
              .selectFrom('enterprise_import_rows')
              .select(sql<number>`count(*)::int`.as('n'))
              .where('import_id', '=', id)
              .where('outcome', 'in', ['ready', 'update']),
            updated_at: sql<Date>`now()`,
          }))
          .where('id', '=', id)
          .returning(IMPORT_COLUMNS)
          .executeTakeFirstOrThrow(),
      );
      await this.audit.record(manager, {
        actor,
        action: 'enterprise_import.commit_requested',
        entityType: IMPORT_AUDIT_ENTITY,
        entityId: id,
        after: { sha256: row.file_sha256, source: row.source, summary: row.summary },
      });
      await this.outbox.enqueue(manager, { queue: QUEUES.imports, name: IMPORT_JOBS.commit, payload: { importId: id } });
      return toView(row);
    });
  }

  /** The dry run (worker). Re-runnable: a retried job starts the report again. */
  validate(id: string): Promise<void> {
    return this.validation.validate(id);
  }

  /** The commit (worker): ready and update rows in batches; each batch commits on its own, so a retry resumes. */
  commit(id: string): Promise<void> {
    return this.committer.commit(id);
  }

  private async find(manager: EntityManager, id: string, lock = false): Promise<ImportRow> {
    const query = selectImports(manager).where('id', '=', id);
    const row = await (lock ? query.forUpdate() : query).executeTakeFirst();
    if (!row) throw new AppError(ErrorCode.IMPORT_NOT_FOUND, { id });
    return asImportRow(row);
  }
}
