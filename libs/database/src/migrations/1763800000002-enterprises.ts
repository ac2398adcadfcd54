import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The enterprise registry: firms (one organisation each), their dated status history, and the
 * maintained aggregate the density indicator reads (activity deltas per area/sector and day).
 */
export class Enterprises1763800000002 implements MigrationInterface {
  name = 'Enterprises1763800000002';

  async up(q: QueryRunner): Promise<void> {
    // Enterprise members: the owner (who registered the firm) and the members they invited.
    await q.query(`ALTER TABLE users ADD COLUMN org_role text NULL CHECK (org_role IN ('owner', 'member'))`);
    await q.query(`ALTER TABLE users ADD CONSTRAINT users_org_role_enterprise CHECK (org_role IS NULL OR role = 'enterprise')`);

    // Declared IMMUTABLE (array_to_string is only STABLE, but is immutable for text[]) so a
    // generated column and its trigram index can use it.
    await q.query(`
      CREATE FUNCTION enterprise_search_document(legal_name text, short_name text, tags text[], products jsonb)
      RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
      AS $$ SELECT f_search_norm(
        coalesce(legal_name, '') || ' ' || coalesce(short_name, '') || ' ' ||
        coalesce(array_to_string(tags, ' '), '') || ' ' ||
        coalesce((SELECT string_agg(coalesce(p->>'name', '') || ' ' || coalesce(p->>'description', ''), ' ')
                  FROM jsonb_array_elements(products) AS p), '')
      ) $$`);
    await q.query(`
      CREATE TABLE enterprises (
        id uuid PRIMARY KEY REFERENCES organizations (id),
        tax_code text NOT NULL,
        legal_name text NOT NULL,
        short_name text NULL,
        founded_on date NULL,
        address text NOT NULL,
        area_code text NOT NULL REFERENCES areas (code),
        -- the sector codes of PRODUCT.md (SECTORS in libs/enterprises); rows inserted directly must use them too
        sectors text[] NOT NULL CHECK (cardinality(sectors) > 0) CHECK (sectors <@ ARRAY[
          'ecommerce', 'smart_tourism', 'smart_agriculture', 'smart_manufacturing', 'ict', 'logistics_seaport',
          'health', 'education', 'public_administration', 'environment', 'other']::text[]),
        tags text[] NOT NULL DEFAULT '{}',
        headcount_band text NULL,
        website text NULL,
        phone text NULL,
        contact_email text NULL,
        products jsonb NOT NULL DEFAULT '[]'::jsonb,
        status text NOT NULL DEFAULT 'pending'
          CHECK (status IN ('pending', 'verified', 'suspended', 'ceased', 'rejected')),
        status_reason text NULL,
        status_effective_date date NULL,
        -- the day the counted footprint (area, sectors) last moved while verified; a backdated
        -- transition may not precede it, or its deltas would land where the firm was not yet counted
        activity_moved_on date NULL,
        -- accent-free, lower-case text searched by the directory (names, tags, products)
        search_document text GENERATED ALWAYS AS (enterprise_search_document(legal_name, short_name, tags, products)) STORED,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT enterprises_tax_code_uq UNIQUE (tax_code)
      )`);
    await q.query(`CREATE INDEX enterprises_search_trgm_idx ON enterprises USING gin (search_document gin_trgm_ops)`);
    await q.query(`CREATE INDEX enterprises_sectors_idx ON enterprises USING gin (sectors)`);
    await q.query(`CREATE INDEX enterprises_status_area_idx ON enterprises (status, area_code)`);
    await q.query(`CREATE INDEX enterprises_status_name_idx ON enterprises (status, legal_name, id)`);

    // Every status change, dated by when it took effect (which may be earlier than when it was recorded).
    await q.query(`
      CREATE TABLE enterprise_status_history (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        enterprise_id uuid NOT NULL REFERENCES enterprises (id),
        from_status text NULL,
        to_status text NOT NULL,
        effective_date date NOT NULL,
        reason text NULL,
        actor_id uuid NULL REFERENCES users (id),
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX enterprise_status_history_enterprise_idx ON enterprise_status_history (enterprise_id, id)`);

    /*
     * Maintained aggregate for the density indicator. A firm that becomes active (verified or
     * reinstated) adds +1 on its effective date to its area and to each of its sectors; leaving
     * (suspended, ceased) adds -1; moving its head office or changing sectors while active moves
     * the +1. The count as of D is SUM(delta) over day <= D: the cost grows with areas × days
     * with changes, never with the number of firms.
     */
    await q.query(`
      CREATE TABLE enterprise_activity_deltas (
        dimension text NOT NULL CHECK (dimension IN ('area', 'sector')),
        key text NOT NULL,
        day date NOT NULL,
        delta integer NOT NULL,
        PRIMARY KEY (dimension, key, day)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS enterprise_activity_deltas`);
    await q.query(`DROP TABLE IF EXISTS enterprise_status_history`);
    await q.query(`DROP TABLE IF EXISTS enterprises`);
    await q.query(`DROP FUNCTION IF EXISTS enterprise_search_document(text, text, text[], jsonb)`);
    await q.query(`ALTER TABLE users DROP CONSTRAINT IF EXISTS users_org_role_enterprise`);
    await q.query(`ALTER TABLE users DROP COLUMN IF EXISTS org_role`);
  }
}
