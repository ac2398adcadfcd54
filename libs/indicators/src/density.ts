import type { PopulationFigure } from '@app/areas';

/** Densities and progress are shown to 4 decimals: 0.2144 firms per 1,000, progress 0.3063 (30.63 %). */
export const DECIMALS = 4;

export function round(value: number, decimals = DECIMALS): number {
  const factor = 10 ** decimals;
  // EPSILON nudges values such as 1.00005 (stored as 1.0000499…) to round the way people expect.
  return Math.round((value + Math.sign(value) * Number.EPSILON * Math.abs(value)) * factor) / factor;
}

/** Enterprises per 1,000 population. */
export function densityPer1000(enterprises: number, population: number): number {
  return round((enterprises / population) * 1000);
}

/** Share of the target reached, as a ratio (0.85 = 85 %); from the unrounded density. */
export function progressToTarget(enterprises: number, population: number, target: number): number {
  return round(((enterprises / population) * 1000) / target);
}

export const noPopulationReason = (name: string) =>
  `No population figure is recorded for ${name}, so no density is computed; an admin can enter one with its source.`;

export interface Measure {
  population: PopulationFigure | null;
  density: number | null;
  progress: number | null;
  reason?: string;
}

/** The density and progress of a count against the chosen figure, or the reason there are none. */
export function measure(name: string, enterprises: number, population: PopulationFigure | null, target: number): Measure {
  if (!population) return { population: null, density: null, progress: null, reason: noPopulationReason(name) };
  return {
    population: { value: population.value, asOf: population.asOf, source: population.source },
    density: densityPer1000(enterprises, population.value),
    progress: progressToTarget(enterprises, population.value, target),
  };
}
