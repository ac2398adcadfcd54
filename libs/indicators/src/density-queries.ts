/**
 * The indicator's SQL, kept in one place so the bench can EXPLAIN exactly what the service runs.
 * All read enterprise_activity_deltas through its primary key (dimension, key, day).
 */

/** $1 as-of day, $2 the city code: the city row and its units with their counts on that day. */
export const AREA_COUNTS_SQL = `
  SELECT a.code, a.name, a.unit_type, COALESCE(c.enterprises, 0)::int AS enterprises
  FROM areas a
  LEFT JOIN (
    SELECT key, SUM(delta) AS enterprises
    FROM enterprise_activity_deltas
    WHERE dimension = 'area' AND day <= $1::date
    GROUP BY key
  ) c ON c.key = a.code
  WHERE a.code = $2 OR a.parent_code = $2
  ORDER BY a.code`;

/** $1 as-of day: active firms per sector city-wide. */
export const SECTOR_COUNTS_SQL = `
  SELECT key AS sector, SUM(delta)::int AS enterprises
  FROM enterprise_activity_deltas
  WHERE dimension = 'sector' AND day <= $1::date
  GROUP BY key`;

/**
 * $1 first day of the first month, $2 the last day asked (month end, or today), $3 the area when
 * `forArea`. One pass over the deltas up to $2, summed per day; days before $1 fold into the
 * first month (its opening balance), the rest bucket by month (date_trunc on the ~days rows, not
 * on every delta), and a running SUM over the generated months gives each month-end count.
 */
export function seriesSql(forArea: boolean): string {
  return `
  WITH months AS (
    SELECT m::date AS month_start, LEAST((m + interval '1 month')::date - 1, $2::date) AS as_of
    FROM generate_series($1::date, $2::date, interval '1 month') AS m
  ),
  daily AS (
    SELECT day, SUM(delta) AS delta
    FROM enterprise_activity_deltas
    WHERE dimension = 'area' AND day <= $2::date${forArea ? ' AND key = $3' : ''}
    GROUP BY day
  ),
  buckets AS (
    SELECT GREATEST(date_trunc('month', day::timestamp)::date, $1::date) AS month_start, SUM(delta) AS delta
    FROM daily
    GROUP BY 1
  )
  SELECT to_char(m.month_start, 'YYYY-MM') AS month, to_char(m.as_of, 'YYYY-MM-DD') AS as_of,
         (SUM(COALESCE(b.delta, 0)) OVER (ORDER BY m.month_start))::int AS enterprises
  FROM months m LEFT JOIN buckets b USING (month_start)
  ORDER BY m.month_start`;
}
