import type { PopulationFigure } from './area-types';

/**
 * The figure an answer as of `asOf` uses: the latest one dated on or before it; when every
 * figure is dated later, the earliest of them (the nearest there is; answers state its as-of
 * date, so the reader sees it is later than the date asked). No figure at all → null: the
 * caller shows counts without a density, never an invented denominator.
 */
export function choosePopulationFigure<F extends PopulationFigure>(figures: readonly F[], asOf: string): F | null {
  let onOrBefore: F | null = null;
  let after: F | null = null;
  for (const f of figures) {
    // ISO dates compare correctly as strings.
    if (f.asOf <= asOf) {
      if (!onOrBefore || f.asOf > onOrBefore.asOf) onOrBefore = f;
    } else if (!after || f.asOf < after.asOf) {
      after = f;
    }
  }
  return onOrBefore ?? after;
}
