import type { EntityManager } from 'typeorm';
import { db } from '@app/database';
import { Area, selectAreas, toArea } from './area-records';
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

const unit = (r: Area): BoundaryUnit => ({ code: r.code, name: r.name, unitType: r.unitType });

/**
 * Every city the reference data knows, oldest first, with its units. Small (two cities, ~130 rows):
 * callers read it once per request and pick the one in force per date with cityOn().
 */
export async function loadCityBoundaries(manager: EntityManager): Promise<CityBoundary[]> {
  const rows = (await selectAreas(db(manager)).orderBy('a.code').execute()).map(toArea);
  const cities = rows.filter((r) => r.unitType === 'city' && r.parentCode === null);
  const communeLevel = (r: Area) => (COMMUNE_LEVEL_UNIT_TYPES as readonly string[]).includes(r.unitType);
  return cities
    .map((c): CityBoundary => ({
      code: c.code,
      name: c.name,
      validFrom: c.validFrom,
      validTo: c.validTo,
      basis: c.basis,
      units: rows.filter((r) => r.parentCode === c.code).map(unit),
      countedUnits: rows.filter((r) => communeLevel(r) && (r.parentCode === c.code || r.formerParentCode === c.code)).map(unit),
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
