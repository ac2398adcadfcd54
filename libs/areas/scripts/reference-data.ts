/**
 * Turns the reference CSVs (libs/areas/data) into src/reference-data.generated.ts, so the bundled
 * app carries the data and needs no files at run time. After editing a CSV:
 *   npx ts-node libs/areas/scripts/reference-data.ts
 * A unit spec fails while the module and the CSVs disagree.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AREA_UNIT_TYPES, AreaUnitType, FormerUnit, ReferenceArea, ReferencePopulation } from '../src/area-types';
// eslint-disable-next-line no-restricted-imports -- a build script run by ts-node without path aliases
import { parseCsvRecords } from '../../common/src/csv/csv';

export const DATA_DIR = join(__dirname, '..', 'data');
export const MODULE_PATH = join(__dirname, '..', 'src', 'reference-data.generated.ts');
const CITY_FILE = 'haiphong-city.csv';
const COMMUNES_FILE = 'haiphong-communes-2025.csv';
const DISTRICTS_FILE = 'haiphong-districts-2024.csv';
const ORIGIN_FILE = 'haiphong-communes-2025-origin.csv';
const FORMER_UNITS_FILE = 'haiphong-former-units-2025.csv';
const FORMER_UNIT_TYPES = ['Phường', 'Xã', 'Thị trấn', 'Huyện'];
const SHARES = ['whole', 'part', 'rest'];

/** The day the 2025 boundaries took effect (NQ 202/2025/QH15; NQ 1669/NQ-UBTVQH15 Điều 2). */
export const BOUNDARY_CHANGE_DATE = '2025-07-01';
const DAY_BEFORE_CHANGE = '2025-06-30';
/** The city as it was before 1 July 2025: the 15 district-level units. */
export const OLD_CITY_CODE = '31-2024';
const DISTRICT_TYPES: Record<string, AreaUnitType> = {
  urban_district: 'urban_district',
  district: 'district',
  city: 'district_city',
  island_district: 'island_district',
};

export interface ReferenceData {
  city: ReferenceArea;
  oldCity: ReferenceArea;
  districts: ReferenceArea[];
  communes: ReferenceArea[];
  formerUnits: FormerUnit[];
  populations: ReferencePopulation[];
}

function fail(message: string): never {
  throw new Error(`reference data: ${message}`);
}

function optionalNumber(text: string, what: string): number | null {
  if (text.trim() === '') return null;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) fail(`${what} is not a positive number: ${text}`);
  return n;
}

function checkName(name: string, code: string): string {
  if (name !== name.normalize('NFC') || name !== name.trim() || name === '') fail(`name of ${code} is not trimmed NFC text`);
  return name;
}

/** Reads and checks the CSVs in `dir` (libs/areas/data, or ../shared/data). */
/** The origin file is derived here (see data/README.md), so it is always read from libs/areas/data. */
export function readReferenceData(dir = DATA_DIR, originDir = DATA_DIR): ReferenceData {
  const cityRows = parseCsvRecords(readFileSync(join(dir, CITY_FILE), 'utf8'), [
    'code',
    'name',
    'area_km2',
    'population',
    'population_as_of',
    'source',
  ]);
  if (cityRows.length !== 1) fail(`${CITY_FILE} must hold exactly one row`);
  const c = cityRows[0] ?? fail(`${CITY_FILE} must hold exactly one row`);
  if (!/^\d{2}$/.test(c.code)) fail(`city code ${c.code} is not a 2-digit province code`);
  const city: ReferenceArea = {
    code: c.code,
    name: checkName(c.name, c.code),
    unitType: 'city',
    parentCode: null,
    areaKm2: optionalNumber(c.area_km2, 'city area_km2'),
    validFrom: BOUNDARY_CHANGE_DATE,
    validTo: null,
    formerParentCode: null,
    basis: 'NQ 202/2025/QH15 (Hải Dương merged into Hải Phòng from 1 July 2025)',
  };
  const oldCity: ReferenceArea = {
    code: OLD_CITY_CODE,
    name: `${city.name} (trước 01/7/2025)`,
    unitType: 'city',
    parentCode: null,
    areaKm2: null,
    validFrom: null,
    validTo: DAY_BEFORE_CHANGE,
    formerParentCode: null,
    basis: 'the 15 district-level units before NQ 202/2025/QH15',
  };
  const population = optionalNumber(c.population, 'city population');
  const populations: ReferencePopulation[] = [];
  if (population !== null) {
    if (!Number.isInteger(population)) fail('city population is not a whole number');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(c.population_as_of)) fail('city population_as_of is not YYYY-MM-DD');
    if (c.source.trim() === '') fail('city population has no source');
    populations.push({ areaCode: city.code, value: population, asOf: c.population_as_of, source: c.source.trim() });
  }

  const seen = new Set<string>([city.code, oldCity.code]);
  const districts = parseCsvRecords(readFileSync(join(dir, DISTRICTS_FILE), 'utf8'), [
    'code',
    'name',
    'unit_type',
    'population',
    'source',
  ]).map((r): ReferenceArea => {
    if (!/^\d{3}$/.test(r.code)) fail(`district code ${r.code} is not 3 digits`);
    if (seen.has(r.code)) fail(`code ${r.code} appears twice`);
    seen.add(r.code);
    const unitType = DISTRICT_TYPES[r.unit_type] ?? fail(`unit type of ${r.code}: ${r.unit_type}`);
    if (r.population.trim() !== '') fail(`${r.code} has a population but the file gives no as-of date for it`);
    return {
      code: r.code,
      name: checkName(r.name, r.code),
      unitType,
      parentCode: oldCity.code,
      areaKm2: null,
      validFrom: null,
      validTo: DAY_BEFORE_CHANGE,
      formerParentCode: null,
      basis: r.source.trim(),
    };
  });
  if (districts.length !== 15) fail(`${DISTRICTS_FILE} must hold the 15 district-level units`);

  const origins = new Map(
    parseCsvRecords(readFileSync(join(originDir, ORIGIN_FILE), 'utf8'), [
      'code',
      'name',
      'former_province_code',
      'former_province_name',
      'source',
    ]).map((r) => {
      if (r.former_province_code !== '31' && r.former_province_code !== '30')
        fail(`former province of ${r.code}: ${r.former_province_code}`);
      if (r.source.trim() === '') fail(`${ORIGIN_FILE}: ${r.code} has no source`);
      return [r.code, r] as const;
    }),
  );
  const communes = parseCsvRecords(readFileSync(join(dir, COMMUNES_FILE), 'utf8'), [
    'code',
    'name',
    'unit_type',
    'area_km2',
    'population',
  ]).map((r): ReferenceArea => {
    if (!/^\d{5}$/.test(r.code)) fail(`commune code ${r.code} is not 5 digits`);
    if (seen.has(r.code)) fail(`code ${r.code} appears twice`);
    seen.add(r.code);
    if (!(AREA_UNIT_TYPES as readonly string[]).includes(r.unit_type) || r.unit_type === 'city')
      fail(`unit type of ${r.code}: ${r.unit_type}`);
    // A figure without its as-of date cannot be used honestly; the CSV has no date column for it.
    if (r.population.trim() !== '') fail(`${r.code} has a population but the file gives no as-of date for it`);
    const origin = origins.get(r.code) ?? fail(`${ORIGIN_FILE} has no row for ${r.code}`);
    if (origin.name !== r.name) fail(`${ORIGIN_FILE} names ${r.code} ${origin.name}, not ${r.name}`);
    return {
      code: r.code,
      name: checkName(r.name, r.code),
      unitType: r.unit_type as AreaUnitType,
      parentCode: city.code,
      areaKm2: optionalNumber(r.area_km2, `area_km2 of ${r.code}`),
      validFrom: BOUNDARY_CHANGE_DATE,
      validTo: null,
      // Formed from units of the former Hải Phòng: inside the old city. From Hải Dương: no former parent here.
      formerParentCode: origin.former_province_code === '31' ? oldCity.code : null,
      basis: `${origin.source.trim()} (former ${origin.former_province_name})`,
    };
  });
  if (origins.size !== communes.length) fail(`${ORIGIN_FILE} lists units that ${COMMUNES_FILE} does not`);

  const byCode = new Map(communes.map((c) => [c.code, c]));
  const formerUnits = parseCsvRecords(readFileSync(join(originDir, FORMER_UNITS_FILE), 'utf8'), [
    'new_code',
    'new_name',
    'former_unit',
    'former_district',
    'share',
    'resolution_item',
  ]).map((r): FormerUnit => {
    const unit = byCode.get(r.new_code) ?? fail(`${FORMER_UNITS_FILE}: unknown unit ${r.new_code}`);
    if (unit.name !== r.new_name) fail(`${FORMER_UNITS_FILE}: ${r.new_code} is ${unit.name}, not ${r.new_name}`);
    if (!FORMER_UNIT_TYPES.some((t) => r.former_unit.startsWith(`${t} `)))
      fail(`${FORMER_UNITS_FILE}: ${r.former_unit} has no unit type`);
    if (!SHARES.includes(r.share)) fail(`${FORMER_UNITS_FILE}: share ${r.share}`);
    return {
      newCode: r.new_code,
      item: Number(r.resolution_item),
      name: checkName(r.former_unit, r.new_code),
      district: r.former_district.trim() || null,
      share: r.share as FormerUnit['share'],
    };
  });
  if (new Set(formerUnits.map((f) => f.newCode)).size !== communes.length) fail(`${FORMER_UNITS_FILE} must cover every unit`);
  return { city, oldCity, districts, communes, formerUnits, populations };
}

const quote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const literal = (v: string | number | null) => (v === null ? 'null' : typeof v === 'number' ? String(v) : quote(v));
const objectLiteral = (o: object) =>
  `{ ${Object.entries(o)
    .map(([k, v]) => `${k}: ${literal(v as string | number | null)}`)
    .join(', ')} }`;

export function renderReferenceModule(data: ReferenceData): string {
  return [
    '// Generated by libs/areas/scripts/reference-data.ts from libs/areas/data/*.csv. Do not edit by hand:',
    '// edit the CSV, then run `npx ts-node libs/areas/scripts/reference-data.ts`.',
    "import type { FormerUnit, ReferenceArea, ReferencePopulation } from './area-types';",
    '',
    '/** Thành phố Hải Phòng after the merger with Hải Dương (NQ 202/2025/QH15). */',
    `export const HAIPHONG_CITY: ReferenceArea = ${objectLiteral(data.city)};`,
    '',
    '/** Thành phố Hải Phòng before 1 July 2025: the 15 district-level units below. */',
    `export const HAIPHONG_OLD_CITY: ReferenceArea = ${objectLiteral(data.oldCity)};`,
    '',
    '/** The district-level units of the old city (until 30 June 2025). */',
    'export const HAIPHONG_DISTRICTS_2024: readonly ReferenceArea[] = [',
    ...data.districts.map((a) => `  ${objectLiteral(a)},`),
    '];',
    '',
    '/** The commune-level units since 1 July 2025 (NQ 1669/NQ-UBTVQH15; codes CV 1027/CTK-CSCL). */',
    'export const HAIPHONG_COMMUNES: readonly ReferenceArea[] = [',
    ...data.communes.map((a) => `  ${objectLiteral(a)},`),
    '];',
    '',
    '/**',
    ' * The former commune-level units each 2025 unit was formed from (NQ 1669/NQ-UBTVQH15 Điều 1, item by',
    " * item): share 'whole' (toàn bộ), 'part' (một phần) or 'rest' (phần còn lại). Pre-July-2025 names resolve",
    ' * through it where they lead to one unit only.',
    ' */',
    'export const HAIPHONG_FORMER_UNITS: readonly FormerUnit[] = [',
    ...data.formerUnits.map((f) => `  ${objectLiteral(f)},`),
    '];',
    '',
    '/** Population figures the reference data states, with their as-of date and source. */',
    'export const REFERENCE_POPULATIONS: readonly ReferencePopulation[] = [',
    ...data.populations.map((p) => `  ${objectLiteral(p)},`),
    '];',
    '',
  ].join('\n');
}

if (require.main === module) {
  writeFileSync(MODULE_PATH, renderReferenceModule(readReferenceData()));
  console.log(`wrote ${MODULE_PATH}`);
}
