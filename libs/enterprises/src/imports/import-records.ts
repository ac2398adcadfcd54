import { Selectable, sql } from 'kysely';
import type { DataSource, EntityManager } from 'typeorm';
import { cityIso, Msg } from '@app/common';
import { db, type DB } from '@app/database';
import type { EnterpriseStatus } from '../enterprise.constants';
import type { ImportFormat } from './import-file';
import type { CheckedRow, ImportOutcome, ImportRecord } from './import-rows';

/** Rows checked and written per transaction: bounded memory and lock time for a 100k-row file. */
export const IMPORT_BATCH = 1000;
export const IMPORT_AUDIT_ENTITY = 'enterprise_import';
/** History rows written by imports start with this, so a later import can tell them from decisions. */
export const IMPORT_REASON = 'import:';

/** What an enterprise list must look like, for the IMPORT_FILE_INVALID message's details. */
export const ENTERPRISE_EXPECTED = new Msg('imports.expectedEnterprises');

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

export interface ImportRow {
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

/** The columns of enterprise_imports an import's view needs (not the file itself). */
export const IMPORT_COLUMNS = [
  'id',
  'file_name',
  'file_format',
  'file_sha256',
  'source',
  'status',
  'total_rows',
  'processed_rows',
  'summary',
  'error',
  'created_by',
  'created_at',
  'validated_at',
  'committed_by',
  'committed_at',
] as const;

type StoredImport = Pick<Selectable<DB['enterprise_imports']>, (typeof IMPORT_COLUMNS)[number]>;

export function selectImports(source: EntityManager | DataSource) {
  return db(source).selectFrom('enterprise_imports').select(IMPORT_COLUMNS);
}

export function asImportRow(r: StoredImport): ImportRow {
  return {
    ...r,
    file_format: r.file_format as ImportFormat,
    status: r.status as ImportStatus,
    summary: r.summary as ImportRow['summary'],
  };
}

export const toView = (r: ImportRow): ImportView => ({
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

/** The count of the import's report rows per outcome, as stored in enterprise_imports.summary. */
export const outcomeSummary = (importId: string) =>
  sql<Partial<Record<ImportOutcome, number>> | null>`(SELECT jsonb_object_agg(outcome, n) FROM (SELECT outcome, count(*)::int AS n
     FROM enterprise_import_rows WHERE import_id = ${importId} GROUP BY outcome) s)`;

/** What the registry holds for a tax code, as far as an import needs to know. */
export interface ExistingFirm {
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

/** The registry's firms with these tax codes; locked (FOR UPDATE OF e) when the commit writes over them. */
export async function findExistingFirms(
  manager: EntityManager | DataSource,
  taxCodes: string[],
  lock = false,
): Promise<ExistingFirm[]> {
  let query = db(manager)
    .selectFrom('enterprises as e')
    .select((eb) => [
      'e.id',
      'e.tax_code',
      'e.origin',
      sql<boolean>`e.claimed_at IS NOT NULL`.as('claimed'),
      eb
        .exists(
          eb
            .selectFrom('enterprise_status_history as h')
            .select(sql`1`.as('one'))
            .whereRef('h.enterprise_id', '=', 'e.id')
            .where((w) => w.or([w('h.reason', 'is', null), w('h.reason', 'not like', `${IMPORT_REASON}%`)])),
        )
        .as('own_decisions'),
      'e.legal_name',
      'e.address',
      'e.area_code',
      'e.sectors',
      sql<string | null>`e.founded_on::text`.as('founded_on'),
      sql<string | null>`e.activity_started_on::text`.as('activity_started_on'),
      'e.activity_start_evidence',
      'e.status',
      sql<string | null>`e.status_effective_date::text`.as('status_effective_date'),
    ])
    .where('e.tax_code', '=', sql<string>`ANY(${taxCodes}::text[])`);
  if (lock) query = query.forUpdate('e');
  const rows = await query.execute();
  return rows.map((r) => ({
    ...r,
    origin: r.origin as ExistingFirm['origin'],
    status: r.status as EnterpriseStatus,
    own_decisions: r.own_decisions === true,
  }));
}

export const statusOf = (r: ImportRecord): EnterpriseStatus => (r.status === 'active' ? 'verified' : r.status);

/** The stored firm as the record an import would write, to tell "update" from "unchanged". */
export function asRecord(e: ExistingFirm, source: string): ImportRecord {
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

export const sameRecord = (a: ImportRecord, b: ImportRecord) =>
  JSON.stringify({ ...a, sectors: [...a.sectors].sort(), source: '' }) ===
  JSON.stringify({ ...b, sectors: [...b.sectors].sort(), source: '' });

/** Whether an import may write over the firm: only an imported record nobody has claimed or decided on. */
export const importOwns = (e: ExistingFirm) => e.origin === 'imported' && !e.claimed && !e.own_decisions;

/** The failure reason stored with a failed import: a message as JSON (older rows: plain text). */
export function storedMessage(text: string | null): Msg | string | null {
  if (!text?.startsWith('{')) return text;
  try {
    const { key, params } = JSON.parse(text) as { key: string; params?: Msg['params'] };
    return new Msg(key, params ?? {});
  } catch {
    return text;
  }
}
