import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The marketplace: problems departments post, their clarifications and numbered amendments,
 * follows, invitations and subscriptions; sealed proposals (content encrypted per version,
 * see libs/proposals) with attachments and idempotent submissions; in-app notifications.
 */
export class Marketplace1763800000003 implements MigrationInterface {
  name = 'Marketplace1763800000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION problem_search_document(title text, summary text, description text, tags text[])
      RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
      AS $$ SELECT f_search_norm(
        coalesce(title, '') || ' ' || coalesce(summary, '') || ' ' || coalesce(description, '') || ' ' ||
        coalesce(array_to_string(tags, ' '), '')) $$`);

    await q.query(`
      CREATE TABLE problems (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        department_id uuid NOT NULL REFERENCES organizations (id),
        created_by uuid NOT NULL REFERENCES users (id),
        status text NOT NULL DEFAULT 'draft'
          CHECK (status IN ('draft', 'published', 'closed', 'evaluating', 'awarded', 'unsuccessful', 'cancelled')),
        title text NOT NULL,
        summary text NOT NULL,
        description text NOT NULL,
        expected_results text NOT NULL,
        kpis jsonb NOT NULL DEFAULT '[]'::jsonb,
        sector text NOT NULL,
        tags text[] NOT NULL DEFAULT '{}',
        area_code text NULL REFERENCES areas (code),
        data_available text NULL,
        constraints_text text NULL,
        budget_ceiling bigint NULL CHECK (budget_ceiling > 0),
        duration_months integer NULL CHECK (duration_months > 0),
        deadline timestamptz NOT NULL,
        clarification_deadline timestamptz NOT NULL,
        rubric jsonb NOT NULL,
        contact jsonb NULL,
        published_at timestamptz NULL,
        closed_at timestamptz NULL,
        cancelled_at timestamptz NULL,
        cancel_reason text NULL,
        amendment_count integer NOT NULL DEFAULT 0,
        -- the problem's proposal key, wrapped (AES-256-GCM) by DATA_MASTER_KEY; see libs/proposals
        sealed_key bytea NULL,
        search_document text GENERATED ALWAYS AS (problem_search_document(title, summary, description, tags)) STORED,
        search_vector tsvector GENERATED ALWAYS AS (
          to_tsvector('simple'::regconfig, problem_search_document(title, summary, description, tags))) STORED,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT problems_clarification_before_deadline CHECK (clarification_deadline <= deadline)
      )`);
    await q.query(`CREATE INDEX problems_search_trgm_idx ON problems USING gin (search_document gin_trgm_ops)`);
    await q.query(`CREATE INDEX problems_search_vector_idx ON problems USING gin (search_vector)`);
    await q.query(`CREATE INDEX problems_status_deadline_idx ON problems (status, deadline, id)`);
    await q.query(`CREATE INDEX problems_status_published_idx ON problems (status, published_at DESC, id DESC)`);
    await q.query(`CREATE INDEX problems_department_idx ON problems (department_id, status)`);
    await q.query(`CREATE INDEX problems_sector_idx ON problems (sector, status)`);
    await q.query(`CREATE INDEX problems_area_idx ON problems (area_code) WHERE area_code IS NOT NULL`);
    await q.query(`CREATE INDEX problems_budget_idx ON problems (budget_ceiling) WHERE budget_ceiling IS NOT NULL`);

    await q.query(`
      CREATE TABLE problem_amendments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        problem_id uuid NOT NULL REFERENCES problems (id),
        number integer NOT NULL,
        changes jsonb NOT NULL,
        reason text NOT NULL,
        previous_deadline timestamptz NOT NULL,
        new_deadline timestamptz NOT NULL,
        created_by uuid NOT NULL REFERENCES users (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT problem_amendments_number_uq UNIQUE (problem_id, number)
      )`);

    await q.query(`
      CREATE TABLE problem_questions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        problem_id uuid NOT NULL REFERENCES problems (id),
        enterprise_id uuid NOT NULL REFERENCES enterprises (id),
        asked_by uuid NOT NULL REFERENCES users (id),
        question text NOT NULL,
        answer text NULL,
        answered_by uuid NULL REFERENCES users (id),
        answered_at timestamptz NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX problem_questions_problem_idx ON problem_questions (problem_id, created_at)`);

    await q.query(`
      CREATE TABLE problem_followers (
        problem_id uuid NOT NULL REFERENCES problems (id),
        enterprise_id uuid NOT NULL REFERENCES enterprises (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (problem_id, enterprise_id)
      )`);
    await q.query(`
      CREATE TABLE problem_invitations (
        problem_id uuid NOT NULL REFERENCES problems (id),
        enterprise_id uuid NOT NULL REFERENCES enterprises (id),
        invited_by uuid NOT NULL REFERENCES users (id),
        message text NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (problem_id, enterprise_id)
      )`);
    await q.query(`
      CREATE TABLE enterprise_subscriptions (
        enterprise_id uuid PRIMARY KEY REFERENCES enterprises (id),
        sectors text[] NOT NULL DEFAULT '{}',
        keywords text[] NOT NULL DEFAULT '{}',
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX enterprise_subscriptions_sectors_idx ON enterprise_subscriptions USING gin (sectors)`);

    // One row per proposal (firm × problem); its content lives, encrypted, in versions.
    await q.query(`
      CREATE TABLE proposals (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        problem_id uuid NOT NULL REFERENCES problems (id),
        enterprise_id uuid NOT NULL REFERENCES enterprises (id),
        status text NOT NULL DEFAULT 'submitted'
          CHECK (status IN ('submitted', 'withdrawn', 'awarded', 'not_awarded')),
        current_version integer NOT NULL,
        -- set when an amendment lands after this proposal's latest version
        needs_confirmation boolean NOT NULL DEFAULT false,
        created_by uuid NOT NULL REFERENCES users (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        withdrawn_at timestamptz NULL
      )`);
    await q.query(
      `CREATE UNIQUE INDEX proposals_one_live_uq ON proposals (problem_id, enterprise_id) WHERE status <> 'withdrawn'`,
    );
    await q.query(`CREATE INDEX proposals_enterprise_idx ON proposals (enterprise_id, created_at DESC)`);

    await q.query(`
      CREATE TABLE proposal_versions (
        proposal_id uuid NOT NULL REFERENCES proposals (id),
        version integer NOT NULL,
        submitted_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        submitted_by uuid NOT NULL REFERENCES users (id),
        content_sha256 char(64) NOT NULL,
        ciphertext bytea NOT NULL,
        iv bytea NOT NULL,
        auth_tag bytea NOT NULL,
        -- the version's data key, wrapped once by the problem key (opened after the deadline)
        -- and once by the bidder's key (only for the firm's own reads)
        key_for_problem bytea NOT NULL,
        key_for_bidder bytea NOT NULL,
        PRIMARY KEY (proposal_id, version)
      )`);

    // Uploaded before the proposal that cites them exists: an attachment belongs to a problem and
    // a firm first, and to a proposal (and the version that first cited it) once submitted.
    await q.query(`
      CREATE TABLE proposal_attachments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        problem_id uuid NOT NULL REFERENCES problems (id),
        enterprise_id uuid NOT NULL REFERENCES enterprises (id),
        proposal_id uuid NULL REFERENCES proposals (id),
        version integer NULL,
        uploaded_by uuid NOT NULL REFERENCES users (id),
        file_name_ciphertext bytea NOT NULL,
        media_type text NOT NULL,
        size_bytes integer NOT NULL,
        content_sha256 char(64) NOT NULL,
        storage_key text NOT NULL,
        iv bytea NOT NULL,
        auth_tag bytea NOT NULL,
        key_for_problem bytea NOT NULL,
        key_for_bidder bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX proposal_attachments_proposal_idx ON proposal_attachments (proposal_id)`);
    await q.query(`CREATE INDEX proposal_attachments_owner_idx ON proposal_attachments (problem_id, enterprise_id)`);

    /*
     * The deadline is kept by the database clock at COMMIT: a deferred constraint trigger
     * re-checks clock_timestamp() against the problem's deadline when the transaction that
     * writes a version, an attachment or a withdrawal commits, so a request that started in
     * time but commits late is refused (SQLSTATE P0001, message PROPOSAL_DEADLINE_PASSED).
     */
    await q.query(`
      CREATE FUNCTION proposal_deadline_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        v_problem uuid;
        v_deadline timestamptz;
        v_status text;
      BEGIN
        IF TG_TABLE_NAME IN ('proposals', 'proposal_attachments') THEN
          v_problem := NEW.problem_id;
        ELSE
          SELECT problem_id INTO v_problem FROM proposals WHERE id = NEW.proposal_id;
        END IF;
        SELECT deadline, status INTO v_deadline, v_status FROM problems WHERE id = v_problem;
        -- IS DISTINCT FROM / IS NULL: a row whose problem cannot be found is refused too.
        IF v_status IS DISTINCT FROM 'published' OR v_deadline IS NULL OR clock_timestamp() >= v_deadline THEN
          RAISE EXCEPTION 'PROPOSAL_DEADLINE_PASSED' USING ERRCODE = 'P0001',
            DETAIL = format('deadline %s, now %s, status %s', v_deadline, clock_timestamp(), v_status);
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE CONSTRAINT TRIGGER proposal_versions_deadline AFTER INSERT ON proposal_versions
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION proposal_deadline_guard()`);
    await q.query(`
      CREATE CONSTRAINT TRIGGER proposal_attachments_deadline AFTER INSERT ON proposal_attachments
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION proposal_deadline_guard()`);
    await q.query(`
      CREATE CONSTRAINT TRIGGER proposals_withdraw_deadline AFTER UPDATE OF status ON proposals
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
      WHEN (NEW.status = 'withdrawn' AND OLD.status <> 'withdrawn')
      EXECUTE FUNCTION proposal_deadline_guard()`);

    // Retried submissions: same key and body → the stored answer; same key, other body → refused.
    await q.query(`
      CREATE TABLE idempotency_keys (
        user_id uuid NOT NULL REFERENCES users (id),
        key text NOT NULL,
        scope text NOT NULL,
        request_sha256 char(64) NOT NULL,
        status_code integer NOT NULL,
        response jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, key)
      )`);

    await q.query(`
      CREATE TABLE notifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id),
        kind text NOT NULL,
        title text NOT NULL,
        body text NOT NULL,
        data jsonb NOT NULL DEFAULT '{}'::jsonb,
        read_at timestamptz NULL,
        emailed_at timestamptz NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX notifications_user_idx ON notifications (user_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'notifications',
      'idempotency_keys',
      'proposal_attachments',
      'proposal_versions',
      'proposals',
      'enterprise_subscriptions',
      'problem_invitations',
      'problem_followers',
      'problem_questions',
      'problem_amendments',
      'problems',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
    await q.query(`DROP FUNCTION IF EXISTS proposal_deadline_guard()`);
    await q.query(`DROP FUNCTION IF EXISTS problem_search_document(text, text, text, text[])`);
  }
}
