import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A firm's owner invites a colleague by e-mail; the account is made when the invitee accepts, so
 * inviting never tells the owner whether an address already has an account.
 */
export class MemberInvitations1763800000802 implements MigrationInterface {
  name = 'MemberInvitations1763800000802';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE member_invitations (
        id uuid PRIMARY KEY,
        enterprise_id uuid NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,
        email text NOT NULL,
        full_name text NOT NULL,
        language text NOT NULL CHECK (language IN ('vi', 'en')),
        invited_by uuid NOT NULL REFERENCES users(id),
        token_hash text,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX member_invitations_enterprise_idx ON member_invitations (enterprise_id, created_at)`);
    await q.query(`CREATE INDEX member_invitations_expires_idx ON member_invitations (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE member_invitations`);
  }
}
