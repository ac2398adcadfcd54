import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Fair bidding (issue 8):
 * - sealed audit rows: facts that must stay confidential until a rule opens them (who bid, before
 *   the proposals open; evaluators' scores, before the panel has finished) are held outside the
 *   hash chain and appended to it, in their original order and with their original time, when
 *   the rule opens them — so no read of the log (rows, counts, seq gaps, links) shows them early;
 * - bids count by the time the server received them: each problem keeps the commit grace in
 *   force when it was published, and the deadline guard refuses a row received at or after the
 *   deadline, or committing after deadline + grace;
 * - confirming a bid after an amendment: which amendment each version was made against, and the
 *   firm's confirmations.
 */
export class FairBidding1763800000005 implements MigrationInterface {
  name = 'FairBidding1763800000005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_sealed (
        held_seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id uuid NOT NULL UNIQUE,
        scope text NOT NULL CHECK (scope IN ('bids', 'scores')),
        ref uuid NOT NULL,
        occurred_at timestamptz NOT NULL,
        actor_id uuid NULL,
        actor_role text NULL,
        action text NOT NULL,
        entity_type text NOT NULL,
        entity_id text NULL,
        before jsonb NULL,
        after jsonb NULL
      )`);
    await q.query(`CREATE INDEX audit_sealed_scope_idx ON audit_sealed (scope, ref, held_seq)`);
    // Append-only, like the log it feeds: a held row can be released (copied into audit_log), never changed.
    await q.query(`
      CREATE TRIGGER audit_sealed_append_only BEFORE UPDATE OR DELETE ON audit_sealed
      FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change()`);
    await q.query(`
      CREATE TRIGGER audit_sealed_no_truncate BEFORE TRUNCATE ON audit_sealed
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change()`);

    await q.query(`ALTER TABLE problems ADD COLUMN receipt_grace interval NOT NULL DEFAULT interval '10 seconds'`);
    await q.query(`ALTER TABLE proposal_versions ADD COLUMN amendment_number integer NOT NULL DEFAULT 0`);
    // Whether a bid needs confirming is computed from the numbers (latest amendment vs what the bid
    // answers), so the flag the amendment used to set on another library's table goes.
    await q.query(`ALTER TABLE proposals ADD COLUMN confirmed_amendment integer NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE proposals DROP COLUMN needs_confirmation`);
    await q.query(`
      CREATE TABLE proposal_confirmations (
        proposal_id uuid NOT NULL REFERENCES proposals (id),
        amendment_number integer NOT NULL,
        version integer NOT NULL,
        confirmed_at timestamptz NOT NULL,
        confirmed_by uuid NOT NULL REFERENCES users (id),
        PRIMARY KEY (proposal_id, amendment_number)
      )`);

    /*
     * The deadline kept by the database clock, on what the server received: the row's received
     * time (set by the API from the database clock when the request arrived) must be before the
     * deadline, and the transaction must COMMIT before deadline + the problem's grace, after which
     * the proposals open. So a bid received in time is never refused for having queued, and none
     * can commit after an opening.
     */
    await q.query(`
      CREATE OR REPLACE FUNCTION proposal_deadline_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        v_problem uuid;
        v_deadline timestamptz;
        v_grace interval;
        v_status text;
        v_received timestamptz;
      BEGIN
        IF TG_TABLE_NAME IN ('proposals', 'proposal_attachments') THEN
          v_problem := NEW.problem_id;
        ELSE
          SELECT problem_id INTO v_problem FROM proposals WHERE id = NEW.proposal_id;
        END IF;
        -- (IF, not CASE: a record field that the table lacks must not even be mentioned)
        IF TG_TABLE_NAME = 'proposal_versions' THEN
          v_received := NEW.submitted_at;
        ELSIF TG_TABLE_NAME = 'proposal_attachments' THEN
          v_received := NEW.created_at;
        ELSIF TG_TABLE_NAME = 'proposals' THEN
          v_received := NEW.withdrawn_at;
        ELSIF TG_TABLE_NAME = 'proposal_confirmations' THEN
          v_received := NEW.confirmed_at;
        END IF;
        SELECT deadline, receipt_grace, status INTO v_deadline, v_grace, v_status FROM problems WHERE id = v_problem;
        -- IS DISTINCT FROM / IS NULL: a row whose problem or received time cannot be found is refused too.
        IF v_status IS DISTINCT FROM 'published' OR v_deadline IS NULL OR v_received IS NULL
           OR v_received >= v_deadline OR clock_timestamp() >= v_deadline + v_grace THEN
          RAISE EXCEPTION 'PROPOSAL_DEADLINE_PASSED' USING ERRCODE = 'P0001',
            DETAIL = format('deadline %s, grace %s, received %s, now %s, status %s', v_deadline, v_grace, v_received, clock_timestamp(), v_status);
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE CONSTRAINT TRIGGER proposal_confirmations_deadline AFTER INSERT ON proposal_confirmations
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION proposal_deadline_guard()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS proposal_confirmations`);
    await q.query(`ALTER TABLE proposals DROP COLUMN IF EXISTS confirmed_amendment`);
    await q.query(`ALTER TABLE proposals ADD COLUMN IF NOT EXISTS needs_confirmation boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE proposal_versions DROP COLUMN IF EXISTS amendment_number`);
    await q.query(`ALTER TABLE problems DROP COLUMN IF EXISTS receipt_grace`);
    await q.query(`DROP TABLE IF EXISTS audit_sealed`);
  }
}
