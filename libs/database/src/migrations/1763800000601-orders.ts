import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The order placed with the winning firm: its milestones, agreed by both sides as one numbered plan
 * (optionally a pilot whose accepted results unlock the scale-up), and each deliverable's
 * submissions with the department's acceptance or return, every round kept.
 */
export class Orders1763800000601 implements MigrationInterface {
  name = 'Orders1763800000601';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE orders (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        -- a competition's order has its problem and winning proposal; a direct re-order from the
        -- catalogue has neither, and names the catalogue order it repeats instead
        problem_id uuid NULL UNIQUE REFERENCES problems (id),
        proposal_id uuid NULL REFERENCES proposals (id),
        source_order_id uuid NULL REFERENCES orders (id),
        justification text NULL,
        title text NOT NULL,
        enterprise_id uuid NOT NULL REFERENCES enterprises (id),
        department_id uuid NOT NULL REFERENCES organizations (id),
        status text NOT NULL CHECK (status IN ('drafting', 'in_progress', 'completed', 'terminated')),
        price bigint NOT NULL CHECK (price >= 0),
        duration_months int NOT NULL,
        plan text NOT NULL,
        staged boolean NOT NULL DEFAULT false,
        plan_version int NOT NULL DEFAULT 0,
        department_agreed_version int NULL,
        firm_agreed_version int NULL,
        started_at timestamptz NULL,
        completed_at timestamptz NULL,
        terminated_at timestamptz NULL,
        termination_reason text NULL,
        created_by uuid NOT NULL REFERENCES users (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT orders_competition_or_reorder CHECK ((problem_id IS NOT NULL AND proposal_id IS NOT NULL) OR source_order_id IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX orders_enterprise_idx ON orders (enterprise_id, created_at)`);
    await q.query(`CREATE INDEX orders_department_idx ON orders (department_id, created_at)`);

    await q.query(`
      CREATE TABLE order_milestones (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        order_id uuid NOT NULL REFERENCES orders (id),
        number int NOT NULL CHECK (number >= 1),
        phase text NOT NULL CHECK (phase IN ('single', 'pilot', 'scale_up')),
        deliverable text NOT NULL,
        due_date date NOT NULL,
        amount bigint NOT NULL CHECK (amount >= 0),
        kpis jsonb NOT NULL DEFAULT '[]',
        status text NOT NULL CHECK (status IN ('planned', 'locked', 'open', 'submitted', 'returned', 'accepted')),
        accepted_at timestamptz NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (order_id, number)
      )`);

    await q.query(`
      CREATE TABLE milestone_submissions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        milestone_id uuid NOT NULL REFERENCES order_milestones (id),
        round int NOT NULL CHECK (round >= 1),
        text text NOT NULL,
        kpi_results jsonb NOT NULL DEFAULT '[]',
        submitted_by uuid NOT NULL REFERENCES users (id),
        submitted_at timestamptz NOT NULL DEFAULT now(),
        decision text NULL CHECK (decision IN ('accepted', 'returned')),
        decision_reason text NULL,
        decided_by uuid NULL REFERENCES users (id),
        decided_at timestamptz NULL,
        UNIQUE (milestone_id, round)
      )`);

    // Changes to agreed milestones: numbered per order, proposed by one side, agreed or rejected by the other.
    await q.query(`
      CREATE TABLE order_variations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        order_id uuid NOT NULL REFERENCES orders (id),
        number int NOT NULL CHECK (number >= 1),
        status text NOT NULL CHECK (status IN ('proposed', 'agreed', 'rejected')),
        reason text NOT NULL,
        changes jsonb NOT NULL,
        proposed_by_side text NOT NULL CHECK (proposed_by_side IN ('department', 'firm')),
        proposed_by uuid NOT NULL REFERENCES users (id),
        proposed_at timestamptz NOT NULL DEFAULT now(),
        answered_by uuid NULL REFERENCES users (id),
        answered_at timestamptz NULL,
        rejection_reason text NULL,
        UNIQUE (order_id, number)
      )`);
    await q.query(
      `CREATE UNIQUE INDEX order_variations_one_pending_idx ON order_variations (order_id) WHERE status = 'proposed'`,
    );

    // "Was the bottleneck solved?": per KPI of the problem, and the department's public answer.
    await q.query(`
      CREATE TABLE order_outcomes (
        order_id uuid PRIMARY KEY REFERENCES orders (id),
        kpis jsonb NOT NULL,
        solved text NOT NULL CHECK (solved IN ('yes', 'partly', 'no')),
        explanation text NOT NULL,
        recorded_by uuid NOT NULL REFERENCES users (id),
        recorded_at timestamptz NOT NULL DEFAULT now(),
        firm_statement text NULL,
        firm_statement_by uuid NULL REFERENCES users (id),
        firm_statement_at timestamptz NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE order_outcomes`);
    await q.query(`DROP TABLE order_variations`);
    await q.query(`DROP TABLE milestone_submissions`);
    await q.query(`DROP TABLE order_milestones`);
    await q.query(`DROP TABLE orders`);
  }
}
