import { sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import { db } from '@app/database';
import { ActivityDelta, netDeltas } from './activity-deltas';

/**
 * Adds deltas to the indicator's aggregate for one day, in the caller's transaction. The one place
 * that writes enterprise_activity_deltas: status transitions, profile edits and imports all come here.
 * Each row also records when it became known (the transaction's now()), so an answer can be
 * reproduced "as known at" any moment; deltas of one transaction and day share a row.
 */
export async function applyActivityDeltas(manager: EntityManager, day: string, deltas: readonly ActivityDelta[]): Promise<void> {
  const net = netDeltas(deltas);
  if (net.length === 0) return;
  await upsertDeltas(
    manager,
    net.map((d) => ({ ...d, day })),
  );
}

/** Many days at once (an import): rows of (day, dimension, key, delta), summed per day/dimension/key. */
export async function applyDatedActivityDeltas(
  manager: EntityManager,
  deltas: readonly (ActivityDelta & { day: string })[],
): Promise<void> {
  const sums = new Map<string, ActivityDelta & { day: string }>();
  for (const d of deltas) {
    const id = `${d.day}\u0000${d.dimension}\u0000${d.key}`;
    const seen = sums.get(id);
    if (seen) seen.delta += d.delta;
    else sums.set(id, { ...d });
  }
  const net = [...sums.values()].filter((d) => d.delta !== 0);
  if (net.length === 0) return;
  await upsertDeltas(manager, net);
}

/** Deltas of one transaction and day share a row (recorded_at is the transaction's now()). */
async function upsertDeltas(manager: EntityManager, net: readonly (ActivityDelta & { day: string })[]): Promise<void> {
  await db(manager)
    .insertInto('enterprise_activity_deltas')
    .values(net.map((d) => ({ dimension: d.dimension, key: d.key, day: d.day, delta: d.delta, recorded_at: sql<Date>`now()` })))
    .onConflict((oc) =>
      oc
        .columns(['dimension', 'key', 'day', 'recorded_at'])
        .doUpdateSet((eb) => ({ delta: eb('enterprise_activity_deltas.delta', '+', eb.ref('excluded.delta')) })),
    )
    .execute();
}
