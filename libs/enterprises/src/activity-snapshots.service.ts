import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { sql } from 'kysely';
import { DataSource } from 'typeorm';
import { db } from '@app/database';

/** Only folds wait for each other (two workers, or a worker and a bench); writers never take it. */
const FOLD_LOCK = 0x1d1ca702;
/** Rows per INSERT of folded months (5 parameters a row, well under PostgreSQL's 65,535). */
const BATCH = 5_000;

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
      const k = db(m);
      await sql`SELECT pg_advisory_xact_lock(${FOLD_LOCK})`.execute(k);
      // Locked until commit: a writer adding to one of these rows waits, so `delta` stays as read.
      const picked = await k
        .selectFrom('enterprise_activity_deltas')
        .select([
          'dimension',
          'key',
          sql<string>`day::text`.as('day'),
          sql<string>`recorded_at::text`.as('recorded_at'),
          sql<string>`(recorded_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date::text`.as('recorded_on'),
          sql<number>`delta - folded_delta`.as('change'),
        ])
        .where(sql<boolean>`delta <> folded_delta`)
        .forUpdate()
        .execute();
      if (picked.length === 0) return 0;
      await k
        .updateTable('enterprise_activity_deltas')
        .set({ folded_delta: sql<number>`delta` })
        .where(
          sql<boolean>`(dimension, key, day, recorded_at) IN (SELECT * FROM unnest(
            ${picked.map((p) => p.dimension)}::text[], ${picked.map((p) => p.key)}::text[],
            ${picked.map((p) => p.day)}::date[], ${picked.map((p) => p.recorded_at)}::timestamptz[]))`,
        )
        .execute();

      const months = new Map<string, { dimension: string; key: string; month: string; delta: number }>();
      const late = new Map<string, { dimension: string; key: string; month: string; recorded_on: string; delta: number }>();
      for (const p of picked) {
        const month = `${p.day.slice(0, 7)}-01`;
        const id = `${p.dimension}\u0000${p.key}\u0000${month}`;
        const m0 = months.get(id) ?? months.set(id, { dimension: p.dimension, key: p.key, month, delta: 0 }).get(id)!;
        m0.delta += p.change;
        if (p.recorded_on > p.day) {
          const lid = `${id}\u0000${p.recorded_on}`;
          const l0 =
            late.get(lid) ??
            late.set(lid, { dimension: p.dimension, key: p.key, month, recorded_on: p.recorded_on, delta: 0 }).get(lid)!;
          l0.delta += p.change;
        }
      }
      const monthRows = [...months.values()];
      for (let i = 0; i < monthRows.length; i += BATCH) {
        await k
          .insertInto('enterprise_activity_months')
          .values(monthRows.slice(i, i + BATCH).map((r) => ({ ...r, enterprises: 0 })))
          .onConflict((oc) =>
            oc
              .columns(['dimension', 'key', 'month'])
              .doUpdateSet({ delta: sql<number>`enterprise_activity_months.delta + excluded.delta` }),
          )
          .execute();
      }
      const lateRows = [...late.values()];
      for (let i = 0; i < lateRows.length; i += BATCH) {
        await k
          .insertInto('enterprise_activity_late')
          .values(lateRows.slice(i, i + BATCH))
          .onConflict((oc) =>
            oc
              .columns(['dimension', 'key', 'month', 'recorded_on'])
              .doUpdateSet({ delta: sql<number>`enterprise_activity_late.delta + excluded.delta` }),
          )
          .execute();
      }
      // The running counts of every key touched, recomputed from its months (a back-dated delta
      // moves every later month of that key).
      const touched = [...new Map(monthRows.map((r) => [`${r.dimension}\u0000${r.key}`, r])).values()];
      await k
        .updateTable('enterprise_activity_months as m')
        .from(
          k
            .selectFrom('enterprise_activity_months')
            .select([
              'dimension',
              'key',
              'month',
              sql<number>`(SUM(delta) OVER (PARTITION BY dimension, key ORDER BY month))::int`.as('running'),
            ])
            .where(
              sql<boolean>`(dimension, key) IN (SELECT * FROM unnest(${touched.map((t) => t.dimension)}::text[], ${touched.map((t) => t.key)}::text[]))`,
            )
            .as('s'),
        )
        .set({ enterprises: sql<number>`s.running` })
        .whereRef('m.dimension', '=', 's.dimension')
        .whereRef('m.key', '=', 's.key')
        .whereRef('m.month', '=', 's.month')
        .where(sql<boolean>`m.enterprises <> s.running`)
        .execute();
      return picked.length;
    });
  }
}
