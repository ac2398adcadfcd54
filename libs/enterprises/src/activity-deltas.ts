import { sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import { db } from '@app/database';

export type ActivityDimension = 'area' | 'sector';

export interface ActivityDelta {
  dimension: ActivityDimension;
  key: string;
  delta: number;
}

/** Where an active firm is counted: its head-office area and each of its sectors. */
export interface ActivityFootprint {
  areaCode: string;
  sectors: readonly string[];
}

/** One delta per dimension the firm is counted in: +1 when it starts counting, -1 when it stops. */
export function footprintDeltas(footprint: ActivityFootprint, sign: 1 | -1): ActivityDelta[] {
  return [
    { dimension: 'area', key: footprint.areaCode, delta: sign },
    ...footprint.sectors.map((key): ActivityDelta => ({ dimension: 'sector', key, delta: sign })),
  ];
}

/** Moving an active firm: leave the old footprint, enter the new one; unchanged parts cancel out. */
export function footprintMove(before: ActivityFootprint, after: ActivityFootprint): ActivityDelta[] {
  return netDeltas([...footprintDeltas(before, -1), ...footprintDeltas(after, 1)]);
}

/**
 * Sums deltas per (dimension, key) and drops those that cancel out. Needed before the upsert too:
 * one INSERT … ON CONFLICT DO UPDATE may not touch the same row twice.
 */
export function netDeltas(deltas: readonly ActivityDelta[]): ActivityDelta[] {
  const sums = new Map<string, ActivityDelta>();
  for (const d of deltas) {
    const id = `${d.dimension}\u0000${d.key}`;
    const seen = sums.get(id);
    if (seen) seen.delta += d.delta;
    else sums.set(id, { ...d });
  }
  return [...sums.values()].filter((d) => d.delta !== 0);
}

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
