import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Evaluation and award: panels, conflict-of-interest declarations, per-criterion scores with
 * their submission (and reopening) records, the chair's consensus scores, the award decision,
 * and the OCDS releases published for every public event.
 */
export class Evaluation1763800000004 implements MigrationInterface {
  name = 'Evaluation1763800000004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE problem_panel_members (
        problem_id uuid NOT NULL REFERENCES problems (id),
        user_id uuid NOT NULL REFERENCES users (id),
        is_chair boolean NOT NULL DEFAULT false,
        added_at timestamptz NOT NULL DEFAULT now(),
        removed_at timestamptz NULL,
        change_reason text NULL,
        PRIMARY KEY (problem_id, user_id)
      )`);
    await q.query(
      `CREATE UNIQUE INDEX problem_panel_one_chair_uq ON problem_panel_members (problem_id) WHERE is_chair AND removed_at IS NULL`,
    );
    await q.query(`CREATE INDEX problem_panel_members_user_idx ON problem_panel_members (user_id) WHERE removed_at IS NULL`);

    await q.query(`
      CREATE TABLE conflict_declarations (
        problem_id uuid NOT NULL REFERENCES problems (id),
        evaluator_id uuid NOT NULL REFERENCES users (id),
        enterprise_id uuid NOT NULL REFERENCES enterprises (id),
        conflict boolean NOT NULL,
        note text NULL,
        declared_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (problem_id, evaluator_id, enterprise_id)
      )`);

    await q.query(`
      CREATE TABLE proposal_scores (
        proposal_id uuid NOT NULL REFERENCES proposals (id),
        evaluator_id uuid NOT NULL REFERENCES users (id),
        criterion_key text NOT NULL,
        score numeric(4, 2) NOT NULL CHECK (score >= 0 AND score <= 10),
        comment text NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (proposal_id, evaluator_id, criterion_key)
      )`);
    await q.query(`
      CREATE TABLE proposal_score_submissions (
        proposal_id uuid NOT NULL REFERENCES proposals (id),
        evaluator_id uuid NOT NULL REFERENCES users (id),
        submitted_at timestamptz NULL,
        reopened_at timestamptz NULL,
        reopened_by uuid NULL REFERENCES users (id),
        reopen_reason text NULL,
        PRIMARY KEY (proposal_id, evaluator_id)
      )`);
    await q.query(`
      CREATE TABLE proposal_consensus_scores (
        proposal_id uuid PRIMARY KEY REFERENCES proposals (id),
        score numeric(5, 2) NOT NULL CHECK (score >= 0 AND score <= 100),
        reason text NOT NULL,
        recorded_by uuid NOT NULL REFERENCES users (id),
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE problem_outcomes (
        problem_id uuid PRIMARY KEY REFERENCES problems (id),
        outcome text NOT NULL CHECK (outcome IN ('awarded', 'unsuccessful')),
        proposal_id uuid NULL REFERENCES proposals (id),
        justification text NULL,
        reason text NULL,
        -- the ranking as it stood at the decision (scores, prices, ranks), so later panel changes cannot alter it
        ranking jsonb NULL,
        decided_by uuid NOT NULL REFERENCES users (id),
        decided_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT problem_outcomes_awarded_has_proposal CHECK (outcome <> 'awarded' OR proposal_id IS NOT NULL)
      )`);

    // Immutable snapshots, one per public event, built in the event's own transaction.
    await q.query(`
      CREATE TABLE ocds_releases (
        id text PRIMARY KEY,
        ocid text NOT NULL,
        problem_id uuid NOT NULL REFERENCES problems (id),
        tags text[] NOT NULL,
        date timestamptz NOT NULL,
        release jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ocds_releases_problem_idx ON ocds_releases (problem_id, date)`);
    await q.query(`CREATE INDEX ocds_releases_date_idx ON ocds_releases (date, id)`);
    await q.query(`
      CREATE FUNCTION ocds_releases_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'ocds_releases is append-only';
      END $$`);
    await q.query(`
      CREATE TRIGGER ocds_releases_no_change BEFORE UPDATE OR DELETE ON ocds_releases
      FOR EACH ROW EXECUTE FUNCTION ocds_releases_immutable()`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'ocds_releases',
      'problem_outcomes',
      'proposal_consensus_scores',
      'proposal_score_submissions',
      'proposal_scores',
      'conflict_declarations',
      'problem_panel_members',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
    await q.query(`DROP FUNCTION IF EXISTS ocds_releases_immutable()`);
  }
}
