import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import { unaccented } from '@app/areas';

export type ImportFormat = 'csv' | 'xlsx';

/** The columns an import understands, each with the headers (accents and case ignored) that name it. */
export const IMPORT_COLUMNS = {
  taxCode: ['tax_code', 'taxcode', 'mst', 'ma_so_thue', 'ma_so_doanh_nghiep'],
  legalName: ['legal_name', 'name', 'ten', 'ten_doanh_nghiep', 'ten_day_du'],
  address: ['address', 'dia_chi', 'dia_chi_tru_so', 'tru_so'],
  unit: ['unit', 'unit_code', 'unit_name', 'area', 'area_code', 'xa_phuong', 'phuong_xa', 'don_vi_hanh_chinh', 'ma_xa', 'dvhc'],
  sectors: ['sectors', 'sector', 'linh_vuc', 'nganh', 'nganh_nghe'],
  foundedOn: ['founded_on', 'founding_date', 'ngay_thanh_lap'],
  activityStartedOn: [
    'activity_started_on',
    'activity_start',
    'digital_activity_started_on',
    'ngay_bat_dau_hoat_dong_cong_nghe_so',
    'ngay_bat_dau_hoat_dong_cntt',
    'ngay_bat_dau_hoat_dong',
  ],
  activityEvidence: ['activity_evidence', 'evidence', 'can_cu', 'minh_chung'],
  status: ['status', 'operating_status', 'trang_thai', 'tinh_trang_hoat_dong'],
  statusDate: ['status_date', 'status_since', 'ngay_trang_thai', 'ngay_tam_ngung_cham_dut'],
  source: ['source', 'nguon', 'nguon_du_lieu'],
} as const;
export type ImportColumn = keyof typeof IMPORT_COLUMNS;
export const REQUIRED_COLUMNS: readonly ImportColumn[] = ['taxCode', 'legalName', 'address', 'unit'];

/** One data row: its 1-based line in the file (the header is row 1) and its cells by column. */
export interface FileRow {
  rowNumber: number;
  cells: Partial<Record<ImportColumn, string>>;
}

const headerKey = (h: string) =>
  unaccented(h)
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');

/** Maps header cells to columns; unknown headers are ignored, missing required ones reported. */
export function mapHeader(header: readonly string[]): { columns: (ImportColumn | null)[]; missing: ImportColumn[] } {
  const columns = header.map((h) => {
    const key = headerKey(h);
    const found = (Object.keys(IMPORT_COLUMNS) as ImportColumn[]).find((c) =>
      (IMPORT_COLUMNS[c] as readonly string[]).includes(key),
    );
    return found ?? null;
  });
  return { columns, missing: REQUIRED_COLUMNS.filter((c) => !columns.includes(c)) };
}

/** An XLSX cell as text: dates as YYYY-MM-DD (Excel stores the calendar day), rich text joined. */
export function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('result' in value) return cellText(value.result);
    if ('text' in value) return String(value.text);
    return ''; // errors and anything else that has no text
  }
  return String(value);
}

/** The rows of a sheet as arrays of text, header first, streamed (a 100k-row file is never held as objects). */
async function* rawRows(format: ImportFormat, bytes: Buffer): AsyncGenerator<string[]> {
  if (format === 'csv') {
    const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
    // Semicolon-separated files (Excel in Vietnamese locales) are common: pick the delimiter the header uses.
    const firstLine = text.slice(0, text.indexOf('\n') === -1 ? undefined : text.indexOf('\n'));
    const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
    const parser = Readable.from([text]).pipe(
      parse({ delimiter, relax_column_count: true, skip_empty_lines: true, bom: true, trim: true }),
    );
    for await (const record of parser) yield record as string[];
    return;
  }
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([bytes]), {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache', // dates are told from numbers by their cell format
    worksheets: 'emit',
  });
  for await (const sheet of reader) {
    for await (const row of sheet) {
      const values = row.values as ExcelJS.CellValue[]; // 1-based
      const cells: string[] = [];
      for (let i = 1; i < values.length; i++) cells.push(cellText(values[i]).trim());
      if (cells.some((c) => c !== '')) yield cells;
    }
    return; // the first sheet only
  }
}

/** Header check plus the data rows; throws FileShapeError for an unreadable file or missing columns. */
export class FileShapeError extends Error {
  constructor(
    message: string,
    readonly missing: ImportColumn[] = [],
  ) {
    super(message);
  }
}

export async function* readImportRows(format: ImportFormat, bytes: Buffer): AsyncGenerator<FileRow> {
  let columns: (ImportColumn | null)[] | null = null;
  let rowNumber = 0;
  try {
    for await (const raw of rawRows(format, bytes)) {
      rowNumber++;
      if (!columns) {
        const mapped = mapHeader(raw);
        if (mapped.missing.length > 0) throw new FileShapeError(`The header lacks: ${mapped.missing.join(', ')}`, mapped.missing);
        columns = mapped.columns;
        continue;
      }
      const cells: FileRow['cells'] = {};
      columns.forEach((c, i) => {
        if (c && raw[i] !== undefined && raw[i] !== '') cells[c] = raw[i].normalize('NFC');
      });
      yield { rowNumber, cells };
    }
  } catch (err) {
    if (err instanceof FileShapeError) throw err;
    throw new FileShapeError(`The file is not a readable ${format.toUpperCase()}: ${(err as Error).message}`);
  }
  if (!columns) throw new FileShapeError('The file is empty: a header row and data rows are expected');
}

/** Reads the header and the first row only: an upload that cannot be imported is refused at once. */
export async function checkImportFile(format: ImportFormat, bytes: Buffer): Promise<void> {
  for await (const _row of readImportRows(format, bytes)) return;
  throw new FileShapeError('The file has a header but no data rows');
}

/** Counts the data rows (a streaming pass), so progress can say "n of N". */
export async function countImportRows(format: ImportFormat, bytes: Buffer): Promise<number> {
  let rows = 0;
  for await (const _row of readImportRows(format, bytes)) rows++;
  return rows;
}

/** csv or xlsx, by name and content (an XLSX file is a ZIP: it starts with "PK"). */
export function detectFormat(fileName: string, bytes: Buffer): ImportFormat | null {
  const isZip = bytes.length > 4 && bytes[0] === 0x50 && bytes[1] === 0x4b;
  if (/\.xlsx$/i.test(fileName)) return isZip ? 'xlsx' : null;
  if (/\.(csv|txt)$/i.test(fileName)) return isZip ? null : 'csv';
  return isZip ? 'xlsx' : 'csv';
}
