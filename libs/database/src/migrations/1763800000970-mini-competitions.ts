import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A mini-competition among catalogue firms (issue 16 item 6): a problem open only to the firms of
 * the catalogue entries it cites, with the department's written justification. One row per
 * competition and one per cited entry (its firm is the invited one); the list never changes once
 * written, so a trigger refuses updates.
 */
export class MiniCompetitions1763800000970 implements MigrationInterface {
  name = 'MiniCompetitions1763800000970';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE mini_competitions (
        problem_id uuid PRIMARY KEY REFERENCES problems(id) ON DELETE CASCADE,
        justification text NOT NULL CHECK (length(justification) > 0),
        created_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE mini_competition_entries (
        problem_id uuid NOT NULL REFERENCES mini_competitions(problem_id) ON DELETE CASCADE,
        source_order_id uuid NOT NULL REFERENCES orders(id),
        enterprise_id uuid NOT NULL REFERENCES enterprises(id),
        position int NOT NULL,
        PRIMARY KEY (problem_id, source_order_id)
      )`);
    await q.query(`CREATE INDEX mini_competition_entries_firm ON mini_competition_entries (problem_id, enterprise_id)`);
    await q.query(`CREATE INDEX mini_competition_entries_source ON mini_competition_entries (source_order_id)`);
    await q.query(`
      CREATE FUNCTION mini_competition_entries_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the firms of a mini-competition are fixed' USING ERRCODE = 'check_violation';
      END $$`);
    await q.query(`
      CREATE TRIGGER mini_competition_entries_fixed BEFORE UPDATE ON mini_competition_entries
        FOR EACH ROW EXECUTE FUNCTION mini_competition_entries_fixed()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE mini_competition_entries`);
    await q.query(`DROP FUNCTION mini_competition_entries_fixed()`);
    await q.query(`DROP TABLE mini_competitions`);
  }
}
