import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The indicator tells the truth from day one (issue 13):
 * - areas get validity periods and, for the 2025 units, the old city they lay in (reference data);
 *   the 15 district-level units and the old city are added by the seed;
 * - each indicator delta records when it became known (recorded_at), so any answer can be asked
 *   "as known at" a time and later backfills show as revisions;
 * - firms record when their digital-technology activity began, whether they came from an import,
 *   and claims by their owners;
 * - baseline imports (file, progress, row report) run as background jobs;
 * - the directory and problem search match words in any order through full-text indexes.
 */
export class IndicatorTruth1763800000300 implements MigrationInterface {
  name = 'IndicatorTruth1763800000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE areas DROP CONSTRAINT IF EXISTS areas_unit_type_check`);
    await q.query(`
      ALTER TABLE areas ADD CONSTRAINT areas_unit_type_check CHECK (unit_type IN
        ('city', 'ward', 'commune', 'special_zone', 'urban_district', 'district', 'district_city', 'island_district'))`);
    await q.query(`
      ALTER TABLE areas
        ADD COLUMN valid_from date NULL,
        ADD COLUMN valid_to date NULL,
        ADD COLUMN former_parent_code text NULL REFERENCES areas (code),
        ADD COLUMN basis text NULL,
        ADD CONSTRAINT areas_validity_order CHECK (valid_from IS NULL OR valid_to IS NULL OR valid_from <= valid_to)`);
    await q.query(`CREATE INDEX areas_former_parent_idx ON areas (former_parent_code)`);

    // One row per (dimension, key, effective day, moment recorded); a transaction's deltas share now().
    await q.query(`ALTER TABLE enterprise_activity_deltas ADD COLUMN recorded_at timestamptz NOT NULL DEFAULT now()`);
    await q.query(`ALTER TABLE enterprise_activity_deltas DROP CONSTRAINT enterprise_activity_deltas_pkey`);
    await q.query(`ALTER TABLE enterprise_activity_deltas ADD PRIMARY KEY (dimension, key, day, recorded_at)`);
    await q.query(`CREATE INDEX enterprise_activity_deltas_recorded_idx ON enterprise_activity_deltas (dimension, recorded_at)`);

    await q.query(`
      ALTER TABLE enterprises
        ADD COLUMN activity_started_on date NULL,
        ADD COLUMN activity_start_evidence text NULL,
        ADD COLUMN origin text NOT NULL DEFAULT 'registered' CHECK (origin IN ('registered', 'imported')),
        ADD COLUMN import_id uuid NULL,
        ADD COLUMN import_source text NULL,
        ADD COLUMN claimed_at timestamptz NULL`);
    await q.query(
      `CREATE INDEX enterprises_search_tsv_idx ON enterprises USING gin (to_tsvector('simple'::regconfig, search_document))`,
    );

    await q.query(`
      CREATE TABLE enterprise_imports (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        file_name text NOT NULL,
        file_format text NOT NULL CHECK (file_format IN ('csv', 'xlsx')),
        file_sha256 text NOT NULL,
        file_bytes bytea NOT NULL,
        source text NOT NULL CHECK (length(source) > 0),
        status text NOT NULL CHECK (status IN ('validating', 'validated', 'committing', 'committed', 'failed')),
        total_rows integer NULL,
        processed_rows integer NOT NULL DEFAULT 0,
        summary jsonb NULL,
        error text NULL,
        created_by uuid NOT NULL REFERENCES users (id),
        committed_by uuid NULL REFERENCES users (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        validated_at timestamptz NULL,
        commit_requested_at timestamptz NULL,
        committed_at timestamptz NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `ALTER TABLE enterprises ADD CONSTRAINT enterprises_import_fk FOREIGN KEY (import_id) REFERENCES enterprise_imports (id)`,
    );
    await q.query(`
      CREATE TABLE enterprise_import_rows (
        import_id uuid NOT NULL REFERENCES enterprise_imports (id) ON DELETE CASCADE,
        row_number integer NOT NULL,
        outcome text NOT NULL,
        tax_code text NULL,
        record jsonb NULL,
        problems jsonb NOT NULL DEFAULT '[]'::jsonb,
        enterprise_id uuid NULL,
        PRIMARY KEY (import_id, row_number)
      )`);
    await q.query(`CREATE INDEX enterprise_import_rows_outcome_idx ON enterprise_import_rows (import_id, outcome, row_number)`);

    await q.query(`
      CREATE TABLE enterprise_claims (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        enterprise_id uuid NOT NULL REFERENCES enterprises (id),
        user_id uuid NOT NULL REFERENCES users (id),
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
        reason text NULL,
        decided_by uuid NULL REFERENCES users (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        decided_at timestamptz NULL,
        CONSTRAINT enterprise_claims_user_uq UNIQUE (user_id)
      )`);
    await q.query(`CREATE INDEX enterprise_claims_enterprise_idx ON enterprise_claims (enterprise_id, status)`);
    await q.query(
      `CREATE UNIQUE INDEX enterprise_claims_one_approved ON enterprise_claims (enterprise_id) WHERE status = 'approved'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS enterprise_claims`);
    await q.query(`ALTER TABLE enterprises DROP CONSTRAINT IF EXISTS enterprises_import_fk`);
    await q.query(`DROP TABLE IF EXISTS enterprise_import_rows`);
    await q.query(`DROP TABLE IF EXISTS enterprise_imports`);
    await q.query(`DROP INDEX IF EXISTS enterprises_search_tsv_idx`);
    await q.query(`
      ALTER TABLE enterprises DROP COLUMN activity_started_on, DROP COLUMN activity_start_evidence, DROP COLUMN origin,
        DROP COLUMN import_id, DROP COLUMN import_source, DROP COLUMN claimed_at`);
    await q.query(`DROP INDEX IF EXISTS enterprise_activity_deltas_recorded_idx`);
    await q.query(`ALTER TABLE enterprise_activity_deltas DROP CONSTRAINT enterprise_activity_deltas_pkey`);
    await q.query(`
      DELETE FROM enterprise_activity_deltas d USING (
        SELECT dimension, key, day, max(recorded_at) AS keep FROM enterprise_activity_deltas GROUP BY 1, 2, 3) k
      WHERE d.dimension = k.dimension AND d.key = k.key AND d.day = k.day AND d.recorded_at <> k.keep`);
    await q.query(`ALTER TABLE enterprise_activity_deltas ADD PRIMARY KEY (dimension, key, day)`);
    await q.query(`ALTER TABLE enterprise_activity_deltas DROP COLUMN recorded_at`);
    await q.query(`DELETE FROM areas WHERE valid_to IS NOT NULL AND parent_code IS NOT NULL`);
    await q.query(`DELETE FROM areas WHERE valid_to IS NOT NULL`);
    await q.query(
      `ALTER TABLE areas DROP COLUMN valid_from, DROP COLUMN valid_to, DROP COLUMN former_parent_code, DROP COLUMN basis`,
    );
    await q.query(`ALTER TABLE areas DROP CONSTRAINT IF EXISTS areas_unit_type_check`);
    await q.query(
      `ALTER TABLE areas ADD CONSTRAINT areas_unit_type_check CHECK (unit_type IN ('city', 'ward', 'commune', 'special_zone'))`,
    );
  }
}
