import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Hardening and operations:
 * - login_failures: failed logins for e-mails that have no account, counted and locked like
 *   users.failed_login_count / locked_until, so the lockout does not tell which e-mails exist;
 * - indexes for the pruning sweeps (delivered outbox rows, expired idempotency keys and tokens).
 */
export class Operations1763800000100 implements MigrationInterface {
  name = 'Operations1763800000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE login_failures (
        email_key text PRIMARY KEY,
        failed_count integer NOT NULL DEFAULT 0,
        locked_until timestamptz NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX login_failures_updated_idx ON login_failures (updated_at)`);
    await q.query(`CREATE INDEX outbox_dispatched_idx ON outbox (dispatched_at) WHERE dispatched_at IS NOT NULL`);
    await q.query(`CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at)`);
    await q.query(`CREATE INDEX refresh_tokens_expires_idx ON refresh_tokens (expires_at)`);
    await q.query(`CREATE INDEX password_setup_tokens_expires_idx ON password_setup_tokens (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS password_setup_tokens_expires_idx`);
    await q.query(`DROP INDEX IF EXISTS refresh_tokens_expires_idx`);
    await q.query(`DROP INDEX IF EXISTS idempotency_keys_created_idx`);
    await q.query(`DROP INDEX IF EXISTS outbox_dispatched_idx`);
    await q.query(`DROP TABLE IF EXISTS login_failures`);
  }
}
