import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When the department paid an accepted milestone (its amount), and who recorded it: what the OCDS
 * implementation release publishes as a transaction.
 */
export class MilestonePayments1763800000951 implements MigrationInterface {
  name = 'MilestonePayments1763800000951';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE order_milestones
        ADD COLUMN paid_at timestamptz,
        ADD COLUMN paid_by uuid REFERENCES users(id),
        ADD CONSTRAINT order_milestones_paid_when_accepted CHECK (paid_at IS NULL OR status = 'accepted')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE order_milestones
        DROP CONSTRAINT order_milestones_paid_when_accepted,
        DROP COLUMN paid_by,
        DROP COLUMN paid_at`);
  }
}
