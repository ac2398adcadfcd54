/**
 * Generates an official-list file for the baseline import with every kind of row, and the answer
 * the indicator must give for it, computed here from the generated rows and the reference CSVs
 * (independently of the code under test). Used by the e2e suite (10,000 rows) and the bench (100k).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsvRecords, toCsv } from '../libs/common/src/csv/csv';
import { taxCodeCheckDigit } from '../libs/enterprises/src/tax-code';

const DATA = join(__dirname, '..', 'libs', 'areas', 'data');
export interface RefUnit {
  code: string;
  name: string;
  /** '31' formed from the old Hai Phong, '30' from Hải Dương (NQ 1669 Điều 1). */
  formerProvince: string;
}
export const REF_UNITS: RefUnit[] = parseCsvRecords(readFileSync(join(DATA, 'haiphong-communes-2025-origin.csv'), 'utf8'), [
  'code',
  'name',
  'former_province_code',
]).map((r) => ({
  code: r.code,
  name: r.name,
  formerProvince: r.former_province_code,
}));
export const MERGER = '2025-07-01';

const bareName = (name: string) => name.replace(/^(Phường|Xã|Đặc khu) /, '');
const plain = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase();
const countBy = (key: (u: RefUnit) => string) => {
  const m = new Map<string, number>();
  for (const u of REF_UNITS) m.set(key(u), (m.get(key(u)) ?? 0) + 1);
  return m;
};
const PLAIN_NAMES = countBy((u) => plain(u.name));
const BARE_NAMES = countBy((u) => bareName(u.name));

/** How a good row writes its unit: code, name, unaccented name or name without its type word, never an ambiguous form. */
function unitForm(unit: RefUnit, i: number): string {
  switch (i % 4) {
    case 1:
      return unit.name;
    case 2:
      return PLAIN_NAMES.get(plain(unit.name)) === 1 ? plain(unit.name) : unit.code;
    case 3:
      return BARE_NAMES.get(bareName(unit.name)) === 1 ? bareName(unit.name) : unit.code;
    default:
      return unit.code;
  }
}

/** Deterministic pseudo-random numbers, so a failing run can be repeated. */
function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let serial = 3_000_000 + Math.floor(Math.random() * 900) * 1000;
/** A valid tax code of a series no other suite uses (prefix 04). */
export function importTaxCode(): string {
  for (;;) {
    const nine = `04${String(serial++).padStart(7, '0')}`;
    const check = taxCodeCheckDigit(nine);
    if (check !== null) return `${nine}${check}`;
  }
}

const iso = (d: Date) => d.toISOString().slice(0, 10);
const vn = (day: string) => `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;

export interface GoodRow {
  taxCode: string;
  unitCode: string;
  start: string;
  /** Suspended or ceased on this day (no longer counted from it). */
  end: string | null;
}

export interface GeneratedList {
  csv: string;
  good: GoodRow[];
  expected: Record<string, number>;
}

export const HEADER = [
  'Mã số thuế',
  'Tên doanh nghiệp',
  'Địa chỉ',
  'Xã/Phường',
  'Lĩnh vực',
  'Ngày thành lập',
  'activity_started_on',
  'Trạng thái',
  'status_date',
  'Nguồn',
];

/**
 * `rows` data rows: 13 of every 20 good (by code, accented or unaccented name; active, suspended
 * or ceased), the rest one of each kind of bad row: invalid tax code, duplicate in file, unknown
 * unit, ambiguous unit, missing dates, impossible date, unknown sector. Founding dates 2012–`lastDay`.
 */
export function generateList(rows: number, options: { seed?: number; from?: string; to?: string } = {}): GeneratedList {
  const rand = mulberry32(options.seed ?? 13);
  const from = Date.parse(`${options.from ?? '2012-01-01'}T00:00:00Z`);
  const to = Date.parse(`${options.to ?? '2026-06-30'}T00:00:00Z`);
  const day = (min = from) => iso(new Date(min + Math.floor(rand() * Math.max(1, (to - min) / 86_400_000)) * 86_400_000));
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
  const good: GoodRow[] = [];
  const expected: Record<string, number> = {};
  const out: string[][] = [];
  const taxCodes: string[] = [];
  for (let i = 0; i < rows; i++) {
    const k = (i + 7) % 20; // starts with good rows, so a duplicate always has an earlier row to repeat
    const unit = pick(REF_UNITS);
    const tax = importTaxCode();
    taxCodes.push(tax);
    const founded = day();
    const base = [
      tax,
      `Công ty TNHH Công nghệ số ${i} Hải Phòng`,
      `Số ${i} đường Lạch Tray, ${unit.name}`,
      unit.code,
      'ict',
      founded,
      '',
      '',
      '',
      '',
    ];
    let kind = 'ready';
    switch (k) {
      case 0:
        base[0] = `${tax.slice(0, 9)}${(Number(tax[9]) + 1) % 10}`;
        kind = 'invalid_tax_code';
        break;
      case 1:
        base[0] = taxCodes[i - 6]!; // row i-6 is good (k = 15)
        kind = 'duplicate_in_file';
        break;
      case 2:
        base[3] = `Phường Không Tồn Tại ${i}`;
        kind = 'unknown_unit';
        break;
      case 3:
        base[3] = 'xa cam giang'; // Xã Cẩm Giang or Xã Cẩm Giàng
        kind = 'ambiguous_unit';
        break;
      case 4:
        base[5] = '';
        kind = 'missing_dates';
        break;
      case 5:
        base[5] = '31/02/2020';
        kind = 'invalid';
        break;
      case 6:
        base[4] = 'ict; vũ trụ';
        kind = 'invalid';
        break;
      default: {
        base[3] = unitForm(unit, i);
        base[4] = pick(['ict', 'ecommerce;ict', 'Thương mại điện tử', 'logistics_seaport', 'Y tế, Giáo dục']);
        base[5] = i % 2 ? founded : vn(founded);
        let start = founded;
        if (rand() < 0.15) {
          start = day(Date.parse(`${founded}T00:00:00Z`));
          base[6] = start;
        }
        let end: string | null = null;
        const r = rand();
        if (r < 0.1) {
          end = day(Date.parse(`${start}T00:00:00Z`));
          base[7] = 'Ngừng hoạt động';
          base[8] = end;
        } else if (r < 0.15) {
          end = day(Date.parse(`${start}T00:00:00Z`));
          base[7] = 'suspended';
          base[8] = vn(end);
        } else base[7] = pick(['', 'Đang hoạt động', 'active']);
        good.push({ taxCode: tax, unitCode: unit.code, start, end });
      }
    }
    expected[kind] = (expected[kind] ?? 0) + 1;
    out.push(base);
  }
  return { csv: toCsv(HEADER, out), good, expected };
}

/** The independent answer: firms counted in the city on `asOf` (the city as it was then), per unit. */
export function countActive(good: readonly GoodRow[], asOf: string): { city: number; byUnit: Map<string, number> } {
  const inCity = new Set(REF_UNITS.filter((u) => asOf >= MERGER || u.formerProvince === '31').map((u) => u.code));
  const byUnit = new Map<string, number>();
  let city = 0;
  for (const r of good) {
    if (r.start > asOf || (r.end !== null && r.end <= asOf) || !inCity.has(r.unitCode)) continue;
    city++;
    byUnit.set(r.unitCode, (byUnit.get(r.unitCode) ?? 0) + 1);
  }
  return { city, byUnit };
}
