/**
 * The indicator's SQL, kept in one place so the bench can EXPLAIN exactly what the service runs.
 *
 * Counts come from enterprise_activity_months (per dimension, key and month: the net change dated
 * in the month and the running count at its end, over the deltas folded so far; see
 * ActivitySnapshotsService) plus three short reads of enterprise_activity_deltas:
 * - the days of the last month asked for, up to the day asked (the month is not complete yet);
 * - the pending part of earlier rows (`delta - folded_delta`: written since the last fold);
 * - minus what was recorded after the knowledge cut ($cut NULL: everything so far).
 * So an answer costs one snapshot row per unit plus recent deltas, never the number of firms.
 */

/** The first day of the month that holds the day after $p: months before it are complete up to $p. */
const openFrom = (p: string) => `date_trunc('month', (${p}::date + 1)::timestamp)::date`;

/** The Hai Phong day of an instant (or of a timestamptz column). */
const cityDay = (t: string) => `(${t} AT TIME ZONE 'Asia/Ho_Chi_Minh')::date`;
/** The first instant of the Hai Phong day after the date $d. */
const startOfDayAfter = (d: string) => `(((${d})::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh')`;
/** The cut $c is the end of its Hai Phong day (knownAt given as a date): that whole day is known. */
const wholeDay = (c: string) =>
  `(${c}::timestamptz + interval '1 millisecond' >= ${startOfDayAfter(cityDay(`${c}::timestamptz`))})`;

/**
 * Per key of one dimension: the change on top of the folded months before openFrom($asOf), as known
 * at $cut (NULL: everything so far). The folded part recorded after the cut is taken back out: from
 * enterprise_activity_late when the cut is at or after the end of asOf's day (all such rows were recorded late), else
 * from the deltas recorded since the cut. Each part reads an index (day; pending rows; recorded_at).
 */
const recentChanges = (dimension: 'area' | 'sector', asOf: string, cut: string) => {
  const cutDay = cityDay(`${cut}::timestamptz`);
  const afterAsOf = `(${cutDay} > ${asOf}::date OR (${cutDay} = ${asOf}::date AND ${wholeDay(cut)}))`;
  return `
  SELECT key, SUM(change)::int AS change FROM (
    SELECT key, delta AS change FROM enterprise_activity_deltas
    WHERE dimension = '${dimension}' AND day >= ${openFrom(asOf)} AND day <= ${asOf}::date
      AND (${cut}::timestamptz IS NULL OR recorded_at <= ${cut}::timestamptz)
    UNION ALL
    SELECT key, delta - folded_delta FROM enterprise_activity_deltas
    WHERE dimension = '${dimension}' AND delta <> folded_delta AND day < ${openFrom(asOf)}
      AND (${cut}::timestamptz IS NULL OR recorded_at <= ${cut}::timestamptz)
    UNION ALL
    SELECT key, -folded_delta FROM enterprise_activity_deltas
    WHERE dimension = '${dimension}' AND recorded_at > ${cut}::timestamptz AND day < ${openFrom(asOf)}
      AND (NOT ${afterAsOf} OR (NOT ${wholeDay(cut)} AND recorded_at < ${startOfDayAfter(cutDay)}))
    UNION ALL
    SELECT key, -delta FROM enterprise_activity_late
    WHERE dimension = '${dimension}' AND ${afterAsOf} AND month < ${openFrom(asOf)}
      AND recorded_on > ${cutDay}
  ) d GROUP BY key`;
};

/** The running count at the end of the last folded month of `key` before `before`. */
const foldedCount = (dimension: 'area' | 'sector', key: string, before: string) => `
  SELECT m.enterprises FROM enterprise_activity_months m
  WHERE m.dimension = '${dimension}' AND m.key = ${key} AND m.month < ${before}
  ORDER BY m.month DESC LIMIT 1`;

/** $1 as-of day, $2 the units counted in the city on that day, $3 knowledge cut: counts per unit. */
export const AREA_COUNTS_SQL = `
  WITH recent AS (${recentChanges('area', '$1', '$3')})
  SELECT a.code, a.name, a.unit_type, (COALESCE(s.enterprises, 0) + COALESCE(r.change, 0))::int AS enterprises
  FROM areas a
  LEFT JOIN LATERAL (${foldedCount('area', 'a.code', openFrom('$1'))}) s ON true
  LEFT JOIN recent r ON r.key = a.code
  WHERE a.code = ANY($2::text[])
  ORDER BY a.code`;

/** $1 as-of day, $2 knowledge cut: active firms per sector city-wide (every sector ever counted). */
export const SECTOR_COUNTS_SQL = `
  WITH recent AS (${recentChanges('sector', '$1', '$2')})
  SELECT k.key AS sector, (COALESCE(s.enterprises, 0) + COALESCE(r.change, 0))::int AS enterprises
  FROM (SELECT DISTINCT key FROM enterprise_activity_months WHERE dimension = 'sector' UNION SELECT key FROM recent) k
  LEFT JOIN LATERAL (${foldedCount('sector', 'k.key', openFrom('$1'))}) s ON true
  LEFT JOIN recent r ON r.key = k.key`;

/**
 * $1 as-of day, $2 the city's units, $3 knowledge cut: the city's deltas dated up to asOf but
 * recorded after that day (Hai Phong time), summed by the day they were recorded: the revisions
 * of the figure first published for asOf. Complete months come from enterprise_activity_late (the
 * cut's own day from the deltas, unless the cut is its end); the rest as in the counts. Cost: days
 * on which something was back-dated, not firms.
 */
export const REVISIONS_SQL = `
  SELECT to_char(recorded_on, 'YYYY-MM-DD') AS recorded_on, SUM(delta)::int AS delta FROM (
    SELECT recorded_on, delta FROM enterprise_activity_late
    WHERE dimension = 'area' AND key = ANY($2::text[]) AND month < ${openFrom('$1')} AND recorded_on > $1::date
      AND ($3::timestamptz IS NULL OR recorded_on < ${cityDay('$3::timestamptz')}
           OR (recorded_on = ${cityDay('$3::timestamptz')} AND ${wholeDay('$3')}))
    UNION ALL
    SELECT ${cityDay('recorded_at')}, folded_delta FROM enterprise_activity_deltas
    WHERE dimension = 'area' AND key = ANY($2::text[]) AND day < ${openFrom('$1')} AND NOT ${wholeDay('$3')}
      AND recorded_at >= GREATEST(${startOfDayAfter('$1')}, ${startOfDayAfter(`${cityDay('$3::timestamptz')} - 1`)})
      AND recorded_at <= $3::timestamptz
    UNION ALL
    SELECT ${cityDay('recorded_at')}, delta FROM enterprise_activity_deltas
    WHERE dimension = 'area' AND key = ANY($2::text[]) AND day >= ${openFrom('$1')} AND day <= $1::date
      AND recorded_at >= ${startOfDayAfter('$1')} AND ($3::timestamptz IS NULL OR recorded_at <= $3::timestamptz)
    UNION ALL
    SELECT ${cityDay('recorded_at')}, delta - folded_delta FROM enterprise_activity_deltas
    WHERE dimension = 'area' AND key = ANY($2::text[]) AND delta <> folded_delta AND day < ${openFrom('$1')}
      AND recorded_at >= ${startOfDayAfter('$1')} AND ($3::timestamptz IS NULL OR recorded_at <= $3::timestamptz)
  ) r
  GROUP BY 1
  ORDER BY 1`;

/**
 * $1 first day of the first month, $2 the last day asked (month end, or today), $3 knowledge cut,
 * $4 the units whose deltas are summed in `inner_delta` (the old city's units, or the one area
 * asked for); `all_delta` sums every unit. The first month carries the opening balance (each unit's
 * count at the end of the month before); the caller runs the sums per month and picks the boundary
 * in force.
 */
export const SERIES_SQL = `
  WITH parts AS (
    SELECT $1::date AS month_start, s.enterprises AS delta, a.code AS key
    FROM areas a CROSS JOIN LATERAL (${foldedCount('area', 'a.code', '$1::date')}) s
    UNION ALL
    SELECT month, delta, key FROM enterprise_activity_months
    WHERE dimension = 'area' AND month >= $1::date AND month < ${openFrom('$2')}
    UNION ALL
    SELECT date_trunc('month', day::timestamp)::date, delta, key FROM enterprise_activity_deltas
    WHERE dimension = 'area' AND day >= ${openFrom('$2')} AND day <= $2::date
    UNION ALL
    SELECT GREATEST(date_trunc('month', day::timestamp)::date, $1::date), delta - folded_delta, key FROM enterprise_activity_deltas
    WHERE dimension = 'area' AND delta <> folded_delta AND day < ${openFrom('$2')}
    UNION ALL
    SELECT GREATEST(date_trunc('month', day::timestamp)::date, $1::date), -delta, key FROM enterprise_activity_deltas
    WHERE dimension = 'area' AND recorded_at > $3::timestamptz AND day <= $2::date
  )
  SELECT month_start::text AS month_start, SUM(delta)::int AS all_delta,
         (SUM(delta) FILTER (WHERE key = ANY($4::text[])))::int AS inner_delta
  FROM parts
  GROUP BY 1
  ORDER BY 1`;
