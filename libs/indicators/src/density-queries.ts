import { sql, type Compilable, type SelectQueryBuilder } from 'kysely';
import type { Database, DB } from '@app/database';

/**
 * The indicator's SQL, kept in one place so the bench can EXPLAIN exactly what the service runs
 * (each function returns a query; `.compile()` gives its text).
 *
 * Counts come from enterprise_activity_months (per dimension, key and month: the net change dated
 * in the month and the running count at its end, over the deltas folded so far; see
 * ActivitySnapshotsService) plus short reads of enterprise_activity_deltas:
 * - the days of the last month asked for, up to the day asked (that month is not complete yet);
 * - the pending part of earlier rows (`delta - folded_delta`: written since the last fold);
 * - minus the folded part recorded after the knowledge cut: from enterprise_activity_late when the
 *   cut is at or after the end of the asked day (only rows recorded late can be after it), else
 *   from the deltas recorded since the cut.
 * So an answer costs one snapshot row per unit plus recent deltas, never the number of firms.
 */

export type Dimension = 'area' | 'sector';

/** What was known: `at` bounds recorded_at (an instant); null is everything recorded so far. */
export interface KnowledgeCut {
  at: string;
}

const DAY_MS = 86_400_000;
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
/** The Hai Phong day (UTC+7, no daylight saving) of an instant. */
const cityDayOf = (instant: string) => new Date(Date.parse(instant) + 7 * 3_600_000).toISOString().slice(0, 10);
/** The first instant of a Hai Phong day. */
const startOfCityDay = (day: string) => new Date(Date.parse(`${day}T00:00:00+07:00`)).toISOString();

/** The first day of the month holding the day after `day`: the months before it are complete up to `day`. */
export function openFrom(day: string): string {
  return `${addDays(day, 1).slice(0, 7)}-01`;
}

/** How a cut relates to the asked day, worked out once in code rather than in every query. */
function cutFacts(cut: KnowledgeCut, asOf: string) {
  const day = cityDayOf(cut.at);
  const nextDay = startOfCityDay(addDays(day, 1));
  const wholeDay = Date.parse(cut.at) + 1 >= Date.parse(nextDay);
  return { day, nextDay, wholeDay, afterAsOf: day > asOf || (day === asOf && wholeDay) };
}

type ChangeQuery = SelectQueryBuilder<
  DB,
  'enterprise_activity_deltas' | 'enterprise_activity_late',
  { key: string; change: number }
>;

/**
 * Per key of one dimension: the rows whose sum is the change on top of the folded months before
 * openFrom(asOf), as known at the cut.
 */
function changeParts(k: Database, dimension: Dimension, asOf: string, cut: KnowledgeCut | null) {
  const open = openFrom(asOf);
  const deltas = () => k.selectFrom('enterprise_activity_deltas').where('dimension', '=', dimension);
  const known = <Q extends SelectQueryBuilder<DB, 'enterprise_activity_deltas', object>>(q: Q) =>
    cut ? q.where('recorded_at', '<=', cut.at as never) : q;
  const parts: ChangeQuery[] = [
    known(
      deltas()
        .select(['key', 'delta as change'])
        .where('day', '>=', open as never)
        .where('day', '<=', asOf as never),
    ),
    known(
      deltas()
        .select(['key', sql<number>`delta - folded_delta`.as('change')])
        .where(sql<boolean>`delta <> folded_delta`)
        .where('day', '<', open as never),
    ),
  ] as ChangeQuery[];
  if (cut) {
    const c = cutFacts(cut, asOf);
    const folded = deltas()
      .select(['key', sql<number>`-folded_delta`.as('change')])
      .where('recorded_at', '>', cut.at as never)
      .where('day', '<', open as never);
    if (!c.afterAsOf) parts.push(folded);
    else {
      if (!c.wholeDay) parts.push(folded.where('recorded_at', '<', c.nextDay as never));
      parts.push(
        k
          .selectFrom('enterprise_activity_late')
          .select(['key', sql<number>`-delta`.as('change')])
          .where('dimension', '=', dimension)
          .where('month', '<', open as never)
          .where('recorded_on', '>', c.day as never),
      );
    }
  }
  return parts;
}

/** Per key: the change on top of the folded months (one row per key that changed). */
export function recentChangesQuery(k: Database, dimension: Dimension, asOf: string, cut: KnowledgeCut | null) {
  const [first, ...rest] = changeParts(k, dimension, asOf, cut);
  const union = rest.reduce<ChangeQuery>((q, part) => q.unionAll(part), first!);
  return k
    .selectFrom(union.as('d'))
    .select(['d.key', sql<number>`SUM(d.change)::int`.as('change')])
    .groupBy('d.key');
}

/** Per unit: the running count at the end of its last folded month before `before` (one index probe each). */
export function foldedAreaCountsQuery(k: Database, units: readonly string[], before: string) {
  return k
    .selectFrom(sql<{ key: string }>`unnest(${[...units]}::text[])`.as('key'))
    .innerJoinLateral(
      (eb) =>
        eb
          .selectFrom('enterprise_activity_months as m')
          .select('m.enterprises')
          .where('m.dimension', '=', 'area')
          .whereRef('m.key', '=', sql.ref('key.key'))
          .where('m.month', '<', before as never)
          .orderBy('m.month', 'desc')
          .limit(1)
          .as('s'),
      (join) => join.onTrue(),
    )
    .select([sql<string>`key.key`.as('key'), 's.enterprises']);
}

/** Every sector ever folded: the running count at the end of its last folded month before `before`. */
export function foldedSectorCountsQuery(k: Database, before: string) {
  return k
    .selectFrom((eb) =>
      eb.selectFrom('enterprise_activity_months').select('key').distinct().where('dimension', '=', 'sector').as('k'),
    )
    .innerJoinLateral(
      (eb) =>
        eb
          .selectFrom('enterprise_activity_months as m')
          .select('m.enterprises')
          .where('m.dimension', '=', 'sector')
          .whereRef('m.key', '=', 'k.key')
          .where('m.month', '<', before as never)
          .orderBy('m.month', 'desc')
          .limit(1)
          .as('s'),
      (join) => join.onTrue(),
    )
    .select(['k.key', 's.enterprises']);
}

/** Folded counts plus recent changes, per key. Two short queries, merged here. */
export async function countsByKey(
  k: Database,
  dimension: Dimension,
  asOf: string,
  cut: KnowledgeCut | null,
  units: readonly string[] = [],
): Promise<Map<string, number>> {
  const before = openFrom(asOf);
  const [folded, recent] = await Promise.all([
    dimension === 'area' ? foldedAreaCountsQuery(k, units, before).execute() : foldedSectorCountsQuery(k, before).execute(),
    recentChangesQuery(k, dimension, asOf, cut).execute(),
  ]);
  const counts = new Map<string, number>();
  for (const r of folded) counts.set(r.key, r.enterprises);
  for (const r of recent) counts.set(r.key, (counts.get(r.key) ?? 0) + r.change);
  return counts;
}

/**
 * The city's deltas dated up to asOf but recorded after that day (Hai Phong time) and up to the
 * cut, summed by the day they were recorded: the revisions of the figure first published for
 * asOf. Complete months come from enterprise_activity_late (the cut's own day from the deltas,
 * unless the cut is its end); the rest from the deltas. Cost: days on which something was
 * back-dated, not firms.
 */
export function revisionsQuery(k: Database, asOf: string, units: readonly string[], cut: KnowledgeCut | null) {
  const open = openFrom(asOf);
  const after = startOfCityDay(addDays(asOf, 1));
  const c = cut ? cutFacts(cut, asOf) : null;
  type Part = SelectQueryBuilder<
    DB,
    'enterprise_activity_deltas' | 'enterprise_activity_late',
    { recorded_on: string; delta: number }
  >;
  const recordedOn = sql<string>`to_char((recorded_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, 'YYYY-MM-DD')`.as('recorded_on');
  // IN (SELECT unnest(…)) rather than = ANY(…): for ANY the planner estimates each of the ~110 codes
  // against the column's statistics, in each of the three parts — 1.7 ms of planning per request
  // for a query that runs in 0.3 ms (0.4 ms planned this way; bench/results/registry-explain.txt).
  const inUnits = sql<boolean>`key IN (SELECT unnest(${[...units]}::text[]))`;
  const deltas = () =>
    k
      .selectFrom('enterprise_activity_deltas')
      .where('dimension', '=', 'area')
      .where(inUnits)
      .where('recorded_at', '>=', after as never);
  const upToCut = <Q extends SelectQueryBuilder<DB, 'enterprise_activity_deltas', object>>(q: Q) =>
    cut ? q.where('recorded_at', '<=', cut.at as never) : q;
  let late = k
    .selectFrom('enterprise_activity_late')
    .select([sql<string>`to_char(recorded_on, 'YYYY-MM-DD')`.as('recorded_on'), 'delta'])
    .where('dimension', '=', 'area')
    .where(inUnits)
    .where('month', '<', open as never)
    .where('recorded_on', '>', asOf as never);
  if (c) late = late.where('recorded_on', c.wholeDay ? '<=' : '<', c.day as never);
  const parts: Part[] = [
    late,
    upToCut(
      deltas()
        .select([recordedOn, 'delta'])
        .where('day', '>=', open as never)
        .where('day', '<=', asOf as never),
    ) as Part,
    upToCut(
      deltas()
        .select([recordedOn, sql<number>`delta - folded_delta`.as('delta')])
        .where(sql<boolean>`delta <> folded_delta`)
        .where('day', '<', open as never),
    ) as Part,
  ];
  // The cut's own day, when the cut falls inside it: the folded rows recorded that day up to the cut.
  if (c && !c.wholeDay && c.day > asOf) {
    parts.push(
      deltas()
        .select([recordedOn, sql<number>`folded_delta`.as('delta')])
        .where('day', '<', open as never)
        .where('recorded_at', '>=', startOfCityDay(c.day) as never)
        .where('recorded_at', '<=', cut!.at as never),
    );
  }
  const [first, ...rest] = parts;
  return k
    .selectFrom(rest.reduce<Part>((q, part) => q.unionAll(part), first!).as('r'))
    .select(['r.recorded_on', sql<number>`SUM(r.delta)::int`.as('delta')])
    .groupBy('r.recorded_on')
    .orderBy('r.recorded_on');
}

/**
 * The monthly series from `from` (first day of the first month) to `last` (month end, or today):
 * per month, the change summed over every unit (`all_delta`) and over `inner` (the old city's
 * units, or the one area asked for). The first month carries the opening balance (each unit's
 * count at the end of the month before); the caller runs the sums per month and picks the
 * boundary in force. `units` are all units firms are counted in (the opening balance's keys).
 */
export function seriesQuery(
  k: Database,
  from: string,
  last: string,
  cut: KnowledgeCut | null,
  units: readonly string[],
  inner: readonly string[],
) {
  const open = openFrom(last);
  const bucket = sql<string>`GREATEST(date_trunc('month', day::timestamp)::date, ${from}::date)::text`.as('month_start');
  type Part = SelectQueryBuilder<
    DB,
    'enterprise_activity_deltas' | 'enterprise_activity_months',
    { month_start: string; key: string; delta: number }
  >;
  const deltas = () => k.selectFrom('enterprise_activity_deltas').where('dimension', '=', 'area');
  const parts: Part[] = [
    foldedAreaCountsQuery(k, units, from)
      .clearSelect()
      .select([
        sql<string>`${from}::text`.as('month_start'),
        sql<string>`key.key`.as('key'),
        's.enterprises as delta',
      ]) as unknown as Part,
    k
      .selectFrom('enterprise_activity_months')
      .select([sql<string>`month::text`.as('month_start'), 'key', 'delta'])
      .where('dimension', '=', 'area')
      .where('month', '>=', from as never)
      .where('month', '<', open as never),
    deltas()
      .select([bucket, 'key', 'delta'])
      .where('day', '>=', open as never)
      .where('day', '<=', last as never),
    deltas()
      .select([bucket, 'key', sql<number>`delta - folded_delta`.as('delta')])
      .where(sql<boolean>`delta <> folded_delta`)
      .where('day', '<', open as never),
  ];
  if (cut) {
    parts.push(
      deltas()
        .select([bucket, 'key', sql<number>`-delta`.as('delta')])
        .where('recorded_at', '>', cut.at as never)
        .where('day', '<=', last as never),
    );
  }
  const [first, ...rest] = parts;
  return k
    .selectFrom(rest.reduce<Part>((q, part) => q.unionAll(part), first!).as('p'))
    .select([
      'p.month_start',
      sql<number>`SUM(p.delta)::int`.as('all_delta'),
      sql<number | null>`(SUM(p.delta) FILTER (WHERE p.key = ANY(${[...inner]}::text[])))::int`.as('inner_delta'),
    ])
    .groupBy('p.month_start')
    .orderBy('p.month_start');
}

/** The SQL text and parameters of a query, for EXPLAIN in the bench. */
export function compiled(query: Compilable): { sql: string; parameters: readonly unknown[] } {
  const c = query.compile();
  return { sql: c.sql, parameters: c.parameters };
}
