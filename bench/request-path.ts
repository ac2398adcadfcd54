/**
 * The request path itself (issue 15, item 4): a cheap request through the whole product (Fastify,
 * Nest, guards, security headers, CORS, metrics, the access log at `info`) beside a raw Fastify
 * server answering the same body, in one process, in alternated runs.
 *
 *   - GET /api/health/live: no database, no Redis; the product's cheapest public answer;
 *   - GET /api/v1/areas/{code}: a small public read (an area and its population figures); the raw
 *     server runs the same two queries through a bare pg Pool.
 *
 * The access log is on, as in production: run by bench/baseline.ts with stdout sent to
 * bench/results/request-path.log (what a log collector would receive), so its cost is measured.
 * Writes bench/results/request-path.json; progress goes to stderr.
 * Environment: BENCH_DURATION_S per run (5), BENCH_CONNECTIONS (20), BENCH_ROUNDS (3).
 */
import './marketplace-env';
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Pool } from 'pg';
import { createApp } from '../apps/api/src/bootstrap';
import { buildRawServer } from './raw-server';

interface AutocannonResult {
  requests: { total: number; average: number };
  latency: { p50: number; p99: number };
  duration: number;
  non2xx: number;
  errors: number;
}
const autocannon = createRequire(__filename)('autocannon') as (opts: {
  url: string;
  connections: number;
  duration: number;
}) => Promise<AutocannonResult>;

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const RESULTS = join(__dirname, 'results');
const log = (msg: string) => process.stderr.write(`[bench:request-path] ${msg}\n`);
const round2 = (n: number) => Math.round(n * 100) / 100;
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

export interface RequestPathFigure {
  figure: string;
  product: number;
  raw: number;
  ratio: number;
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set');
  const app = await createApp();
  await app.listen({ port: 0, host: '127.0.0.1' });
  const product = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const pool = new Pool({ connectionString: url, max: Number(process.env.DATABASE_POOL_SIZE) });
  const raw = buildRawServer(pool);
  try {
    const [{ code }] = (
      await pool.query<{ code: string }>(`SELECT code FROM areas WHERE unit_type = 'ward' ORDER BY code LIMIT 1`)
    ).rows as [{ code: string }];
    await raw.listen({ port: 0, host: '127.0.0.1' });
    const address = raw.server.address();
    const rawBase = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

    const cases = [
      { name: 'GET /health/live', product: `${product}/api/health/live`, raw: `${rawBase}/live` },
      { name: `GET /v1/areas/${code}`, product: `${product}/api/v1/areas/${code}`, raw: `${rawBase}/areas/${code}` },
    ];
    for (const c of cases) {
      for (const target of [c.product, c.raw]) {
        const res = await fetch(target);
        if (res.status !== 200) throw new Error(`${target} answered ${res.status}`);
      }
    }
    const runs = new Map<string, { product: AutocannonResult[]; raw: AutocannonResult[] }>();
    for (const c of cases) runs.set(c.name, { product: [], raw: [] });
    for (let round = 0; round < ROUNDS; round++) {
      for (const c of cases) {
        const r = runs.get(c.name)!;
        // Alternate which side goes first, so drift in the machine's load hits both alike.
        const order = round % 2 === 0 ? (['product', 'raw'] as const) : (['raw', 'product'] as const);
        for (const side of order)
          r[side].push(await autocannon({ url: c[side], connections: CONNECTIONS, duration: DURATION_S }));
        log(
          `${c.name} round ${round + 1}: product ${r.product.at(-1)!.requests.average} req/s, raw ${r.raw.at(-1)!.requests.average} req/s`,
        );
      }
    }
    const figures: RequestPathFigure[] = [];
    for (const c of cases) {
      const r = runs.get(c.name)!;
      const rps = (xs: AutocannonResult[]) => round2(median(xs.map((x) => x.requests.total / x.duration)));
      const p50 = (xs: AutocannonResult[]) => median(xs.map((x) => x.latency.p50));
      const p99 = (xs: AutocannonResult[]) => median(xs.map((x) => x.latency.p99));
      const bad = (xs: AutocannonResult[]) => xs.reduce((s, x) => s + x.non2xx + x.errors, 0);
      if (bad(r.product) + bad(r.raw) > 0) throw new Error(`${c.name}: non-2xx or errors during the runs`);
      figures.push(
        { figure: `${c.name}: req/s`, product: rps(r.product), raw: rps(r.raw), ratio: round2(rps(r.product) / rps(r.raw)) },
        { figure: `${c.name}: p50 ms`, product: p50(r.product), raw: p50(r.raw), ratio: round2(p50(r.product) / p50(r.raw)) },
        { figure: `${c.name}: p99 ms`, product: p99(r.product), raw: p99(r.raw), ratio: round2(p99(r.product) / p99(r.raw)) },
      );
    }
    for (const f of figures) log(`${f.figure}: product ${f.product}, raw ${f.raw}, ratio ${f.ratio}`);
    mkdirSync(RESULTS, { recursive: true });
    writeFileSync(
      join(RESULTS, 'request-path.json'),
      `${JSON.stringify(
        {
          date: new Date().toISOString(),
          settings: { durationS: DURATION_S, connections: CONNECTIONS, rounds: ROUNDS, logLevel: process.env.LOG_LEVEL },
          figures,
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    await raw.close();
    await pool.end();
    await app.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
