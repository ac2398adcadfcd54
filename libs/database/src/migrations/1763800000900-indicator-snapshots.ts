import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The indicator answers from maintained monthly snapshots plus the deltas not yet in them (issue 15):
 * - enterprise_activity_months: per dimension, key and month, the net change dated in that month
 *   and the running count at its end, over every delta folded so far;
 * - enterprise_activity_late: the folded deltas recorded on a later (Hai Phong) day than the one
 *   they are dated, per month of that date and day of recording: the revisions of published figures,
 *   which "as known at" answers take back out (a baseline import is all such rows);
 * - enterprise_activity_deltas.folded_delta: how much of a delta row the months already hold
 *   (a row whose delta differs is pending: written since the last fold, or added to since);
 * - indexes for the parts read from the deltas: one month by day, pending rows, back-dated rows.
 * Everything already recorded is folded here, so the first answer after the upgrade is cheap.
 */
export class IndicatorSnapshots1763800000900 implements MigrationInterface {
  name = 'IndicatorSnapshots1763800000900';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE enterprise_activity_deltas ADD COLUMN folded_delta int NOT NULL DEFAULT 0`);
    await q.query(`
      CREATE TABLE enterprise_activity_months (
        dimension text NOT NULL,
        key text NOT NULL,
        month date NOT NULL CHECK (extract(day FROM month) = 1),
        delta int NOT NULL,
        enterprises int NOT NULL,
        PRIMARY KEY (dimension, key, month)
      )`);
    await q.query(`
      CREATE TABLE enterprise_activity_late (
        dimension text NOT NULL,
        key text NOT NULL,
        month date NOT NULL CHECK (extract(day FROM month) = 1),
        recorded_on date NOT NULL,
        delta int NOT NULL,
        PRIMARY KEY (dimension, key, month, recorded_on)
      )`);
    await q.query(`CREATE INDEX enterprise_activity_late_recorded_idx ON enterprise_activity_late (dimension, recorded_on)`);
    await q.query(
      `CREATE INDEX enterprise_activity_deltas_day_idx ON enterprise_activity_deltas (dimension, day) INCLUDE (key, delta, recorded_at)`,
    );
    await q.query(`
      CREATE INDEX enterprise_activity_deltas_pending_idx ON enterprise_activity_deltas (dimension, day)
        INCLUDE (key, delta, folded_delta, recorded_at) WHERE delta <> folded_delta`);
    await q.query(`UPDATE enterprise_activity_deltas SET folded_delta = delta`);
    await q.query(`
      INSERT INTO enterprise_activity_months (dimension, key, month, delta, enterprises)
      SELECT dimension, key, month, delta, SUM(delta) OVER (PARTITION BY dimension, key ORDER BY month)
      FROM (
        SELECT dimension, key, date_trunc('month', day::timestamp)::date AS month, SUM(delta)::int AS delta
        FROM enterprise_activity_deltas GROUP BY 1, 2, 3
      ) m`);
    await q.query(`
      INSERT INTO enterprise_activity_late (dimension, key, month, recorded_on, delta)
      SELECT dimension, key, date_trunc('month', day::timestamp)::date, (recorded_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, SUM(delta)::int
      FROM enterprise_activity_deltas
      WHERE (recorded_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date > day
      GROUP BY 1, 2, 3, 4`);
    // The reads count on the pending index being small: give the planner fresh statistics now.
    await q.query(`ANALYZE enterprise_activity_deltas, enterprise_activity_months, enterprise_activity_late`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS enterprise_activity_deltas_pending_idx`);
    await q.query(`DROP INDEX IF EXISTS enterprise_activity_deltas_day_idx`);
    await q.query(`DROP TABLE IF EXISTS enterprise_activity_late`);
    await q.query(`DROP TABLE IF EXISTS enterprise_activity_months`);
    await q.query(`ALTER TABLE enterprise_activity_deltas DROP COLUMN folded_delta`);
  }
}
