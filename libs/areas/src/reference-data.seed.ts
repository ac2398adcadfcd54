// Imported by test/global-setup.ts through relative paths (jest's path mapping does not apply
// there): keep this file's imports free of @app/* aliases.
import type { EntityManager } from 'typeorm';
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
  const written = await manager.query<{ code: string }[]>(
    `INSERT INTO areas (code, name, unit_type, parent_code, area_km2, valid_from, valid_to, former_parent_code, basis)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::numeric[], $6::date[], $7::date[], $8::text[], $9::text[])
     ON CONFLICT (code) DO UPDATE
       SET name = EXCLUDED.name, unit_type = EXCLUDED.unit_type, parent_code = EXCLUDED.parent_code,
           area_km2 = EXCLUDED.area_km2, valid_from = EXCLUDED.valid_from, valid_to = EXCLUDED.valid_to,
           former_parent_code = EXCLUDED.former_parent_code, basis = EXCLUDED.basis, updated_at = now()
       WHERE (areas.name, areas.unit_type, areas.parent_code, areas.area_km2, areas.valid_from, areas.valid_to,
              areas.former_parent_code, areas.basis)
         IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.unit_type, EXCLUDED.parent_code, EXCLUDED.area_km2, EXCLUDED.valid_from,
              EXCLUDED.valid_to, EXCLUDED.former_parent_code, EXCLUDED.basis)
     RETURNING code`,
    [
      areas.map((a) => a.code),
      areas.map((a) => a.name),
      areas.map((a) => a.unitType),
      areas.map((a) => a.parentCode),
      areas.map((a) => a.areaKm2),
      areas.map((a) => a.validFrom),
      areas.map((a) => a.validTo),
      areas.map((a) => a.formerParentCode),
      areas.map((a) => a.basis),
    ],
  );

  const figures = REFERENCE_POPULATIONS;
  const inserted = await manager.query<{ area_code: string; as_of: string; population: number; source: string }[]>(
    `INSERT INTO area_populations (area_code, as_of, population, source)
     SELECT p.area_code, p.as_of, p.population, p.source
     FROM unnest($1::text[], $2::date[], $3::int[], $4::text[], $5::text[]) AS p(area_code, as_of, population, source, audit_id)
     WHERE (SELECT l.action FROM audit_log l WHERE l.entity_type = $6 AND l.entity_id = p.audit_id ORDER BY l.seq DESC LIMIT 1)
       IS DISTINCT FROM $7
     ON CONFLICT (area_code, as_of) DO NOTHING
     RETURNING area_code, to_char(as_of, 'YYYY-MM-DD') AS as_of, population, source`,
    [
      figures.map((f) => f.areaCode),
      figures.map((f) => f.asOf),
      figures.map((f) => f.value),
      figures.map((f) => f.source),
      figures.map((f) => populationAuditId(f.areaCode, f.asOf)),
      POPULATION_AUDIT_ENTITY,
      POPULATION_AUDIT_ACTIONS.deleted,
    ],
  );
  return {
    areasWritten: written.length,
    populationsInserted: inserted.map((r) => ({ areaCode: r.area_code, asOf: r.as_of, value: r.population, source: r.source })),
  };
}
