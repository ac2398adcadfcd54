/**
 * The indicator's SQL, kept in one place so the bench can EXPLAIN exactly what the service runs.
 * All read enterprise_activity_deltas through its primary key (dimension, key, day, recorded_at).
 * $3 / the knowledge cut is a timestamptz or NULL (everything recorded so far).
 */

/** $1 as-of day, $2 the units counted in the city on that day, $3 knowledge cut: counts per unit. */
export const AREA_COUNTS_SQL = `
  SELECT a.code, a.name, a.unit_type, COALESCE(c.enterprises, 0)::int AS enterprises
  FROM areas a
  LEFT JOIN (
    SELECT key, SUM(delta) AS enterprises
    FROM enterprise_activity_deltas
    WHERE dimension = 'area' AND day <= $1::date AND ($3::timestamptz IS NULL OR recorded_at <= $3::timestamptz)
    GROUP BY key
  ) c ON c.key = a.code
  WHERE a.code = ANY($2::text[])
  ORDER BY a.code`;

/** $1 as-of day, $2 knowledge cut: active firms per sector city-wide. */
export const SECTOR_COUNTS_SQL = `
  SELECT key AS sector, SUM(delta)::int AS enterprises
  FROM enterprise_activity_deltas
  WHERE dimension = 'sector' AND day <= $1::date AND ($2::timestamptz IS NULL OR recorded_at <= $2::timestamptz)
  GROUP BY key`;

/**
 * $1 as-of day, $2 the city's units, $3 knowledge cut: the city's deltas up to asOf summed by the
 * day (Hai Phong time) they were recorded. Their running sum is the figure as known on each day:
 * rows recorded after asOf are revisions. Cost: days on which something was recorded.
 */
export const REVISIONS_SQL = `
  SELECT to_char((recorded_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, 'YYYY-MM-DD') AS recorded_on, SUM(delta)::int AS delta
  FROM enterprise_activity_deltas
  WHERE dimension = 'area' AND key = ANY($2::text[]) AND day <= $1::date
    AND ($3::timestamptz IS NULL OR recorded_at <= $3::timestamptz)
  GROUP BY 1
  ORDER BY 1`;

/**
 * $1 first day of the first month, $2 the last day asked (month end, or today), $3 knowledge cut,
 * $4 the units whose deltas are summed in `inner_delta` (the old city's units, or the one area
 * asked for); `all_delta` sums every unit. Days before $1 fold into the first month (its opening
 * balance); the caller runs the sums per month and picks the boundary in force.
 */
export const SERIES_SQL = `
  SELECT GREATEST(date_trunc('month', day::timestamp)::date, $1::date)::text AS month_start,
         SUM(delta)::int AS all_delta,
         (SUM(delta) FILTER (WHERE key = ANY($4::text[])))::int AS inner_delta
  FROM enterprise_activity_deltas
  WHERE dimension = 'area' AND day <= $2::date AND ($3::timestamptz IS NULL OR recorded_at <= $3::timestamptz)
  GROUP BY 1
  ORDER BY 1`;
