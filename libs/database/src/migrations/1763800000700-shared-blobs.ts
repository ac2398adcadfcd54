import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Attachments stored in PostgreSQL (issue 17, BLOB_STORE=postgres, the default): every API
 * instance reads what any other stored, and one database backup holds bids and their files.
 * Only sealed ciphertext is stored; it does not compress, so TOAST is told not to try.
 */
export class SharedBlobs1763800000700 implements MigrationInterface {
  name = 'SharedBlobs1763800000700';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE blob_objects (
        key text PRIMARY KEY,
        size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
        modified_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE blob_chunks (
        key text NOT NULL REFERENCES blob_objects (key) ON DELETE CASCADE,
        seq integer NOT NULL CHECK (seq >= 0),
        data bytea NOT NULL,
        PRIMARY KEY (key, seq)
      )`);
    await q.query(`ALTER TABLE blob_chunks ALTER COLUMN data SET STORAGE EXTERNAL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE blob_chunks`);
    await q.query(`DROP TABLE blob_objects`);
  }
}
