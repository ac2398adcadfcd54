import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The files a firm attaches to its complaint (evidence for its grounds), kept in PostgreSQL like a
 * problem's documents: public with the complaint once it is decided.
 */
export class ComplaintAttachments1763800000950 implements MigrationInterface {
  name = 'ComplaintAttachments1763800000950';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE complaint_attachments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        complaint_id uuid NOT NULL REFERENCES complaints(id) ON DELETE CASCADE,
        file_name text NOT NULL,
        media_type text NOT NULL,
        size_bytes integer NOT NULL CHECK (size_bytes > 0),
        sha256 text NOT NULL,
        content bytea NOT NULL,
        uploaded_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX complaint_attachments_complaint_idx ON complaint_attachments (complaint_id, created_at, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE complaint_attachments`);
  }
}
