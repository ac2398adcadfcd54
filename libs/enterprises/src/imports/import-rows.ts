import { unaccented, UnitResolver } from '@app/areas';
import { DEFAULT_LANGUAGE, fieldName, Msg, parseTableDate, translate } from '@app/common';
import { Sector, SECTORS } from '../enterprise.constants';
import { validateTaxCode } from '../tax-code';
import type { FileRow } from './import-file';

/** What the dry run says about a row; the first four are written by a commit, the rest are not. */
export const IMPORT_OUTCOMES = [
  'ready',
  'update',
  'unchanged',
  'registered',
  'duplicate_in_file',
  'invalid_tax_code',
  'unknown_unit',
  'ambiguous_unit',
  'missing_dates',
  'invalid',
  // after the commit
  'created',
  'updated',
] as const;
export type ImportOutcome = (typeof IMPORT_OUTCOMES)[number];
export const WRITABLE_OUTCOMES: readonly ImportOutcome[] = ['ready', 'update'];

export const OPERATING_STATUSES = ['active', 'suspended', 'ceased'] as const;
export type OperatingStatus = (typeof OPERATING_STATUSES)[number];

/** A row as it will be written: normalised, with the unit resolved. */
export interface ImportRecord {
  taxCode: string;
  legalName: string;
  address: string;
  areaCode: string;
  sectors: Sector[];
  foundedOn: string | null;
  activityStartedOn: string | null;
  activityStartEvidence: string | null;
  status: OperatingStatus;
  statusDate: string | null;
  source: string;
}

export interface RowProblem {
  field: string;
  code: string;
  /** In the reader's language when shown (stored as `{ key, params }`; see translateReport). */
  message: Msg;
  suggestions?: { code: string; name: string }[];
}

export interface CheckedRow {
  rowNumber: number;
  outcome: ImportOutcome;
  taxCode: string | null;
  record: ImportRecord | null;
  problems: RowProblem[];
}

const SECTOR_NAMES: Record<string, Sector> = {
  'thuong mai dien tu': 'ecommerce',
  tmdt: 'ecommerce',
  'du lich thong minh': 'smart_tourism',
  'nong nghiep thong minh': 'smart_agriculture',
  'san xuat thong minh': 'smart_manufacturing',
  'cong nghiep thong minh': 'smart_manufacturing',
  'cong nghe thong tin': 'ict',
  'cong nghe thong tin va truyen thong': 'ict',
  cntt: 'ict',
  'phan mem': 'ict',
  logistics: 'logistics_seaport',
  'logistics va cang bien': 'logistics_seaport',
  'cang bien': 'logistics_seaport',
  'y te': 'health',
  'giao duc': 'education',
  'hanh chinh cong': 'public_administration',
  'moi truong': 'environment',
  khac: 'other',
};

const STATUS_NAMES: Record<string, OperatingStatus> = {
  active: 'active',
  'dang hoat dong': 'active',
  'hoat dong': 'active',
  suspended: 'suspended',
  'tam ngung': 'suspended',
  'tam ngung hoat dong': 'suspended',
  'tam ngung kinh doanh': 'suspended',
  ceased: 'ceased',
  'ngung hoat dong': 'ceased',
  'cham dut hoat dong': 'ceased',
  'giai the': 'ceased',
  'da giai the': 'ceased',
  'pha san': 'ceased',
};

export const parseDay = parseTableDate;

export interface RowContext {
  units: UnitResolver;
  today: string;
  fileSource: string;
  /** Tax codes already seen earlier in the file. */
  seen: Set<string>;
}

/**
 * Checks one row on its own (the registry is consulted afterwards, per batch): tax code by the
 * check-digit rule, unit by code or name, dates, sectors and operating status. Every problem is
 * listed; the outcome names the first that stops the row.
 */
export function checkRow(row: FileRow, ctx: RowContext): CheckedRow {
  const c = row.cells;
  const problems: RowProblem[] = [];
  const outcomes: ImportOutcome[] = [];
  const fail = (outcome: ImportOutcome, p: RowProblem) => {
    outcomes.push(outcome);
    problems.push(p);
  };

  const tax = validateTaxCode(c.taxCode ?? '');
  const taxCode = tax.valid ? tax.normalized : (c.taxCode ?? null);
  if (!tax.valid)
    fail('invalid_tax_code', { field: 'taxCode', code: tax.problem, message: new Msg(`errors.TAX_CODE_INVALID_${tax.problem}`) });
  else if (ctx.seen.has(tax.normalized))
    fail('duplicate_in_file', {
      field: 'taxCode',
      code: 'duplicate',
      message: new Msg('importProblems.duplicateTaxCode'),
    });

  if (!c.legalName)
    fail('invalid', {
      field: 'legalName',
      code: 'missing',
      message: new Msg('importProblems.missing', { field: fieldName('legalName') }),
    });
  if (!c.address)
    fail('invalid', {
      field: 'address',
      code: 'missing',
      message: new Msg('importProblems.missing', { field: fieldName('address') }),
    });

  let areaCode: string | null = null;
  if (!c.unit)
    fail('unknown_unit', { field: 'unit', code: 'missing', message: new Msg('importProblems.missingUnit'), suggestions: [] });
  else {
    const r = ctx.units.resolve(c.unit);
    if (r.ok) areaCode = r.unit.code;
    else if (r.problem === 'ambiguous')
      fail('ambiguous_unit', {
        field: 'unit',
        code: 'ambiguous',
        message: new Msg('importProblems.ambiguousUnit', { unit: c.unit }),
        suggestions: r.suggestions,
      });
    else
      fail('unknown_unit', {
        field: 'unit',
        code: 'unknown',
        message: new Msg('importProblems.unknownCommuneUnit', { unit: c.unit }),
        suggestions: r.suggestions,
      });
  }

  const sectors = new Set<Sector>();
  for (const part of (c.sectors ?? '')
    .split(/[;,|\n]/)
    .map((s) => s.trim())
    .filter(Boolean)) {
    const key = unaccented(part);
    const sector = (SECTORS as readonly string[]).includes(part) ? (part as Sector) : SECTOR_NAMES[key];
    if (sector) sectors.add(sector);
    else
      fail('invalid', {
        field: 'sectors',
        code: 'unknown',
        message: new Msg('importProblems.unknownSector', { sector: part, sectors: SECTORS.join(', ') }),
      });
  }
  if (sectors.size === 0 && !c.sectors) sectors.add('other');

  const day = (field: 'foundedOn' | 'activityStartedOn' | 'statusDate') => {
    const text = c[field];
    if (!text) return null;
    const parsed = parseDay(text);
    if (!parsed) fail('invalid', { field, code: 'format', message: new Msg('importProblems.notADate', { text }) });
    else if (parsed > ctx.today)
      fail('invalid', { field, code: 'future', message: new Msg('importProblems.futureDate', { date: parsed }) });
    return parsed;
  };
  const foundedOn = day('foundedOn');
  const activityStartedOn = day('activityStartedOn');
  const statusDate = day('statusDate');
  const start = activityStartedOn ?? foundedOn;
  if (!c.foundedOn && !c.activityStartedOn)
    fail('missing_dates', {
      field: 'foundedOn',
      code: 'missing',
      message: new Msg('importProblems.missingDates'),
    });
  if (foundedOn && activityStartedOn && activityStartedOn < foundedOn)
    fail('invalid', {
      field: 'activityStartedOn',
      code: 'before_founding',
      message: new Msg('importProblems.activityBeforeFounding'),
    });

  const statusText = c.status ? unaccented(c.status) : 'active';
  const status = STATUS_NAMES[statusText] ?? null;
  if (!status)
    fail('invalid', {
      field: 'status',
      code: 'unknown',
      message: new Msg('importProblems.unknownStatus', { status: c.status ?? '' }),
    });
  if (status && status !== 'active') {
    if (!c.statusDate)
      fail('missing_dates', {
        field: 'statusDate',
        code: 'missing',
        message: new Msg('importProblems.missingStatusDate', { context: status }),
      });
    else if (statusDate && start && statusDate < start)
      fail('invalid', { field: 'statusDate', code: 'before_start', message: new Msg('importProblems.statusBeforeStart') });
  }

  if (tax.valid && !ctx.seen.has(tax.normalized)) ctx.seen.add(tax.normalized);
  if (outcomes.length > 0) return { rowNumber: row.rowNumber, outcome: outcomes[0]!, taxCode, record: null, problems };
  const source = c.source ?? ctx.fileSource;
  return {
    rowNumber: row.rowNumber,
    outcome: 'ready',
    taxCode,
    problems,
    record: {
      taxCode: taxCode!,
      legalName: c.legalName!,
      address: c.address!,
      areaCode: areaCode!,
      sectors: [...sectors],
      foundedOn,
      activityStartedOn: activityStartedOn && activityStartedOn !== foundedOn ? activityStartedOn : null,
      activityStartEvidence:
        activityStartedOn && activityStartedOn !== foundedOn
          ? (c.activityEvidence ?? translate(DEFAULT_LANGUAGE, 'imports.statedEvidence', { source }))
          : null,
      status: status!,
      statusDate: status === 'active' ? null : statusDate,
      source,
    },
  };
}

/** When an imported firm counts: from its activity start, until it was suspended or ceased. */
export const countingStart = (r: ImportRecord) => r.activityStartedOn ?? r.foundedOn!;
