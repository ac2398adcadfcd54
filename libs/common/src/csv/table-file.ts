import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import { Msg } from '../i18n/i18n';

/** The uploads an admin sends as tables: CSV (comma or semicolon) or the first sheet of an XLSX workbook. */
export type TableFormat = 'csv' | 'xlsx';

/** Column name → the header spellings (accents, case and punctuation ignored) that name it. */
export type ColumnSpec<C extends string> = Readonly<Record<C, readonly string[]>>;

/** One data row: its 1-based line in the file (the header is row 1) and its non-empty cells by column. */
export interface TableRow<C extends string> {
  rowNumber: number;
  cells: Partial<Record<C, string>>;
}

/** Why a file cannot be read as a table: the context of its IMPORT_FILE_INVALID message. */
export type TableShapeReason = 'notTable' | 'missingColumns' | 'unreadable' | 'empty' | 'noRows' | 'tooManyRows';

/** The file cannot be read as a table with the required columns. */
export class TableShapeError extends Error {
  constructor(
    readonly reason: TableShapeReason,
    readonly missing: string[] = [],
    readonly params: Record<string, string | number> = {},
  ) {
    super(`${reason}${missing.length ? `: ${missing.join(', ')}` : ''}${params.cause ? ` (${params.cause})` : ''}`); // for logs
  }
}

/** The 400 IMPORT_FILE_INVALID for a file that is not a usable table; `expected` describes the wanted file. */
export function importFileInvalid(err: TableShapeError, expected: Msg): AppError {
  return new AppError(
    ErrorCode.IMPORT_FILE_INVALID,
    { context: err.reason, missing: err.missing.join(', '), ...err.params },
    { ...(err.missing.length ? { missingColumns: err.missing } : {}), expected },
  );
}

/** "Mã số thuế" → "ma_so_thue": how headers are compared. */
export function headerKey(header: string): string {
  return header
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
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

/** csv or xlsx, by name and content (an XLSX file is a ZIP: it starts with "PK"); null when they disagree. */
export function detectTableFormat(fileName: string, bytes: Buffer): TableFormat | null {
  const isZip = bytes.length > 4 && bytes[0] === 0x50 && bytes[1] === 0x4b;
  if (/\.xlsx$/i.test(fileName)) return isZip ? 'xlsx' : null;
  if (/\.(csv|txt)$/i.test(fileName)) return isZip ? null : 'csv';
  return isZip ? 'xlsx' : 'csv';
}

/** The rows of the file as arrays of text, header first, streamed: a 100k-row file is never held as objects. */
async function* rawRows(format: TableFormat, bytes: Buffer): AsyncGenerator<string[]> {
  if (format === 'csv') {
    const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
    // Semicolon-separated files (Excel in Vietnamese locales) are common: take the delimiter the header uses.
    const newline = text.indexOf('\n');
    const firstLine = newline === -1 ? text : text.slice(0, newline);
    const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
    const parser = Readable.from([text]).pipe(parse({ delimiter, relax_column_count: true, skip_empty_lines: true, trim: true }));
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

/**
 * The data rows of a table upload with their cells mapped to `columns` by header; unknown headers
 * are ignored. Throws TableShapeError for an unreadable file or a missing required column.
 */
export async function* readTableRows<C extends string>(
  format: TableFormat,
  bytes: Buffer,
  columns: ColumnSpec<C>,
  required: readonly C[],
): AsyncGenerator<TableRow<C>> {
  const names = Object.keys(columns) as C[];
  let mapped: (C | null)[] | null = null;
  let rowNumber = 0;
  try {
    for await (const raw of rawRows(format, bytes)) {
      rowNumber++;
      if (!mapped) {
        mapped = raw.map((h) => names.find((c) => columns[c].includes(headerKey(h))) ?? null);
        const missing = required.filter((c) => !mapped!.includes(c));
        if (missing.length > 0) throw new TableShapeError('missingColumns', missing);
        continue;
      }
      const cells: Partial<Record<C, string>> = {};
      mapped.forEach((c, i) => {
        if (c && raw[i] !== undefined && raw[i] !== '') cells[c] = raw[i].normalize('NFC');
      });
      yield { rowNumber, cells };
    }
  } catch (err) {
    if (err instanceof TableShapeError) throw err;
    throw new TableShapeError('unreadable', [], { format: format.toUpperCase(), cause: (err as Error).message });
  }
  if (!mapped) throw new TableShapeError('empty');
}

/** Reads the header and the first row only: an upload that cannot be imported is refused at once. */
export async function checkTableFile<C extends string>(
  format: TableFormat,
  bytes: Buffer,
  columns: ColumnSpec<C>,
  required: readonly C[],
): Promise<void> {
  for await (const _row of readTableRows(format, bytes, columns, required)) return;
  throw new TableShapeError('noRows');
}

/** YYYY-MM-DD, DD/MM/YYYY or D-M-YYYY (Vietnamese order), or an Excel day number, as a real calendar day; else null. */
export function parseTableDate(text: string): string | null {
  if (/^\d{5}$/.test(text)) return new Date(Date.UTC(1899, 11, 30) + Number(text) * 86_400_000).toISOString().slice(0, 10);
  let y: number, m: number, d: number;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  const vn = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text);
  if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (vn) [d, m, y] = [Number(vn[1]), Number(vn[2]), Number(vn[3])];
  else return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d || y < 1900) return null;
  return date.toISOString().slice(0, 10);
}
