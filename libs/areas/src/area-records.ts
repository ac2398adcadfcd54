import { sql } from 'kysely';
import type { Database } from '@app/database';
import type { AreaUnitType } from './area-types';

/** The city or one of its commune-level units (reference data, loaded by the seed). */
export interface Area {
  code: string;
  name: string;
  unitType: AreaUnitType;
  parentCode: string | null;
  /** numeric comes back from pg as a string; these are small decimals, safe as numbers. */
  areaKm2: number | null;
  /** YYYY-MM-DD: first day in force (null: since before any date the platform knows). */
  validFrom: string | null;
  /** YYYY-MM-DD: last day in force (null: still in force). */
  validTo: string | null;
  /** A 2025 commune-level unit formed inside the city as it was before 1 July 2025: that city's code. */
  formerParentCode: string | null;
  basis: string | null;
}

/** An area's population on a date, with its source; at most one per area and date. */
export interface AreaPopulation {
  id: string;
  areaCode: string;
  /** YYYY-MM-DD */
  asOf: string;
  population: number;
  source: string;
  recordedBy: string | null;
  updatedAt: Date;
}

/** A calendar day (YYYY-MM-DD) to compare with a date column (which the builder types as a Date). */
export const calendarDay = (day: string) => sql<Date>`${day}::date`;

/** The areas table with its dates as YYYY-MM-DD text; map the rows with toArea(). */
export function selectAreas(database: Database) {
  return database
    .selectFrom('areas as a')
    .select([
      'a.code',
      'a.name',
      'a.unit_type',
      'a.parent_code',
      'a.area_km2',
      sql<string | null>`a.valid_from::text`.as('valid_from'),
      sql<string | null>`a.valid_to::text`.as('valid_to'),
      'a.former_parent_code',
      'a.basis',
    ]);
}

export function toArea(row: {
  code: string;
  name: string;
  unit_type: string;
  parent_code: string | null;
  area_km2: string | null;
  valid_from: string | null;
  valid_to: string | null;
  former_parent_code: string | null;
  basis: string | null;
}): Area {
  return {
    code: row.code,
    name: row.name,
    unitType: row.unit_type as AreaUnitType,
    parentCode: row.parent_code,
    areaKm2: row.area_km2 === null ? null : Number(row.area_km2),
    validFrom: row.valid_from,
    validTo: row.valid_to,
    formerParentCode: row.former_parent_code,
    basis: row.basis,
  };
}

/** The area_populations table with as_of as YYYY-MM-DD text; map the rows with toAreaPopulation(). */
export function selectAreaPopulations(database: Database) {
  return database
    .selectFrom('area_populations as p')
    .select([
      'p.id',
      'p.area_code',
      sql<string>`p.as_of::text`.as('as_of'),
      'p.population',
      'p.source',
      'p.recorded_by',
      'p.updated_at',
    ]);
}

export function toAreaPopulation(row: {
  id: string;
  area_code: string;
  as_of: string;
  population: number;
  source: string;
  recorded_by: string | null;
  updated_at: Date;
}): AreaPopulation {
  return {
    id: row.id,
    areaCode: row.area_code,
    asOf: row.as_of,
    population: row.population,
    source: row.source,
    recordedBy: row.recorded_by,
    updatedAt: row.updated_at,
  };
}
