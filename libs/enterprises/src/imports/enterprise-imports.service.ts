import { createHash, randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import {
  Actor,
  AppError,
  cityIso,
  cityToday,
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
import { IMPORT_JOBS, OutboxService, QUEUES } from '@app/jobs';
import { COMMUNE_LEVEL_UNIT_TYPES, HAIPHONG_FORMER_UNITS, UnitResolver } from '@app/areas';
import { applyDatedActivityDeltas, footprintDeltas } from '../activity-deltas';
import type { EnterpriseStatus } from '../enterprise.constants';
import { checkImportFile, countImportRows, ImportFormat, readImportRows } from './import-file';
import { CheckedRow, checkRow, countingStart, ImportOutcome, ImportRecord, RowContext } from './import-rows';

/** Rows checked and written per transaction: bounded memory and lock time for a 100k-row file. */
export const IMPORT_BATCH = 1000;
export const IMPORT_AUDIT_ENTITY = 'enterprise_import';
/** History rows written by imports start with this, so a later import can tell them from decisions. */
const IMPORT_REASON = 'import:';

export type ImportStatus = 'validating' | 'validated' | 'committing' | 'committed' | 'failed';

export interface ImportView {
  id: string;
  fileName: string;
  format: ImportFormat;
  sha256: string;
  source: string;
  status: ImportStatus;
  progress: { processedRows: number; totalRows: number | null };
  summary: Partial<Record<ImportOutcome, number>> | null;
  /** Why the dry run failed; a Msg until translateReport puts it in the reader's language. */
  error: Msg | string | null;
  createdBy: string;
  createdAt: string;
  validatedAt: string | null;
  committedBy: string | null;
  committedAt: string | null;
}

export interface ImportRowView {
  rowNumber: number;
  outcome: ImportOutcome;
  taxCode: string | null;
  record: ImportRecord | null;
  problems: CheckedRow['problems'];
  enterpriseId: string | null;
}

interface ImportRow {
  id: string;
  file_name: string;
  file_format: ImportFormat;
  file_sha256: string;
  source: string;
  status: ImportStatus;
  total_rows: number | null;
  processed_rows: number;
  summary: Partial<Record<ImportOutcome, number>> | null;
  error: string | null;
  created_by: string;
  created_at: Date;
  validated_at: Date | null;
  committed_by: string | null;
  committed_at: Date | null;
}

const IMPORT_COLUMNS_SQL = `id, file_name, file_format, file_sha256, source, status, total_rows, processed_rows, summary, error,
  created_by, created_at, validated_at, committed_by, committed_at`;

const toView = (r: ImportRow): ImportView => ({
  id: r.id,
  fileName: r.file_name,
  format: r.file_format,
  sha256: r.file_sha256,
  source: r.source,
  status: r.status,
  progress: { processedRows: r.processed_rows, totalRows: r.total_rows },
  summary: r.summary,
  error: storedMessage(r.error),
  createdBy: r.created_by,
  createdAt: cityIso(r.created_at),
  validatedAt: r.validated_at ? cityIso(r.validated_at) : null,
  committedBy: r.committed_by,
  committedAt: r.committed_at ? cityIso(r.committed_at) : null,
});

/** What the registry holds for a tax code, as far as an import needs to know. */
interface ExistingFirm {
  id: string;
  tax_code: string;
  origin: 'registered' | 'imported';
  claimed: boolean;
  own_decisions: boolean;
  legal_name: string;
  address: string;
  area_code: string;
  sectors: string[];
  founded_on: string | null;
  activity_started_on: string | null;
  activity_start_evidence: string | null;
  status: EnterpriseStatus;
  status_effective_date: string | null;
}

const EXISTING_SQL = `
  SELECT e.id, e.tax_code, e.origin, e.claimed_at IS NOT NULL AS claimed,
         EXISTS (SELECT 1 FROM enterprise_status_history h
                  WHERE h.enterprise_id = e.id AND (h.reason IS NULL OR h.reason NOT LIKE '${IMPORT_REASON}%')) AS own_decisions,
         e.legal_name, e.address, e.area_code, e.sectors, e.founded_on::text AS founded_on,
         e.activity_started_on::text AS activity_started_on, e.activity_start_evidence, e.status,
         e.status_effective_date::text AS status_effective_date
    FROM enterprises e WHERE e.tax_code = ANY($1::text[])`;

const statusOf = (r: ImportRecord): EnterpriseStatus => (r.status === 'active' ? 'verified' : r.status);

/** The stored firm as the record an import would write, to tell "update" from "unchanged". */
function asRecord(e: ExistingFirm, source: string): ImportRecord {
  return {
    taxCode: e.tax_code,
    legalName: e.legal_name,
    address: e.address,
    areaCode: e.area_code,
    sectors: [...e.sectors].sort() as ImportRecord['sectors'],
    foundedOn: e.founded_on,
    activityStartedOn: e.activity_started_on,
    activityStartEvidence: e.activity_start_evidence,
    status: e.status === 'verified' ? 'active' : (e.status as ImportRecord['status']),
    statusDate: e.status === 'verified' ? null : e.status_effective_date,
    source,
  };
}
const sameRecord = (a: ImportRecord, b: ImportRecord) =>
  JSON.stringify({ ...a, sectors: [...a.sectors].sort(), source: '' }) ===
  JSON.stringify({ ...b, sectors: [...b.sectors].sort(), source: '' });

/** UPDATE … RETURNING through TypeORM's query() yields [rows, count]; INSERT/SELECT yield the rows. */
async function updateReturning<T>(manager: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  const result: [T[], number] | T[] = await manager.query(sql, params);
  return Array.isArray(result[0]) ? (result as [T[], number])[0] : (result as T[]);
}

/** Whether an import may write over the firm: only an imported record nobody has claimed or decided on. */
const importOwns = (e: ExistingFirm) => e.origin === 'imported' && !e.claimed && !e.own_decisions;

/**
 * The baseline import of the city's official list of digital-technology enterprises. The admin
 * uploads a file (CSV or XLSX); a background job checks every row and writes the report (the dry
 * run: nothing else is written); the admin then commits, and another job writes the ready rows in
 * batches. Idempotent by tax code: a re-import updates imported records, never duplicates them, and
 * leaves firms that registered themselves (or claimed their record) alone. Imported firms are
 * verified from the day their digital-technology activity began.
 */
@Injectable()
export class EnterpriseImportsService {
  private readonly logger = new Logger(EnterpriseImportsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
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
      const [row] = await manager.query<ImportRow[]>(
        `INSERT INTO enterprise_imports (file_name, file_format, file_sha256, file_bytes, source, status, created_by)
         VALUES ($1, $2, $3, $4, $5, 'validating', $6) RETURNING ${IMPORT_COLUMNS_SQL}`,
        [file.fileName, format, sha256, file.bytes, source, actor.id],
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
    const rows = await this.dataSource.query<(ImportRow & { at: string })[]>(
      `SELECT ${IMPORT_COLUMNS_SQL}, created_at::text AS at FROM enterprise_imports
        WHERE ($1::timestamptz IS NULL OR (created_at, id) < ($1::timestamptz, $2::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $3`,
      [after?.at ?? null, after?.id ?? null, limit + 1],
    );
    return toPage(rows, limit, (r) => ({ at: r.at, id: r.id }), toView);
  }

  /** The dry-run report, row by row, optionally only one outcome. */
  async rows(id: string, query: { outcome?: ImportOutcome; limit?: number; cursor?: string }): Promise<Page<ImportRowView>> {
    await this.find(this.dataSource.manager, id);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const after = decodeCursor<{ row: number }>(query.cursor, ['row']);
    const rows = await this.dataSource.query<
      {
        row_number: number;
        outcome: ImportOutcome;
        tax_code: string | null;
        record: ImportRecord | null;
        problems: CheckedRow['problems'];
        enterprise_id: string | null;
      }[]
    >(
      `SELECT row_number, outcome, tax_code, record, problems, enterprise_id FROM enterprise_import_rows
        WHERE import_id = $1 AND ($2::text IS NULL OR outcome = $2) AND row_number > $3
        ORDER BY row_number LIMIT $4`,
      [id, query.outcome ?? null, Number(after?.row ?? 0), limit + 1],
    );
    return toPage(
      rows,
      limit,
      (r) => ({ row: r.row_number }),
      (r) => ({
        rowNumber: r.row_number,
        outcome: r.outcome,
        taxCode: r.tax_code,
        record: r.record,
        problems: r.problems,
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
      const rows = await this.dataSource.query<
        {
          row_number: number;
          outcome: string;
          tax_code: string | null;
          record: ImportRecord | null;
          problems: CheckedRow['problems'];
        }[]
      >(
        `SELECT row_number, outcome, tax_code, record, problems FROM enterprise_import_rows
          WHERE import_id = $1 AND row_number > $2 ORDER BY row_number LIMIT 5000`,
        [id, after],
      );
      if (rows.length === 0) break;
      for (const r of rows) {
        lines.push([
          r.row_number,
          r.outcome,
          r.tax_code,
          r.record?.areaCode,
          r.problems.map((p) => `${p.field}: ${translateReport(lang, p.message) as unknown as string}`).join('; '),
          r.problems
            .flatMap((p) => p.suggestions ?? [])
            .map((u) => `${u.code} ${u.name}`)
            .join('; '),
        ]);
      }
      after = rows[rows.length - 1].row_number;
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
      const [row] = await updateReturning<ImportRow>(
        manager,
        `UPDATE enterprise_imports SET status = 'committing', committed_by = $2, commit_requested_at = now(), processed_rows = 0,
                total_rows = (SELECT count(*)::int FROM enterprise_import_rows WHERE import_id = $1 AND outcome IN ('ready', 'update')),
                updated_at = now()
          WHERE id = $1 RETURNING ${IMPORT_COLUMNS_SQL}`,
        [id, actor.id],
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
  async validate(id: string): Promise<void> {
    const imp = await this.dataSource.query<(ImportRow & { file_bytes: Buffer })[]>(
      `SELECT ${IMPORT_COLUMNS_SQL}, file_bytes FROM enterprise_imports WHERE id = $1`,
      [id],
    );
    const current = imp[0];
    if (!current || current.status !== 'validating') return;
    const bytes = current.file_bytes;
    try {
      await this.dataSource.query(`DELETE FROM enterprise_import_rows WHERE import_id = $1`, [id]);
      const total = await countImportRows(current.file_format, bytes);
      await this.dataSource.query(
        `UPDATE enterprise_imports SET total_rows = $2, processed_rows = 0, updated_at = now() WHERE id = $1`,
        [id, total],
      );
      const units = await this.communeUnits();
      const ctx: RowContext = { units, today: cityToday(), fileSource: current.source, seen: new Set() };
      let batch: CheckedRow[] = [];
      let processed = 0;
      for await (const row of readImportRows(current.file_format, bytes)) {
        batch.push(checkRow(row, ctx));
        if (batch.length >= IMPORT_BATCH) {
          processed += await this.writeReportBatch(id, batch, current.source);
          batch = [];
          await this.progress(id, processed);
        }
      }
      if (batch.length > 0) processed += await this.writeReportBatch(id, batch, current.source);
      await this.dataSource.query(
        `UPDATE enterprise_imports SET status = 'validated', processed_rows = $2, validated_at = now(), updated_at = now(),
                summary = (SELECT jsonb_object_agg(outcome, n) FROM (SELECT outcome, count(*)::int AS n FROM enterprise_import_rows
                            WHERE import_id = $1 GROUP BY outcome) s)
          WHERE id = $1`,
        [id, processed],
      );
    } catch (err) {
      if (!(err instanceof TableShapeError)) throw err; // retried by the queue
      await this.dataSource.query(
        `UPDATE enterprise_imports SET status = 'failed', error = $2, updated_at = now() WHERE id = $1`,
        // Stored as a message key and values, shown in the reader's language (see storedMessage).
        [
          id,
          JSON.stringify(new Msg(`errors.IMPORT_FILE_INVALID_${err.reason}`, { missing: err.missing.join(', '), ...err.params })),
        ],
      );
    }
  }

  /** The commit (worker): ready and update rows in batches; each batch commits on its own, so a retry resumes. */
  async commit(id: string): Promise<void> {
    const [current] = await this.dataSource.query<ImportRow[]>(
      `SELECT ${IMPORT_COLUMNS_SQL} FROM enterprise_imports WHERE id = $1`,
      [id],
    );
    if (!current || current.status !== 'committing') return;
    const actor = { id: current.committed_by!, role: 'admin' as const };
    for (;;) {
      const done = await this.dataSource.transaction(async (manager) => {
        const rows = await manager.query<{ row_number: number; outcome: ImportOutcome; record: ImportRecord }[]>(
          `SELECT row_number, outcome, record FROM enterprise_import_rows
            WHERE import_id = $1 AND outcome IN ('ready', 'update') ORDER BY row_number LIMIT $2 FOR UPDATE`,
          [id, IMPORT_BATCH],
        );
        if (rows.length === 0) return true;
        await this.applyBatch(manager, current, actor.id, rows);
        await manager.query(
          `UPDATE enterprise_imports SET processed_rows = processed_rows + $2, updated_at = now() WHERE id = $1`,
          [id, rows.length],
        );
        return false;
      });
      if (done) break;
    }
    await this.dataSource.transaction(async (manager) => {
      const [row] = await updateReturning<ImportRow>(
        manager,
        `UPDATE enterprise_imports SET status = 'committed', committed_at = now(), updated_at = now(),
                summary = (SELECT jsonb_object_agg(outcome, n) FROM (SELECT outcome, count(*)::int AS n FROM enterprise_import_rows
                            WHERE import_id = $1 GROUP BY outcome) s)
          WHERE id = $1 AND status = 'committing' RETURNING ${IMPORT_COLUMNS_SQL}`,
        [id],
      );
      if (!row) return;
      await this.audit.record(manager, {
        actor,
        action: 'enterprise_import.committed',
        entityType: IMPORT_AUDIT_ENTITY,
        entityId: id,
        after: { fileName: row.file_name, sha256: row.file_sha256, source: row.source, summary: row.summary },
      });
    });
    this.logger.log(`Import ${id} committed`);
  }

  private async find(manager: EntityManager, id: string, lock = false): Promise<ImportRow> {
    const rows = await manager.query<ImportRow[]>(
      `SELECT ${IMPORT_COLUMNS_SQL} FROM enterprise_imports WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    if (!rows[0]) throw new AppError(ErrorCode.IMPORT_NOT_FOUND, { id });
    return rows[0];
  }

  private async communeUnits(): Promise<UnitResolver> {
    const units = await this.dataSource.query<{ code: string; name: string }[]>(
      `SELECT code, name FROM areas WHERE unit_type = ANY($1::text[]) AND valid_to IS NULL ORDER BY code`,
      [COMMUNE_LEVEL_UNIT_TYPES],
    );
    // Pre-July-2025 names (NQ 1669/NQ-UBTVQH15) resolve where they lead to one current unit only.
    return new UnitResolver(units, HAIPHONG_FORMER_UNITS);
  }

  private async progress(id: string, processed: number): Promise<void> {
    await this.dataSource.query(`UPDATE enterprise_imports SET processed_rows = $2, updated_at = now() WHERE id = $1`, [
      id,
      processed,
    ]);
  }

  /** Compares the batch's good rows with the registry, then writes the report rows in one statement. */
  private async writeReportBatch(id: string, batch: CheckedRow[], source: string): Promise<number> {
    const codes = batch.filter((r) => r.record).map((r) => r.record!.taxCode);
    const existing = new Map(
      (codes.length ? await this.dataSource.query<ExistingFirm[]>(EXISTING_SQL, [codes]) : []).map((e) => [e.tax_code, e]),
    );
    for (const r of batch) {
      const found = r.record && existing.get(r.record.taxCode);
      if (!found) continue;
      if (!importOwns(found)) {
        r.outcome = 'registered';
        r.problems.push({
          field: 'taxCode',
          code: 'registered',
          message: new Msg('importProblems.registered'),
        });
      } else r.outcome = sameRecord(asRecord(found, source), r.record!) ? 'unchanged' : 'update';
    }
    await this.dataSource.query(
      `INSERT INTO enterprise_import_rows (import_id, row_number, outcome, tax_code, record, problems)
       SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::jsonb[], $6::jsonb[])`,
      [
        id,
        batch.map((r) => r.rowNumber),
        batch.map((r) => r.outcome),
        batch.map((r) => r.taxCode),
        batch.map((r) => (r.record ? JSON.stringify(r.record) : null)),
        batch.map((r) => JSON.stringify(r.problems)),
      ],
    );
    return batch.length;
  }

  /**
   * Writes one batch in the caller's transaction. The registry is read again under lock: a firm
   * that registered since the dry run is left alone. New firms: organisation, enterprise (verified,
   * from its activity start), history rows and deltas. Updated firms: their old contribution to the
   * indicator is withdrawn and the new one added, recorded now, so published figures show a revision.
   */
  private async applyBatch(
    manager: EntityManager,
    imp: ImportRow,
    actorId: string,
    rows: { row_number: number; outcome: ImportOutcome; record: ImportRecord }[],
  ): Promise<void> {
    const existing = new Map(
      (await manager.query<ExistingFirm[]>(`${EXISTING_SQL} FOR UPDATE OF e`, [rows.map((r) => r.record.taxCode)])).map((e) => [
        e.tax_code,
        e,
      ]),
    );
    const reason = `${IMPORT_REASON} ${imp.source} (file ${imp.file_name}, SHA-256 ${imp.file_sha256.slice(0, 16)}…)`;
    const created: { row: number; id: string; r: ImportRecord }[] = [];
    const updated: { row: number; id: string; r: ImportRecord; before: ExistingFirm }[] = [];
    const skipped: number[] = [];
    for (const { row_number: row, record: r } of rows) {
      const found = existing.get(r.taxCode);
      if (!found) created.push({ row, id: randomUUID(), r });
      else if (importOwns(found)) updated.push({ row, id: found.id, r, before: found });
      else skipped.push(row);
    }
    const deltas: Parameters<typeof applyDatedActivityDeltas>[1][number][] = [];
    const contribute = (r: { areaCode: string; sectors: readonly string[] }, start: string, end: string | null, sign: 1 | -1) => {
      for (const d of footprintDeltas(r, sign)) deltas.push({ ...d, day: start });
      if (end) for (const d of footprintDeltas(r, sign === 1 ? -1 : 1)) deltas.push({ ...d, day: end });
    };
    const history: { id: string; from: EnterpriseStatus | null; to: EnterpriseStatus; on: string; reason: string }[] = [];

    if (created.length > 0) {
      await manager.query(
        `INSERT INTO organizations (id, kind, name) SELECT id, 'enterprise', name FROM unnest($1::uuid[], $2::text[]) AS o(id, name)`,
        [created.map((c) => c.id), created.map((c) => c.r.legalName)],
      );
      await this.writeFirms(manager, imp, created, true);
      for (const { id, r } of created) {
        const start = countingStart(r);
        history.push({ id, from: null, to: 'verified', on: start, reason });
        if (r.status !== 'active') history.push({ id, from: 'verified', to: statusOf(r), on: r.statusDate!, reason });
        contribute(r, start, r.statusDate, 1);
      }
    }
    if (updated.length > 0) {
      await this.writeFirms(manager, imp, updated, false);
      for (const { id, r, before } of updated) {
        const was = asRecord(before, imp.source);
        const counting = (x: ImportRecord) =>
          JSON.stringify([x.areaCode, [...x.sectors].sort(), countingStart(x), x.status, x.statusDate]);
        if (counting(was) === counting(r)) continue;
        contribute({ areaCode: was.areaCode, sectors: was.sectors }, countingStart(was), was.statusDate, -1);
        contribute(r, countingStart(r), r.statusDate, 1);
        history.push({
          id,
          from: before.status,
          to: statusOf(r),
          on: r.statusDate ?? countingStart(r),
          reason: `${reason}: corrected (${counting(was)} → ${counting(r)})`,
        });
      }
    }
    if (history.length > 0) {
      await manager.query(
        `INSERT INTO enterprise_status_history (enterprise_id, from_status, to_status, effective_date, reason, actor_id)
         SELECT e, f, t, d, r, $6 FROM unnest($1::uuid[], $2::text[], $3::text[], $4::date[], $5::text[]) AS h(e, f, t, d, r)`,
        [
          history.map((h) => h.id),
          history.map((h) => h.from),
          history.map((h) => h.to),
          history.map((h) => h.on),
          history.map((h) => h.reason),
          actorId,
        ],
      );
    }
    await applyDatedActivityDeltas(manager, deltas);
    const mark = async (outcome: ImportOutcome, list: { row: number; id: string }[]) => {
      if (list.length === 0) return;
      await manager.query(
        `UPDATE enterprise_import_rows r SET outcome = $2, enterprise_id = x.id
           FROM unnest($3::int[], $4::uuid[]) AS x(row_number, id)
          WHERE r.import_id = $1 AND r.row_number = x.row_number`,
        [imp.id, outcome, list.map((l) => l.row), list.map((l) => l.id)],
      );
    };
    await mark('created', created);
    await mark('updated', updated);
    if (skipped.length > 0) {
      await manager.query(
        `UPDATE enterprise_import_rows SET outcome = 'registered' WHERE import_id = $1 AND row_number = ANY($2::int[])`,
        [imp.id, skipped],
      );
    }
  }

  private async writeFirms(
    manager: EntityManager,
    imp: ImportRow,
    firms: { id: string; r: ImportRecord }[],
    insert: boolean,
  ): Promise<void> {
    const col = <T>(f: (r: ImportRecord) => T) => firms.map((x) => f(x.r));
    const params = [
      firms.map((x) => x.id),
      col((r) => r.taxCode),
      col((r) => r.legalName),
      col((r) => r.address),
      col((r) => r.areaCode),
      col((r) => r.sectors.join(',')),
      col((r) => r.foundedOn),
      col((r) => r.activityStartedOn),
      col((r) => r.activityStartEvidence),
      col((r) => statusOf(r)),
      col((r) => r.statusDate ?? countingStart(r)),
      imp.id,
      col((r) => r.source),
    ];
    const rows = `unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::date[], $8::date[], $9::text[],
                         $10::text[], $11::date[], $13::text[])
                  AS x(id, tax_code, legal_name, address, area_code, sectors, founded_on, started, evidence, status, status_date, source)`;
    if (insert) {
      await manager.query(
        `INSERT INTO enterprises (id, tax_code, legal_name, address, area_code, sectors, founded_on, activity_started_on,
                                  activity_start_evidence, status, status_effective_date, origin, import_id, import_source)
         SELECT id, tax_code, legal_name, address, area_code, string_to_array(sectors, ','), founded_on, started, evidence,
                status, status_date, 'imported', $12, source FROM ${rows}`,
        params,
      );
    } else {
      await manager.query(
        `UPDATE enterprises e SET legal_name = x.legal_name, address = x.address, area_code = x.area_code,
                sectors = string_to_array(x.sectors, ','), founded_on = x.founded_on, activity_started_on = x.started,
                activity_start_evidence = x.evidence, status = x.status, status_effective_date = x.status_date,
                import_id = $12, import_source = x.source, updated_at = now()
           FROM ${rows} WHERE e.id = x.id`,
        params,
      );
      await manager.query(
        `UPDATE organizations o SET name = x.name FROM unnest($1::uuid[], $2::text[]) AS x(id, name) WHERE o.id = x.id`,
        [firms.map((x) => x.id), col((r) => r.legalName)],
      );
    }
  }
}

/** What an enterprise list must look like, for the IMPORT_FILE_INVALID message's details. */
const ENTERPRISE_EXPECTED = new Msg('imports.expectedEnterprises');

/** The failure reason stored with a failed import: a message as JSON (older rows: plain text). */
function storedMessage(text: string | null): Msg | string | null {
  if (!text?.startsWith('{')) return text;
  try {
    const { key, params } = JSON.parse(text) as { key: string; params?: Msg['params'] };
    return new Msg(key, params ?? {});
  } catch {
    return text;
  }
}
