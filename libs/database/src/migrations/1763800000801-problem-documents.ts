import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The documents a department publishes with a problem (terms of reference, data samples, maps).
 * Public once the problem is, so they are kept as they are, in PostgreSQL: one backup covers them.
 */
export class ProblemDocuments1763800000801 implements MigrationInterface {
  name = 'ProblemDocuments1763800000801';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE problem_documents (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        problem_id uuid NOT NULL REFERENCES problems(id) ON DELETE CASCADE,
        file_name text NOT NULL,
        media_type text NOT NULL,
        size_bytes integer NOT NULL CHECK (size_bytes > 0),
        sha256 text NOT NULL,
        content bytea NOT NULL,
        uploaded_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX problem_documents_problem_idx ON problem_documents (problem_id, created_at, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE problem_documents`);
  }
}
