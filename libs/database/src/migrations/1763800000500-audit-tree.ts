import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Audit log off the write path (issue 15): a request appends its audit rows in its own
 * transaction and takes no lock; a trigger queues each new row in audit_pending. The worker
 * chains queued rows in the order it sees them committed (audit_chain: position, predecessor,
 * chain hash — moved out of audit_log, which stays content only), extends a Certificate
 * Transparency style Merkle tree over the chain hashes (audit_tree_node) and signs its heads
 * (audit_tree_head). Chain, nodes and heads are append-only like the log. No foreign key points at
 * audit_log: it would make TRUNCATE fail on the key before the append-only trigger could refuse it.
 */
export class AuditTree1763800000500 implements MigrationInterface {
  name = 'AuditTree1763800000500';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE audit_pending (seq bigint PRIMARY KEY)`);
    await q.query(`
      CREATE FUNCTION audit_log_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO audit_pending (seq) VALUES (NEW.seq);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_log_enqueue AFTER INSERT ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_enqueue()`);

    await q.query(`
      CREATE TABLE audit_chain (
        pos bigint PRIMARY KEY CHECK (pos >= 0),
        seq bigint NOT NULL UNIQUE,
        prev_hash char(64) NOT NULL,
        hash char(64) NOT NULL
      )`);
    // The chain so far, as it was linked under the old lock (seq order), keeps its hashes.
    await q.query(`
      INSERT INTO audit_chain (pos, seq, prev_hash, hash)
      SELECT row_number() OVER (ORDER BY seq) - 1, seq, prev_hash, hash FROM audit_log`);
    await q.query(`ALTER TABLE audit_log DROP COLUMN prev_hash, DROP COLUMN hash`);

    await q.query(`
      CREATE TABLE audit_tree_node (
        level smallint NOT NULL CHECK (level BETWEEN 0 AND 62),
        idx bigint NOT NULL CHECK (idx >= 0),
        hash char(64) NOT NULL,
        PRIMARY KEY (level, idx)
      )`);
    await q.query(`
      CREATE TABLE audit_tree_head (
        tree_size bigint PRIMARY KEY CHECK (tree_size > 0),
        root_hash char(64) NOT NULL,
        signed_at timestamptz NOT NULL,
        key_id text NOT NULL,
        signature text NOT NULL
      )`);
    for (const table of ['audit_chain', 'audit_tree_node', 'audit_tree_head']) {
      await q.query(`
        CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
        FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change()`);
      await q.query(`
        CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_log ADD COLUMN prev_hash char(64), ADD COLUMN hash char(64)`);
    await q.query(`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`);
    await q.query(`UPDATE audit_log a SET prev_hash = c.prev_hash, hash = c.hash FROM audit_chain c WHERE c.seq = a.seq`);
    await q.query(`ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`);
    await q.query(`DROP TABLE audit_tree_head, audit_tree_node, audit_chain`);
    await q.query(`DROP TRIGGER audit_log_enqueue ON audit_log`);
    await q.query(`DROP FUNCTION audit_log_enqueue()`);
    await q.query(`DROP TABLE audit_pending`);
  }
}
