import type { TableRow } from '@app/common';
import { fieldName, Msg, parseTableDate } from '@app/common';
import type { UnitResolver } from './unit-resolver';

/** The columns of a population file: unit (code or name), value, as-of date, source. */
export const POPULATION_COLUMNS = {
  unit: ['unit', 'unit_code', 'unit_name', 'area', 'area_code', 'code', 'ma', 'don_vi', 'xa_phuong', 'ten'],
  value: ['value', 'population', 'dan_so', 'so_dan'],
  asOf: ['as_of', 'asof', 'date', 'ngay', 'thoi_diem'],
  source: ['source', 'nguon'],
} as const;
export type PopulationColumn = keyof typeof POPULATION_COLUMNS;
export const POPULATION_REQUIRED: readonly PopulationColumn[] = ['unit', 'value', 'asOf'];
/** A population file has one row per unit and date: a few hundred rows at most. */
export const POPULATION_MAX_ROWS = 5000;

export const POPULATION_OUTCOMES = [
  'ready',
  'update',
  'unchanged',
  'duplicate_in_file',
  'unknown_unit',
  'ambiguous_unit',
  'missing_dates',
  'invalid',
] as const;
export type PopulationOutcome = (typeof POPULATION_OUTCOMES)[number];

export interface PopulationRowReport {
  rowNumber: number;
  outcome: PopulationOutcome;
  areaCode: string | null;
  areaName: string | null;
  value: number | null;
  asOf: string | null;
  source: string | null;
  /** The figure recorded now for that unit and date, when there is one. */
  current: { value: number; source: string } | null;
  /** Each problem; `message` is shown in the reader's language. */
  problems: { field: string; code: string; message: Msg; suggestions?: { code: string; name: string }[] }[];
}

/**
 * Checks one row on its own; the caller then compares it with the recorded figures. The same
 * outcomes and problem shape as the enterprise import's report.
 */
export function checkPopulationRow(
  row: TableRow<PopulationColumn>,
  ctx: { units: UnitResolver; today: string; fileSource: string | null; seen: Set<string> },
): PopulationRowReport {
  const c = row.cells;
  const report: PopulationRowReport = {
    rowNumber: row.rowNumber,
    outcome: 'ready',
    areaCode: null,
    areaName: null,
    value: null,
    asOf: null,
    source: c.source ?? ctx.fileSource,
    current: null,
    problems: [],
  };
  const fail = (outcome: PopulationOutcome, p: PopulationRowReport['problems'][number]) => {
    if (report.problems.length === 0) report.outcome = outcome;
    report.problems.push(p);
  };
  if (!c.unit)
    fail('unknown_unit', {
      field: 'unit',
      code: 'missing',
      message: new Msg('importProblems.missing', { field: fieldName('unit') }),
      suggestions: [],
    });
  else {
    const r = ctx.units.resolve(c.unit);
    if (r.ok) {
      report.areaCode = r.unit.code;
      report.areaName = r.unit.name;
    } else
      fail(r.problem === 'ambiguous' ? 'ambiguous_unit' : 'unknown_unit', {
        field: 'unit',
        code: r.problem,
        message: new Msg(r.problem === 'ambiguous' ? 'importProblems.ambiguousUnit' : 'importProblems.unknownUnit', {
          unit: c.unit,
        }),
        suggestions: r.suggestions,
      });
  }
  const value = Number((c.value ?? '').replace(/[\s.,](?=\d{3}(\D|$))/g, ''));
  if (!c.value || !Number.isInteger(value) || value <= 0 || value > 2_147_483_647)
    fail('invalid', {
      field: 'value',
      code: 'not_a_count',
      message: new Msg('importProblems.notAPopulation', { text: c.value ?? '' }),
    });
  else report.value = value;
  if (!c.asOf)
    fail('missing_dates', {
      field: 'asOf',
      code: 'missing',
      message: new Msg('importProblems.missing', { field: fieldName('asOf') }),
    });
  else {
    const day = parseTableDate(c.asOf);
    if (!day) fail('invalid', { field: 'asOf', code: 'format', message: new Msg('importProblems.notADate', { text: c.asOf }) });
    else if (day > ctx.today)
      fail('invalid', { field: 'asOf', code: 'future', message: new Msg('importProblems.populationFuture') });
    else report.asOf = day;
  }
  if (!report.source)
    fail('invalid', {
      field: 'source',
      code: 'missing',
      message: new Msg('importProblems.populationSource'),
    });
  if (report.areaCode && report.asOf) {
    const key = `${report.areaCode}@${report.asOf}`;
    if (ctx.seen.has(key))
      fail('duplicate_in_file', {
        field: 'unit',
        code: 'duplicate',
        message: new Msg('importProblems.duplicateUnitDate'),
      });
    ctx.seen.add(key);
  }
  return report;
}
