import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Commune-level units (and the city) as reference data, and population figures per area and
 * as-of date with their source. Rows are loaded by the seed step (libs/areas), not here.
 */
export class Areas1763800000001 implements MigrationInterface {
  name = 'Areas1763800000001';

  async up(q: QueryRunner): Promise<void> {
    // unaccent() is only STABLE; an IMMUTABLE wrapper with a fixed dictionary can back indexes.
    await q.query(`
      CREATE FUNCTION f_unaccent(text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
      AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$`);
    // Lower-cased, accent-free form used for search: "Đà Nẵng" → "da nang".
    await q.query(`
      CREATE FUNCTION f_search_norm(text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
      AS $$ SELECT lower(public.f_unaccent(normalize($1, NFC))) $$`);

    await q.query(`
      CREATE TABLE areas (
        code text PRIMARY KEY,
        name text NOT NULL,
        unit_type text NOT NULL CHECK (unit_type IN ('city', 'ward', 'commune', 'special_zone')),
        parent_code text NULL REFERENCES areas (code),
        area_km2 numeric(10, 2) NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX areas_parent_idx ON areas (parent_code)`);

    await q.query(`
      CREATE TABLE area_populations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        area_code text NOT NULL REFERENCES areas (code),
        as_of date NOT NULL,
        population integer NOT NULL CHECK (population > 0),
        source text NOT NULL CHECK (length(source) > 0),
        recorded_by uuid NULL REFERENCES users (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT area_populations_area_as_of_uq UNIQUE (area_code, as_of)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS area_populations`);
    await q.query(`DROP TABLE IF EXISTS areas`);
    await q.query(`DROP FUNCTION IF EXISTS f_search_norm(text)`);
    await q.query(`DROP FUNCTION IF EXISTS f_unaccent(text)`);
  }
}
