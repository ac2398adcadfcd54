/**
 * RFC 4180 CSV: comma-separated, CRLF line ends, a field quoted when it holds a comma, a quote,
 * a line break or leading/trailing space, with quotes doubled inside. Reads the reference CSVs
 * this lib is built from, and writes the public exports (the indicator's CSV).
 */
export type CsvValue = string | number | null | undefined;

/** Excel opens a UTF-8 file as UTF-8 only when it starts with a byte-order mark. */
export const UTF8_BOM = '\uFEFF';

export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  // Text that a spreadsheet would run as a formula is neutralised (OWASP "CSV injection"); numbers are not text.
  const text = typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : String(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** Parses CSV text into rows of fields (a leading byte-order mark is ignored). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.startsWith(UTF8_BOM) ? 1 : 0;
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += c;
    }
  }
  if (quoted) throw new Error('CSV ends inside a quoted field');
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/**
 * Rows as objects keyed by the header row. Name the columns you read and each row is typed by
 * them (a missing column fails here, once, instead of reading as undefined on every row).
 */
export function parseCsvRecords<K extends string = string>(text: string, columns: readonly K[] = []): Record<K, string>[] {
  const [header, ...rows] = parseCsv(text);
  if (!header) return [];
  const missing = columns.filter((c) => !header.includes(c));
  if (missing.length > 0) throw new Error(`CSV has no column ${missing.join(', ')}`);
  return rows.map((fields, n) => {
    if (fields.length !== header.length)
      throw new Error(`CSV row ${n + 2} has ${fields.length} fields, the header ${header.length}`);
    return Object.fromEntries(header.map((name, i) => [name, fields[i] ?? ''])) as Record<K, string>;
  });
}
