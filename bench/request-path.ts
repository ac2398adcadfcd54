/**
 * The request path itself (issue 15, item 4): a cheap request through the whole product (Fastify,
 * Nest, guards, security headers, metrics, the access log at `info`) beside the raw Fastify server
 * answering the same body, each in a process of its own, autocannon in this one, in alternated runs:
 *
 *   - GET /api/health/live: no database, no Redis; the product's cheapest public answer;
 *   - GET /api/v1/areas/{code}: a small public read (an area and its population figures); the raw
 *     server runs the same two queries through a bare pg Pool.
 *
 * The product runs as `npm start` runs it (the built API, its node flags, NODE_ENV=production) with
 * the access log on, its stdout to a file as a log collector would take it, so the line's cost is
 * measured. bench/baseline.ts calls measureRequestPath with its own two servers; run alone, this
 * starts them. Writes bench/results/request-path.json.
 * Environment: BENCH_DURATION_S per run (5), BENCH_CONNECTIONS (20), BENCH_ROUNDS (3).
 */
import './marketplace-env';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { cpuMs, ownCpuMs, type Server, startBuiltApi, startRawServer } from './processes';
import { median } from './stats';

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
const round3 = (n: number) => Math.round(n * 1000) / 1000;

export interface RequestPathFigure {
  figure: string;
  product: number;
  raw: number;
  ratio: number | null;
}

interface Run {
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  bad: number;
  /** CPU ms per request: the server's process and autocannon's (this process). */
  serverCpuMs: number;
  loadGeneratorCpuMs: number;
}

async function run(server: Server, path: string): Promise<Run> {
  const before = { server: cpuMs(server.pid), load: ownCpuMs(process.pid) };
  const r = await autocannon({ url: `${server.base}${path}`, connections: CONNECTIONS, duration: DURATION_S });
  const total = Math.max(1, r.requests.total);
  return {
    reqPerSec: round2(r.requests.total / r.duration),
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    bad: r.non2xx + r.errors,
    serverCpuMs: round3((cpuMs(server.pid) - before.server) / total),
    loadGeneratorCpuMs: round3((ownCpuMs(process.pid) - before.load) / total),
  };
}

/** The cheap requests against the two running servers; also writes request-path.json. */
export async function measureRequestPath(product: Server, raw: Server): Promise<RequestPathFigure[]> {
  // The first ward, as the product lists it.
  const wards = (await (await fetch(`${product.base}/api/v1/areas?unitType=ward&limit=1`)).json()) as {
    items: { code: string }[];
  };
  const areaCode = wards.items[0]?.code;
  if (!areaCode) throw new Error('No ward in the areas: run the seed first');
  const cases = [
    { name: 'GET /health/live', product: '/api/health/live', raw: '/live' },
    { name: `GET /v1/areas/${areaCode}`, product: `/api/v1/areas/${areaCode}`, raw: `/areas/${areaCode}` },
  ];
  for (const c of cases) {
    for (const [server, path] of [
      [product, c.product],
      [raw, c.raw],
    ] as const) {
      const res = await fetch(`${server.base}${path}`);
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
    }
  }
  const runs = new Map(cases.map((c) => [c.name, { product: [] as Run[], raw: [] as Run[] }]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of cases) {
      const r = runs.get(c.name)!;
      // Alternate which side goes first, so drift in the machine's speed hits both alike.
      const order = round % 2 === 0 ? (['product', 'raw'] as const) : (['raw', 'product'] as const);
      for (const side of order) r[side].push(await run(side === 'product' ? product : raw, c[side]));
      log(`${c.name} round ${round + 1}: product ${r.product.at(-1)!.reqPerSec} req/s, raw ${r.raw.at(-1)!.reqPerSec} req/s`);
    }
  }
  const figures: RequestPathFigure[] = [];
  const ratio = (a: number, b: number) => (b > 0 ? round2(a / b) : null);
  for (const c of cases) {
    const r = runs.get(c.name)!;
    if ([...r.product, ...r.raw].some((x) => x.bad > 0)) throw new Error(`${c.name}: non-2xx or errors during the runs`);
    const of = (key: Exclude<keyof Run, 'bad'>) => ({
      product: median(r.product.map((x) => x[key])),
      raw: median(r.raw.map((x) => x[key])),
    });
    const row = (figure: string, key: Exclude<keyof Run, 'bad'>) => {
      const m = of(key);
      figures.push({ figure: `${c.name}: ${figure}`, ...m, ratio: ratio(m.product, m.raw) });
    };
    row('req/s', 'reqPerSec');
    row('p50 ms', 'p50Ms');
    row('p99 ms', 'p99Ms');
    row("the server's CPU ms per request", 'serverCpuMs');
    row("the load generator's CPU ms per request", 'loadGeneratorCpuMs');
  }
  for (const f of figures) log(`${f.figure}: product ${f.product}, raw ${f.raw}, ratio ${f.ratio ?? '–'}`);
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(
    join(RESULTS, 'request-path.json'),
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        settings: { durationS: DURATION_S, connections: CONNECTIONS, rounds: ROUNDS, accessLog: 'info, to a file' },
        figures,
        runs: Object.fromEntries(runs),
      },
      null,
      2,
    )}\n`,
  );
  return figures;
}

/** Run alone: start the built API (access log on, to a file) and the raw server, then measure. */
async function main(): Promise<void> {
  const accessLog = join(os.tmpdir(), `request-path-access-${process.pid}.log`);
  let product: Server | null = null;
  let raw: Server | null = null;
  try {
    product = await startBuiltApi({ logLevel: 'info', logFile: accessLog });
    raw = await startRawServer();
    await measureRequestPath(product, raw);
  } finally {
    await product?.stop();
    await raw?.stop();
    rmSync(accessLog, { force: true });
  }
}

if (require.main === module)
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
