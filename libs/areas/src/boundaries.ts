import type { EntityManager } from 'typeorm';
import type { AreaUnitType } from './area-types';
import { COMMUNE_LEVEL_UNIT_TYPES } from './commune-level-area';

/** The day the 2025 boundaries took effect: Hải Dương merged into Hải Phòng, 114 commune-level units. */
export const BOUNDARY_CHANGE_DATE = '2025-07-01';

export interface BoundaryUnit {
  code: string;
  name: string;
  unitType: AreaUnitType;
}

/** The city as it was on a date: which row, which official units, which units firms are counted in. */
export interface CityBoundary {
  code: string;
  name: string;
  validFrom: string | null;
  validTo: string | null;
  basis: string | null;
  /** The units the city was divided into on that date (15 district-level units, or 114 commune-level). */
  units: BoundaryUnit[];
  /**
   * The commune-level units a firm's head office is recorded in that lay inside this city: for the
   * old city, the 2025 units formed from its territory (reference data, NQ 1669/NQ-UBTVQH15).
   */
  countedUnits: BoundaryUnit[];
}

interface AreaRow {
  code: string;
  name: string;
  unit_type: AreaUnitType;
  parent_code: string | null;
  former_parent_code: string | null;
  valid_from: string | null;
  valid_to: string | null;
  basis: string | null;
}

const unit = (r: AreaRow): BoundaryUnit => ({ code: r.code, name: r.name, unitType: r.unit_type });

/**
 * Every city the reference data knows, oldest first, with its units. Small (two cities, ~130 rows):
 * callers read it once per request and pick the one in force per date with cityOn().
 */
export async function loadCityBoundaries(manager: EntityManager): Promise<CityBoundary[]> {
  const rows = await manager.query<AreaRow[]>(
    `SELECT code, name, unit_type, parent_code, former_parent_code, valid_from::text AS valid_from,
            valid_to::text AS valid_to, basis
       FROM areas ORDER BY code`,
  );
  const cities = rows.filter((r) => r.unit_type === 'city' && r.parent_code === null);
  const communeLevel = (r: AreaRow) => (COMMUNE_LEVEL_UNIT_TYPES as readonly string[]).includes(r.unit_type);
  return cities
    .map((c): CityBoundary => ({
      code: c.code,
      name: c.name,
      validFrom: c.valid_from,
      validTo: c.valid_to,
      basis: c.basis,
      units: rows.filter((r) => r.parent_code === c.code).map(unit),
      countedUnits: rows
        .filter((r) => communeLevel(r) && (r.parent_code === c.code || r.former_parent_code === c.code))
        .map(unit),
    }))
    .sort((a, b) => (a.validFrom ?? '').localeCompare(b.validFrom ?? ''));
}

/** The city in force on a date (YYYY-MM-DD); before the first known boundary, the earliest one. */
export function cityOn(boundaries: readonly CityBoundary[], date: string): CityBoundary {
  const found = boundaries.find(
    (b) => (b.validFrom === null || b.validFrom <= date) && (b.validTo === null || date <= b.validTo),
  );
  const city = found ?? boundaries[0];
  if (!city) throw new Error('No city in areas: run the seed (main.js migrate)');
  return city;
}
