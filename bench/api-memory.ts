/**
 * API memory under load (issue 15, item 5): the built API (`dist/apps/api/main.js`, built first if
 * missing) in a process of its own, as `npm start` runs it, against the bench database; its resident
 * set read from /proc (VmRSS sampled every 50 ms, and the kernel's own peak VmHWM) after start and
 * through runs of text search, the list without text, the indicator and a small public read.
 * Needs the marketplace seed (npm run bench -- marketplace). Writes bench/results/memory.{json,md}.
 * Environment: BENCH_DURATION_S per run (10), BENCH_CONNECTIONS (20).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import getPort from 'get-port';

const ROOT = join(__dirname, '..');
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
}) => Promise<{ requests: { total: number }; duration: number; non2xx: number; errors: number }>;
const autocannon = createRequire(__filename)('autocannon') as Autocannon;

/** A figure from /proc/<pid>/status in MB (VmRSS: now; VmHWM: the peak since the process started). */
function procMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Math.round(Number(match[1]) / 1024) : NaN;
}

async function waitHealthy(base: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const ok = await fetch(`${base}/api/health/live`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the API did not answer /api/health/live within 60 s');
}

async function main(): Promise<void> {
  const main = join(ROOT, 'dist', 'apps', 'api', 'main.js');
  if (!existsSync(main)) {
    log('building the API (npm run build:api)');
    const built = spawnSync('npm', ['run', 'build:api'], { cwd: ROOT, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('npm run build:api failed');
  }
  const port = await getPort();
  const api = spawn(process.execPath, [main], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production', PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const pid = api.pid as number;
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitHealthy(base);
    await new Promise((r) => setTimeout(r, 1000));
    const afterStart = procMb(pid, 'VmRSS');
    log(`API pid ${pid}: RSS ${afterStart} MB after start`);
    let sampledPeak = afterStart;
    const sampler = setInterval(() => (sampledPeak = Math.max(sampledPeak, procMb(pid, 'VmRSS'))), 50);
    const runs: { name: string; reqPerSec: number; rssAfterMb: number }[] = [];
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
      let i = 0;
      const r = await autocannon({
        url: base,
        connections: CONNECTIONS,
        duration: DURATION_S,
        requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: c.path(i++) }) }],
      });
      if (r.non2xx + r.errors > 0) throw new Error(`${c.name}: ${r.non2xx} non-2xx answers, ${r.errors} errors`);
      const rss = procMb(pid, 'VmRSS');
      runs.push({ name: c.name, reqPerSec: Math.round(r.requests.total / r.duration), rssAfterMb: rss });
      log(`${c.name}: ${runs.at(-1)?.reqPerSec} req/s, RSS ${rss} MB after`);
    }
    clearInterval(sampler);
    const peak = Math.max(sampledPeak, procMb(pid, 'VmHWM'));
    const result = {
      date: new Date().toISOString(),
      settings: { durationS: DURATION_S, connections: CONNECTIONS },
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
        '# API memory under load',
        '',
        `Run ${result.date}: the built API in its own process (as \`npm start\` runs it), ${CONNECTIONS} connections, ${DURATION_S} s per run.`,
        '',
        `RSS after start: ${afterStart} MB. Peak RSS (VmHWM, and VmRSS sampled every 50 ms): **${peak} MB** (target ≤ 250 MB).`,
        '',
        '| run | req/s | RSS after the run (MB) |',
        '|---|---|---|',
        ...runs.map((r) => `| ${r.name} | ${r.reqPerSec} | ${r.rssAfterMb} |`),
        '',
      ].join('\n'),
    );
  } finally {
    api.kill('SIGTERM');
    await new Promise((r) => api.once('exit', r));
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
