import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Attachments are uploaded before the proposal that cites them exists (POST
 * /problems/:id/attachments, then attachmentIds in the submission), so an attachment belongs to a
 * problem and a firm first and to a proposal (and the version that first cited it) later.
 * The deadline guard learns to read the problem of such an attachment, and no longer lets a row
 * whose problem it cannot find slip through (NULL status compared with <> was not a refusal).
 */
export class ProposalUploads1763800000005 implements MigrationInterface {
  name = 'ProposalUploads1763800000005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE proposal_attachments
        ADD COLUMN problem_id uuid NULL REFERENCES problems (id),
        ADD COLUMN enterprise_id uuid NULL REFERENCES enterprises (id),
        ALTER COLUMN proposal_id DROP NOT NULL`);
    await q.query(`
      UPDATE proposal_attachments a SET problem_id = p.problem_id, enterprise_id = p.enterprise_id
      FROM proposals p WHERE p.id = a.proposal_id`);
    await q.query(
      `ALTER TABLE proposal_attachments ALTER COLUMN problem_id SET NOT NULL, ALTER COLUMN enterprise_id SET NOT NULL`,
    );
    await q.query(`CREATE INDEX proposal_attachments_owner_idx ON proposal_attachments (problem_id, enterprise_id)`);
    await q.query(`
      CREATE OR REPLACE FUNCTION proposal_deadline_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        v_problem uuid;
        v_deadline timestamptz;
        v_status text;
      BEGIN
        IF TG_TABLE_NAME IN ('proposals', 'proposal_attachments') THEN
          v_problem := NEW.problem_id;
        ELSE
          SELECT problem_id INTO v_problem FROM proposals WHERE id = NEW.proposal_id;
        END IF;
        SELECT deadline, status INTO v_deadline, v_status FROM problems WHERE id = v_problem;
        IF v_status IS DISTINCT FROM 'published' OR v_deadline IS NULL OR clock_timestamp() >= v_deadline THEN
          RAISE EXCEPTION 'PROPOSAL_DEADLINE_PASSED' USING ERRCODE = 'P0001',
            DETAIL = format('deadline %s, now %s, status %s', v_deadline, clock_timestamp(), v_status);
        END IF;
        RETURN NULL;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION proposal_deadline_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        v_problem uuid;
        v_deadline timestamptz;
        v_status text;
      BEGIN
        IF TG_TABLE_NAME = 'proposals' THEN
          v_problem := NEW.problem_id;
        ELSE
          SELECT problem_id INTO v_problem FROM proposals WHERE id = NEW.proposal_id;
        END IF;
        SELECT deadline, status INTO v_deadline, v_status FROM problems WHERE id = v_problem;
        IF v_status <> 'published' OR clock_timestamp() >= v_deadline THEN
          RAISE EXCEPTION 'PROPOSAL_DEADLINE_PASSED' USING ERRCODE = 'P0001',
            DETAIL = format('deadline %s, now %s, status %s', v_deadline, clock_timestamp(), v_status);
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`DELETE FROM proposal_attachments WHERE proposal_id IS NULL`);
    await q.query(`DROP INDEX IF EXISTS proposal_attachments_owner_idx`);
    await q.query(`
      ALTER TABLE proposal_attachments
        DROP COLUMN problem_id,
        DROP COLUMN enterprise_id,
        ALTER COLUMN proposal_id SET NOT NULL`);
  }
}
