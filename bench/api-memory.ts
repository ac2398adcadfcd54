/**
 * The API in its own process (issue 15, items 2, 3 and 5): the built API (`dist/apps/api/main.js`, built first if
 * missing) in a process of its own, as `npm start` runs it, against the bench database; its resident
 * set read from /proc (VmRSS sampled every 50 ms, and the kernel's own peak VmHWM) after start and
 * through runs of text search, the list without text, the indicator and a small public read — each
 * at full load and at half of its throughput, for the tail latency with the load generator outside
 * the API's process (bench/baseline.ts runs both in one process, which inflates every tail).
 * Needs the marketplace seed (npm run bench -- marketplace). Writes bench/results/memory.{json,md}.
 * Environment: BENCH_DURATION_S per run (10), BENCH_CONNECTIONS (20).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { paced } from './paced';
import { apiNodeFlags, procMb, startBuiltApi } from './processes';
import { percentile } from './stats';

const RESULTS = join(__dirname, 'results');
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const QUERIES = ['giao thong', 'cảng biển', 'du lich thong minh', 'y te so', 'moi truong', 'Thủy Nguyên'];
const log = (msg: string) => process.stderr.write(`[bench:memory] ${msg}\n`);

type Autocannon = (opts: {
  url: string;
  connections: number;
  duration: number;
  requests?: { method: string; setupRequest?: (req: { path?: string }) => { path?: string } }[];
}) => Promise<{
  requests: { total: number };
  latency: { p50: number; p99: number };
  duration: number;
  non2xx: number;
  errors: number;
}>;
const autocannon = createRequire(__filename)('autocannon') as Autocannon;

async function main(): Promise<void> {
  // The API as npm start runs it (its node flags; API_NODE_FLAGS=' ' measures without them).
  const api = await startBuiltApi({ logLevel: 'warn' });
  const { pid, base } = api;
  const flags = apiNodeFlags();
  try {
    await new Promise((r) => setTimeout(r, 1000));
    const afterStart = procMb(pid, 'VmRSS');
    log(`API pid ${pid}: RSS ${afterStart} MB after start`);
    let sampledPeak = afterStart;
    const sampler = setInterval(() => (sampledPeak = Math.max(sampledPeak, procMb(pid, 'VmRSS'))), 50);
    const runs: { name: string; reqPerSec: number; p50Ms: number; p99Ms: number; p99AtHalfMs: number; rssAfterMb: number }[] = [];
    const area = (await (await fetch(`${base}/api/v1/areas?unitType=ward&limit=1`)).json()) as { items: { code: string }[] };
    const cases: { name: string; path: (i: number) => string }[] = [
      {
        name: 'search with text',
        path: (i) => `/api/v1/problems?q=${encodeURIComponent(QUERIES[i % QUERIES.length]!)}&limit=20`,
      },
      { name: 'list without text', path: () => '/api/v1/problems?limit=20' },
      { name: 'indicator, city, today', path: () => '/api/v1/indicators/enterprise-density' },
      { name: 'one area', path: () => `/api/v1/areas/${area.items[0]?.code ?? '31'}` },
    ];
    for (const c of cases) {
      // At full load (throughput), then paced at half of it (the tail latency a user sees on a busy day).
      const run = async () => {
        let i = 0;
        const r = await autocannon({
          url: base,
          connections: CONNECTIONS,
          duration: DURATION_S,
          requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: c.path(i++) }) }],
        });
        if (r.non2xx + r.errors > 0) throw new Error(`${c.name}: ${r.non2xx} non-2xx answers, ${r.errors} errors`);
        return r;
      };
      const full = await run();
      const reqPerSec = Math.round(full.requests.total / full.duration);
      const { latencies: half, bad, clientStallMs } = await paced(base, c.path, Math.max(1, reqPerSec / 2), DURATION_S);
      if (bad > 0) throw new Error(`${c.name}: ${bad} bad answers at half load`);
      const rss = procMb(pid, 'VmRSS');
      runs.push({
        name: c.name,
        reqPerSec,
        p50Ms: full.latency.p50,
        p99Ms: full.latency.p99,
        p99AtHalfMs: percentile(half, 99),
        rssAfterMb: rss,
      });
      log(
        `${c.name}: ${reqPerSec} req/s (p99 ${full.latency.p99} ms), p99 ${percentile(half, 99)} ms at half of it (paced; the client's longest stall ${clientStallMs} ms), RSS ${rss} MB after`,
      );
    }
    clearInterval(sampler);
    const peak = Math.max(sampledPeak, procMb(pid, 'VmHWM'));
    const result = {
      date: new Date().toISOString(),
      settings: { durationS: DURATION_S, connections: CONNECTIONS, nodeFlags: flags },
      rssAfterStartMb: afterStart,
      rssPeakMb: peak,
      targetMb: 250,
      runs,
    };
    log(`peak RSS ${peak} MB (target ≤ 250 MB)`);
    mkdirSync(RESULTS, { recursive: true });
    writeFileSync(join(RESULTS, 'memory.json'), `${JSON.stringify(result, null, 2)}\n`);
    writeFileSync(
      join(RESULTS, 'memory.md'),
      [
        '# The API in its own process: memory and latency under load',
        '',
        `Run ${result.date}: the built API in its own process (as \`npm start\` runs it: \`node ${flags.join(' ')}\`), ${CONNECTIONS} connections, ${DURATION_S} s per run.`,
        '',
        `RSS after start: ${afterStart} MB. Peak RSS (VmHWM, and VmRSS sampled every 50 ms): **${peak} MB** (target ≤ 250 MB).`,
        '',
        '| run | req/s (max) | p50 ms (max load) | p99 ms (max load) | p99 ms at half of max, evenly paced | RSS after the runs (MB) |',
        '|---|---|---|---|---|---|',
        ...runs.map((r) => `| ${r.name} | ${r.reqPerSec} | ${r.p50Ms} | ${r.p99Ms} | ${r.p99AtHalfMs} | ${r.rssAfterMb} |`),
        '',
      ].join('\n'),
    );
  } finally {
    await api.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
