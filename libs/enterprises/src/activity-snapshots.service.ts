import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Only folds wait for each other (two workers, or a worker and a bench); writers never take it. */
const FOLD_LOCK = 0x1d1ca702;

/**
 * Folds the indicator's deltas into enterprise_activity_months (per dimension, key and month: the
 * net change dated in the month and the running count at its end), so a count as of any day reads
 * one snapshot row per area plus the deltas not yet folded. Off the write path: writers only insert
 * or add to delta rows, in their own transaction, and take no lock beyond their own rows; the
 * worker calls this every few seconds.
 *
 * A delta row is pending while `delta <> folded_delta`. A fold locks the pending rows it sees
 * (rows of transactions still open are invisible and wait for a later fold), adds exactly
 * `delta - folded_delta` of each to its month and marks it folded, all in one transaction: a reader's
 * single statement sees the rows either before or after, never half. A back-dated delta lands in
 * its own month; the running counts of that key are then recomputed from its months. Rows recorded
 * on a later day than they are dated (revisions; a baseline import) are also summed per month and
 * day of recording in enterprise_activity_late, so "as known at" answers stay as cheap.
 */
@Injectable()
export class ActivitySnapshotsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Folds every committed pending delta; returns how many delta rows it folded. */
  async fold(): Promise<number> {
    return this.dataSource.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock($1)', [FOLD_LOCK]);
      const touched = await m.query<{ dimension: string; key: string; rows: number }[]>(`
        WITH picked AS MATERIALIZED (
          SELECT dimension, key, day, recorded_at, delta - folded_delta AS change
          FROM enterprise_activity_deltas WHERE delta <> folded_delta
          FOR UPDATE
        ), marked AS (
          UPDATE enterprise_activity_deltas t SET folded_delta = t.folded_delta + p.change
          FROM picked p
          WHERE t.dimension = p.dimension AND t.key = p.key AND t.day = p.day AND t.recorded_at = p.recorded_at
          RETURNING 1
        ), months AS (
          INSERT INTO enterprise_activity_months AS m (dimension, key, month, delta, enterprises)
          SELECT dimension, key, date_trunc('month', day::timestamp)::date, SUM(change)::int, 0 FROM picked GROUP BY 1, 2, 3
          ON CONFLICT (dimension, key, month) DO UPDATE SET delta = m.delta + EXCLUDED.delta
          RETURNING dimension, key
        ), late AS (
          INSERT INTO enterprise_activity_late AS l (dimension, key, month, recorded_on, delta)
          SELECT dimension, key, date_trunc('month', day::timestamp)::date, (recorded_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, SUM(change)::int
          FROM picked WHERE (recorded_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date > day GROUP BY 1, 2, 3, 4
          ON CONFLICT (dimension, key, month, recorded_on) DO UPDATE SET delta = l.delta + EXCLUDED.delta
        )
        SELECT dimension, key, (SELECT count(*) FROM marked)::int AS rows FROM months GROUP BY 1, 2`);
      if (touched.length === 0) return 0;
      await m.query(
        `UPDATE enterprise_activity_months m SET enterprises = s.running
         FROM (
           SELECT dimension, key, month, SUM(delta) OVER (PARTITION BY dimension, key ORDER BY month)::int AS running
           FROM enterprise_activity_months
           WHERE (dimension, key) IN (SELECT * FROM unnest($1::text[], $2::text[]))
         ) s
         WHERE m.dimension = s.dimension AND m.key = s.key AND m.month = s.month AND m.enterprises <> s.running`,
        [touched.map((t) => t.dimension), touched.map((t) => t.key)],
      );
      return touched[0].rows;
    });
  }
}
