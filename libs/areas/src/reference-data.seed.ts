import { sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import { latestAuditActions } from '@app/audit';
import { db } from '@app/database';
import type { ReferencePopulation } from './area-types';
import { POPULATION_AUDIT_ACTIONS, POPULATION_AUDIT_ENTITY, populationAuditId } from './population-audit';
import {
  HAIPHONG_CITY,
  HAIPHONG_COMMUNES,
  HAIPHONG_DISTRICTS_2024,
  HAIPHONG_OLD_CITY,
  REFERENCE_POPULATIONS,
} from './reference-data.generated';

export interface ReferenceSeedResult {
  /** Areas inserted or changed (0 when the table already matched the reference data). */
  areasWritten: number;
  /** Population figures inserted by this run. */
  populationsInserted: ReferencePopulation[];
}

/**
 * Loads the city and its commune-level units, and the reference population figures. Idempotent:
 * areas are upserted (rows that already match are left alone); a figure is inserted only where
 * none exists for that area and date, so an admin's correction is never overwritten, and not
 * while the audit log's latest word on it is an admin's deletion, so a restart cannot resurrect it.
 * Run it inside a transaction.
 */
export async function seedAreaReferenceData(manager: EntityManager): Promise<ReferenceSeedResult> {
  // One statement: foreign keys are checked at its end, so the city may precede its units in the list.
  const areas = [HAIPHONG_CITY, HAIPHONG_OLD_CITY, ...HAIPHONG_DISTRICTS_2024, ...HAIPHONG_COMMUNES];
  const changed = [
    'name',
    'unit_type',
    'parent_code',
    'area_km2',
    'valid_from',
    'valid_to',
    'former_parent_code',
    'basis',
  ] as const;
  const written = await db(manager)
    .insertInto('areas')
    .values(
      areas.map((a) => ({
        code: a.code,
        name: a.name,
        unit_type: a.unitType,
        parent_code: a.parentCode,
        area_km2: a.areaKm2,
        valid_from: a.validFrom,
        valid_to: a.validTo,
        former_parent_code: a.formerParentCode,
        basis: a.basis,
      })),
    )
    .onConflict((oc) =>
      oc
        .column('code')
        .doUpdateSet((eb) => ({
          ...Object.fromEntries(changed.map((c) => [c, eb.ref(`excluded.${c}`)])),
          updated_at: sql<Date>`now()`,
        }))
        .where(
          sql<boolean>`(${sql.join(changed.map((c) => sql.ref(`areas.${c}`)))})
            IS DISTINCT FROM (${sql.join(changed.map((c) => sql.ref(`excluded.${c}`)))})`,
        ),
    )
    .returning('code')
    .execute();

  // A figure the audit log last records as deleted by an admin stays deleted.
  const latest = await latestAuditActions(
    manager,
    POPULATION_AUDIT_ENTITY,
    REFERENCE_POPULATIONS.map((f) => populationAuditId(f.areaCode, f.asOf)),
  );
  const figures = REFERENCE_POPULATIONS.filter(
    (f) => latest.get(populationAuditId(f.areaCode, f.asOf)) !== POPULATION_AUDIT_ACTIONS.deleted,
  );
  const inserted =
    figures.length === 0
      ? []
      : await db(manager)
          .insertInto('area_populations')
          .values(figures.map((f) => ({ area_code: f.areaCode, as_of: f.asOf, population: f.value, source: f.source })))
          .onConflict((oc) => oc.columns(['area_code', 'as_of']).doNothing())
          .returning(['area_code', sql<string>`to_char(as_of, 'YYYY-MM-DD')`.as('as_of'), 'population', 'source'])
          .execute();
  return {
    areasWritten: written.length,
    populationsInserted: inserted.map((r) => ({ areaCode: r.area_code, asOf: r.as_of, value: r.population, source: r.source })),
  };
}
