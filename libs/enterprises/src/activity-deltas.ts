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
