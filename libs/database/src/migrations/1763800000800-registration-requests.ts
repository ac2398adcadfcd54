import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A firm's registration waits here until the owner opens the link mailed to the address given, so
 * the answer to a registration never says whether that address already has an account.
 */
export class RegistrationRequests1763800000800 implements MigrationInterface {
  name = 'RegistrationRequests1763800000800';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE registration_requests (
        id uuid PRIMARY KEY,
        email text NOT NULL,
        full_name text NOT NULL,
        password_hash text NOT NULL,
        language text NOT NULL CHECK (language IN ('vi', 'en')),
        profile jsonb NOT NULL,
        token_hash text,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX registration_requests_expires_idx ON registration_requests (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE registration_requests`);
  }
}
