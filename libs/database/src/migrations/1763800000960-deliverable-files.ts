import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The files a firm attaches to a milestone's deliverable (reports, data, photos), kept in
 * PostgreSQL like a problem's documents. A file is uploaded while the milestone's round is open
 * (`submission_id` null: the round in preparation) and is bound to the round when the firm submits
 * it; a submitted round's files never change.
 */
export class DeliverableFiles1763800000960 implements MigrationInterface {
  name = 'DeliverableFiles1763800000960';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE deliverable_files (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        milestone_id uuid NOT NULL REFERENCES order_milestones(id) ON DELETE CASCADE,
        submission_id uuid REFERENCES milestone_submissions(id) ON DELETE CASCADE,
        file_name text NOT NULL,
        media_type text NOT NULL,
        size_bytes integer NOT NULL CHECK (size_bytes > 0),
        sha256 text NOT NULL,
        content bytea NOT NULL,
        uploaded_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX deliverable_files_milestone_idx ON deliverable_files (milestone_id, submission_id, created_at, id)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE deliverable_files`);
  }
}
