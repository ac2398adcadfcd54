/**
 * Registry bench: seeds 100k firms with three years of history into the bench database (once;
 * later runs reuse them), then measures the density indicator, its monthly series and the
 * enterprise directory search through the real HTTP stack, booted in-process. Figures go to
 * bench/results/registry.{json,md}, query plans to bench/results/registry-explain.txt.
 * Run with `npm run bench` (starts PostgreSQL and Redis; runs every bench), or alone with DATABASE_URL / REDIS_URL set:
 *   npx ts-node -r tsconfig-paths/register bench/registry.ts
 * Environment: BENCH_FIRMS (100000), BENCH_REQUESTS per endpoint (200).
 */
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { cityToday } from '@app/common';
import { HAIPHONG_COMMUNES, seedAreaReferenceData } from '@app/areas';
import { runMigrations, typeOrmOptions } from '@app/database';
import { ActivitySnapshotsService } from '@app/enterprises';
import { db } from '@app/database';
import {
  addMonths,
  compiled,
  foldedAreaCountsQuery,
  foldedSectorCountsQuery,
  openFrom,
  recentChangesQuery,
  revisionsQuery,
  seriesQuery,
} from '@app/indicators';
import { createApp } from '../apps/api/src/bootstrap';
import { addDays, BENCH_TAX_PREFIX, seedRegistry } from './seed-registry';

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}
const autocannon = createRequire(__filename)('autocannon') as (opts: {
  url: string;
  connections: number;
  amount: number;
}) => Promise<AutocannonResult>;

const FIRMS = Number(process.env.BENCH_FIRMS ?? 100_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const WARMUP = 20;
const RESULTS = join(__dirname, 'results');

interface Latency {
  name: string;
  path: string;
  status: number;
  skipped?: string;
  n?: number;
  p50Ms?: number;
  p90Ms?: number;
  p99Ms?: number;
  meanMs?: number;
  bytes?: number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;
/** Nearest-rank percentile of sorted values. */
const percentile = (sorted: number[], p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];

async function measure(base: string, name: string, path: string): Promise<Latency> {
  const first = await fetch(base + path);
  const body = await first.arrayBuffer();
  if (first.status !== 200) {
    return {
      name,
      path,
      status: first.status,
      skipped: `answered ${first.status}: ${Buffer.from(body).toString('utf8').slice(0, 200)}`,
    };
  }
  for (let i = 0; i < WARMUP; i++) await (await fetch(base + path)).arrayBuffer();
  const times: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const t0 = performance.now();
    const res = await fetch(base + path);
    await res.arrayBuffer();
    times.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`${path} answered ${res.status} during the run`);
  }
  times.sort((a, b) => a - b);
  return {
    name,
    path,
    status: 200,
    n: times.length,
    p50Ms: round2(percentile(times, 0.5)!),
    p90Ms: round2(percentile(times, 0.9)!),
    p99Ms: round2(percentile(times, 0.99)!),
    meanMs: round2(times.reduce((s, t) => s + t, 0) / times.length),
    bytes: body.byteLength,
  };
}

async function explain(ds: DataSource, sql: string, params: unknown[]): Promise<{ plan: string; executionMs: number }> {
  const rows = await ds.query<{ 'QUERY PLAN': string }[]>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
  const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
  return { plan, executionMs: Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? NaN) };
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: run `npm run bench`, or set it to the bench database');
  const today = cityToday();

  // Schema and reference data first: on a new machine the bench database is empty.
  await runMigrations(url);
  const ds = await new DataSource(typeOrmOptions(url, 4)).initialize();
  try {
    await ds.transaction((m) => seedAreaReferenceData(m));
    const [{ n: existing }] = await ds.query<[{ n: number }]>(
      `SELECT count(*)::int AS n FROM enterprises WHERE tax_code LIKE $1 || '%'`,
      [BENCH_TAX_PREFIX],
    );
    let seedSeconds: number | null = null;
    if (existing === 0) {
      console.log(`[bench] seeding ${FIRMS} firms with their history…`);
      const t0 = performance.now();
      const seeded = await ds.transaction((m) => seedRegistry(m, FIRMS, today));
      await ds.query('VACUUM ANALYZE'); // the steady state autovacuum would reach: statistics and visibility map
      seedSeconds = round2((performance.now() - t0) / 1000);
      console.log(`[bench] seeded ${seeded.firms} firms, ${seeded.historyRows} history rows in ${seedSeconds} s`);
    } else if (existing < FIRMS) {
      throw new Error(
        `The bench database holds ${existing} of this bench's firms, not ${FIRMS}: drop it (or its schema) and run again`,
      );
    } else {
      console.log(`[bench] reusing the ${existing} firms already seeded`);
    }

    // What the worker does every few seconds: the seeded deltas go into the monthly snapshots.
    const f0 = performance.now();
    const folded = await new ActivitySnapshotsService(ds).fold();
    const foldSeconds = round2((performance.now() - f0) / 1000);
    await ds.query('VACUUM ANALYZE enterprise_activity_deltas, enterprise_activity_months, enterprise_activity_late');
    console.log(`[bench] folded ${folded} delta rows into the monthly snapshots in ${foldSeconds} s`);

    const [dataset] = await ds.query<Record<string, number>[]>(`
      SELECT (SELECT count(*)::int FROM enterprises) AS firms,
             (SELECT count(*)::int FROM enterprises WHERE status = 'verified') AS verified_now,
             (SELECT count(*)::int FROM enterprise_status_history) AS history_rows,
             (SELECT count(*)::int FROM enterprise_activity_deltas WHERE dimension = 'area') AS area_delta_rows,
             (SELECT count(*)::int FROM enterprise_activity_deltas WHERE dimension = 'sector') AS sector_delta_rows,
             (SELECT count(DISTINCT day)::int FROM enterprise_activity_deltas) AS days_with_changes,
             (SELECT count(*)::int FROM enterprise_activity_months) AS snapshot_rows`);
    const [{ code: busiest }] = await ds.query<[{ code: string }]>(
      `SELECT area_code AS code FROM enterprises WHERE status = 'verified' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`,
    );

    const oldCityUnits = HAIPHONG_COMMUNES.filter((a) => a.formerParentCode !== null).map((a) => a.code);
    const yearAgo = addDays(today, -365);
    const to = today.slice(0, 7);
    const from24 = addMonths(to, -23);
    const units = HAIPHONG_COMMUNES.map((a) => a.code);
    const k = db(ds);
    const plan = (q: Parameters<typeof compiled>[0]) => {
      const c = compiled(q);
      return explain(ds, c.sql, [...c.parameters]);
    };
    // What the service runs (density-queries.ts): folded counts and recent changes, revisions, series.
    const plans = {
      snapshotFolded: await plan(foldedAreaCountsQuery(k, units, openFrom(today))),
      snapshotRecent: await plan(recentChangesQuery(k, 'area', today, null)),
      snapshotYearAgoFolded: await plan(foldedAreaCountsQuery(k, units, openFrom(yearAgo))),
      snapshotYearAgoRecent: await plan(recentChangesQuery(k, 'area', yearAgo, null)),
      snapshotYearAgoKnownSixMonthsLater: await plan(
        recentChangesQuery(k, 'area', yearAgo, {
          at: new Date(Date.parse(`${addDays(yearAgo, 182)}T16:59:59.999Z`)).toISOString(),
        }),
      ),
      revisionsToday: await plan(revisionsQuery(k, today, units, null)),
      revisionsYearAgo: await plan(revisionsQuery(k, yearAgo, units, null)),
      sectorsFolded: await plan(foldedSectorCountsQuery(k, openFrom(today))),
      sectorsRecent: await plan(recentChangesQuery(k, 'sector', today, null)),
      seriesCity24: await plan(seriesQuery(k, `${from24}-01`, today, null, units, oldCityUnits)),
      seriesArea24: await plan(seriesQuery(k, `${from24}-01`, today, null, units, [busiest])),
    };
    mkdirSync(RESULTS, { recursive: true });
    writeFileSync(
      join(RESULTS, 'registry-explain.txt'),
      Object.entries(plans)
        .map(([name, p]) => `== ${name}\n${p.plan}\n`)
        .join('\n'),
    );

    // The real HTTP stack, in-process, on a free port.
    const app = await createApp();
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/api/v1`;
    try {
      const endpoints: [string, string][] = [
        ['indicator, city, today', '/indicators/enterprise-density'],
        ['indicator, city, a year ago', `/indicators/enterprise-density?asOf=${yearAgo}`],
        ['indicator, one ward', `/indicators/enterprise-density?area=${busiest}`],
        ['indicator, by sector', '/indicators/enterprise-density?groupBy=sector'],
        ['indicator, CSV', '/indicators/enterprise-density?format=csv'],
        ['series, city, 24 months', `/indicators/enterprise-density/series?from=${from24}&to=${to}`],
        ['series, one ward, 24 months', `/indicators/enterprise-density/series?from=${from24}&to=${to}&area=${busiest}`],
        ['series, city, 120 months', `/indicators/enterprise-density/series?from=${addMonths(to, -119)}&to=${to}`],
        ['chart, city, 24 months', '/indicators/enterprise-density/chart'],
        ['directory search "phan mem"', '/enterprises?q=phan%20mem'],
        ['directory search "logistics hai phong", limit 50', '/enterprises?q=logistics%20hai%20phong&limit=50'],
      ];
      const latencies: Latency[] = [];
      for (const [name, path] of endpoints) {
        const result = await measure(base, name, path);
        console.log(
          `[bench] ${name}: ${result.skipped ? `skipped (${result.skipped})` : `p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms`}`,
        );
        latencies.push(result);
      }
      const throughput = [];
      for (const [name, path] of [endpoints[0]!, endpoints[5]!]) {
        const r = await autocannon({ url: base + path, connections: 10, amount: 2000 });
        throughput.push({
          name,
          path,
          connections: 10,
          requests: r.requests.total,
          requestsPerSecond: round2(r.requests.average),
          p50Ms: r.latency.p50,
          p99Ms: r.latency.p99,
          non2xx: r.non2xx,
          errors: r.errors,
        });
        console.log(`[bench] ${name} under 10 connections: ${round2(r.requests.average)} req/s`);
      }

      const [{ version }] = await ds.query<[{ version: string }]>(`SELECT split_part(version(), ' on ', 1) AS version`);
      const report = {
        date: new Date().toISOString(),
        machine: {
          cpu: os.cpus()[0]?.model ?? 'unknown',
          cpus: os.cpus().length,
          memoryGb: round2(os.totalmem() / 2 ** 30),
          platform: `${os.platform()} ${os.release()}`,
          node: process.version,
          postgres: version,
        },
        dataset: { ...dataset, busiestWard: busiest, seedSeconds, folded, foldSeconds },
        method: `sequential requests over HTTP to the API booted in-process; ${WARMUP} warm-up requests, then ${REQUESTS} timed; nearest-rank percentiles`,
        latencies,
        throughput,
        queryPlans: Object.fromEntries(Object.entries(plans).map(([k, p]) => [k, { executionMs: p.executionMs }])),
      };
      writeFileSync(join(RESULTS, 'registry.json'), JSON.stringify(report, null, 2) + '\n');
      writeFileSync(join(RESULTS, 'registry.md'), markdown(report));
      console.log(`[bench] wrote ${join(RESULTS, 'registry.json')} and registry.md`);
    } finally {
      await app.close();
    }
  } finally {
    await ds.destroy();
  }
}

function markdown(r: {
  date: string;
  machine: Record<string, string | number>;
  dataset: Record<string, string | number | null>;
  method: string;
  latencies: Latency[];
  throughput: { name: string; requestsPerSecond: number; p99Ms: number }[];
  queryPlans: Record<string, { executionMs: number }>;
}): string {
  const d = r.dataset;
  return [
    '# Registry bench',
    '',
    `${r.date} on ${r.machine.cpus} × ${r.machine.cpu}, ${r.machine.memoryGb} GB, ${r.machine.platform}, Node ${r.machine.node}, ${r.machine.postgres}.`,
    '',
    `Dataset: ${d.firms} firms (${d.verified_now} verified today), ${d.history_rows} status changes, ${d.area_delta_rows} area and ${d.sector_delta_rows} sector delta rows over ${d.days_with_changes} days.` +
      (d.seedSeconds !== null ? ` Seeded in ${d.seedSeconds} s.` : '') +
      ` Monthly snapshots: ${d.snapshot_rows} rows (this run folded ${d.folded} delta rows in ${d.foldSeconds} s).`,
    '',
    `Method: ${r.method}. Figures are for comparison between runs on one machine, not targets.`,
    '',
    '| request | p50 ms | p90 ms | p99 ms | mean ms |',
    '|---|---:|---:|---:|---:|',
    ...r.latencies.map((l) =>
      l.skipped
        ? `| ${l.name} | skipped: ${l.skipped.replace(/\|/g, '/')} | | | |`
        : `| ${l.name} | ${l.p50Ms} | ${l.p90Ms} | ${l.p99Ms} | ${l.meanMs} |`,
    ),
    '',
    '| under 10 connections (autocannon) | req/s | p99 ms |',
    '|---|---:|---:|',
    ...r.throughput.map((t) => `| ${t.name} | ${t.requestsPerSecond} | ${t.p99Ms} |`),
    '',
    'Database time of the main queries (EXPLAIN ANALYZE; plans in registry-explain.txt):',
    '',
    ...Object.entries(r.queryPlans).map(([k, p]) => `- ${k}: ${p.executionMs} ms`),
    '',
  ].join('\n');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
