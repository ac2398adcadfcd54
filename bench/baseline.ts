/**
 * Baseline bench (issue 15, item 6): the product side by side with a raw Fastify + pg server
 * running the same SQL on the same database and machine, in alternated runs. Each server runs in a
 * process of its own and the load generator (autocannon) in this one:
 *
 *   - the product: the built API as `npm start` runs it (bench/processes.ts: its node flags,
 *     NODE_ENV=production, the access log on at `info`, written to a file as a collector takes it);
 *   - the raw server: bench/raw-server.ts (Fastify, a bare pg Pool, no logger, validation, guards or
 *     crypto). Search: the SQL built by the product's own ProblemSearchService (so the text is the
 *     same by construction); EXPLAIN (ANALYZE, BUFFERS) of each query goes to
 *     bench/results/baseline-search-explain.txt. Submit: one real submission through the product
 *     (in this process, before the runs) is recorded statement by statement (the auth lookup, the
 *     transaction, every INSERT); the raw server replays exactly those statements for each request,
 *     with the request's problem, firm and user and fresh ids in place of the recorded ones
 *     (ciphertext reused: no crypto, no validation, no JWT);
 *   - the request path: bench/request-path.ts (a cheap request and a small public read) against the
 *     same two processes after the search runs; its figures join the table.
 *
 * Every figure is printed beside its ratio to the raw server; for submit, the CPU time each process
 * spent per request (/proc) says where the difference goes. Needs the marketplace bench's seed
 * (10k problems, 100k proposals): run after bench/marketplace.ts (npm run bench does). Writes
 * bench/results/baseline.{json,md}. Never a test: it fails only on an error.
 * Environment: BENCH_DURATION_S per search run (8), BENCH_CONNECTIONS (20), BENCH_SUBMITS per
 * submit run (2000, after a warm-up of BENCH_SUBMITS_WARM_UP, 3000, on each side), BENCH_ROUNDS of
 * alternation for search (3), BENCH_SUBMIT_ROUNDS for submit (6, always even: pairs of rounds).
 */
import './marketplace-env';
import 'reflect-metadata';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { JwtService } from '@nestjs/jwt';
import { Pool } from 'pg';
import { DataSource, Logger as TypeOrmLogger } from 'typeorm';
import { ProblemSearchService } from '@app/problems';
import { createApp } from '../apps/api/src/bootstrap';
import { bidContent } from './bid-content';
import { paced } from './paced';
import { cpuMs, ownCpuMs, postgresCpuMs, procMb, type Server, startBuiltApi, startRawServer } from './processes';
import { queryingStandIn, type SubmitScript } from './raw-server';
import { median, percentile } from './stats';
import { measureRequestPath } from './request-path';

interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: AutocannonRequest) => AutocannonRequest;
}
interface AutocannonResult {
  requests: { total: number };
  latency: { p50: number; p99: number };
  duration: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (opts: {
  url: string;
  connections: number;
  duration?: number;
  amount?: number;
  sampleInt?: number;
  requests?: AutocannonRequest[];
}) => Promise<AutocannonResult>;
const autocannon = createRequire(__filename)('autocannon') as Autocannon;

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const SUBMITS = Number(process.env.BENCH_SUBMITS ?? 2000);
// Short cold runs measured the JIT: 600 submissions right after start ran at 200 req/s, the same
// code warm at 310; in a process of its own the built API was still speeding up after 1000. Both
// servers get the same warm-up, not counted.
const SUBMITS_WARM_UP = Number(process.env.BENCH_SUBMITS_WARM_UP ?? 3000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
// Submit rounds come in pairs, one with each side first: whichever side runs second loses (0.67×
// in every round the raw server went first, 0.76–0.99× with the product first, in one run: the
// first run's inserts leave PostgreSQL work — dirty pages, autovacuum — that lands on the second).
// A pair's ratio cancels that; the figure is the median over the pairs.
const SUBMIT_ROUNDS = 2 * Math.ceil(Number(process.env.BENCH_SUBMIT_ROUNDS ?? 6) / 2);
const QUERIES = ['giao thong', 'cảng biển', 'du lich thong minh', 'y te so', 'moi truong', 'Thủy Nguyên'];
const RESULTS = join(__dirname, 'results');

const round2 = (n: number) => Math.round(n * 100) / 100;
const log = (msg: string) => console.log(`[bench:baseline] ${msg}`);

interface Run {
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}
const runOf = (r: AutocannonResult): Run => ({
  reqPerSec: round2(r.requests.total / r.duration),
  p50Ms: r.latency.p50,
  p99Ms: r.latency.p99,
  non2xx: r.non2xx,
  errors: r.errors + r.timeouts,
});
const medianRun = (runs: Run[]): Run => ({
  reqPerSec: round2(median(runs.map((r) => r.reqPerSec))),
  p50Ms: median(runs.map((r) => r.p50Ms)),
  p99Ms: median(runs.map((r) => r.p99Ms)),
  non2xx: runs.reduce((a, r) => a + r.non2xx, 0),
  errors: runs.reduce((a, r) => a + r.errors, 0),
});

/** One evenly paced run at half of max throughput. */
interface HalfRun {
  p50Ms: number;
  p99Ms: number;
  clientStallMs: number;
}

/** Records every statement the product sends while `recording` is on. */
class Recorder implements TypeOrmLogger {
  recording = false;
  statements: { sql: string; params: unknown[] }[] = [];
  logQuery(sql: string, params?: unknown[]) {
    if (this.recording) this.statements.push({ sql, params: params ?? [] });
  }
  logQueryError() {}
  logQuerySlow() {}
  logSchemaBuild() {}
  logMigration() {}
  log() {}
}

/** The i-th bid as a request body: a realistic size, so the recorded ciphertext the raw server replays is too. */
const bidBody = (i: number): string => JSON.stringify(bidContent(i));

/** CPU time per request of each process during a run (ms), from /proc. */
interface CpuPerRequest {
  server: number;
  postgres: number;
  loadGenerator: number;
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url || !/bench/.test(new URL(url).pathname))
    throw new Error('Set DATABASE_URL to a database whose name contains "bench".');
  const pool = new Pool({ connectionString: url, max: Number(process.env.DATABASE_POOL_SIZE) });
  const scriptFile = join(os.tmpdir(), `baseline-submit-${process.pid}.json`);
  const accessLog = join(os.tmpdir(), `baseline-access-${process.pid}.log`);
  let product: Server | null = null;
  let raw: Server | null = null;
  try {
    // ---- set-up with the product in this process: the data, the tokens, one recorded submission ----
    const app = await createApp();
    await app.listen({ port: 0, host: '127.0.0.1' });
    const recorded = await (async () => {
      try {
        return await prepareSubmissions(app);
      } finally {
        await app.close();
      }
    })();
    const { problems, proposals, pairs, tokens, script, pg } = recorded;
    writeFileSync(scriptFile, JSON.stringify(script));
    log(
      `recorded ${script.statements.length} statements of one submission: ${script.statements.map((s) => s.sql.trim().split(/\s+/).slice(0, 3).join(' ')).join(' | ')}`,
    );

    // ---- the two servers, each in a process of its own ---------------------------------------
    product = await startBuiltApi({ logLevel: 'info', logFile: accessLog });
    raw = await startRawServer({ RAW_SUBMIT_SCRIPT: scriptFile });
    const productBase = product.base;
    const rawBase = raw.base;
    log(`product (built API, pid ${product.pid}) on ${productBase}; raw server (pid ${raw.pid}) on ${rawBase}`);

    // ---- search ------------------------------------------------------------------------------
    const explains: string[] = [];
    // EXPLAIN of the first query of each search: the one every text search runs (the fallback
    // follows only an empty answer, and this stand-in answers nothing to keep it out). The plans
    // are read from a warm run with per-node timing; the execution time is measured with TIMING
    // OFF (reading the clock at every row costs more than the work on a paravirtualised VM), five
    // times per query, and its median taken.
    let explain: ((sql: string, params?: unknown[]) => Promise<void>) | null = null;
    const explainer = new ProblemSearchService(
      queryingStandIn(async (sql: string, params?: unknown[]) => {
        const run = explain;
        explain = null;
        if (run) await run(sql, params);
        return [];
      }),
    );
    const explainRows = async (options: string, sql: string, params?: unknown[]) =>
      (await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN (${options}) ${sql}`, params)).rows.map((r) => r['QUERY PLAN']);
    const searchOnce = async (q: string, run: (sql: string, params?: unknown[]) => Promise<void>) => {
      explain = run;
      await explainer.search(undefined, { q, limit: 20 });
    };
    const sqlWarm: number[] = [];
    for (const q of QUERIES) {
      await searchOnce(q, async () => {}); // cold: the pages come in
      await searchOnce(
        q,
        async (sql, params) => void explains.push(`\n== q=${q}`, ...(await explainRows('ANALYZE, BUFFERS', sql, params))),
      );
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        await searchOnce(q, async (sql, params) => {
          const plan = (await explainRows('ANALYZE, TIMING OFF', sql, params)).join('\n');
          times.push(Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? NaN));
        });
      }
      sqlWarm.push(median(times));
    }
    log(
      `search SQL (EXPLAIN ANALYZE, TIMING OFF, warm, median of 5 per query): median ${median(sqlWarm)} ms, max ${Math.max(...sqlWarm)} ms`,
    );

    const searchRun = async (base: string, path: (q: string) => string) => {
      let i = 0;
      return runOf(
        await autocannon({
          url: base,
          connections: CONNECTIONS,
          duration: DURATION_S,
          requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: path(QUERIES[i++ % QUERIES.length]!) }) }],
        }),
      );
    };
    const productPath = (q: string) => `/api/v1/problems?q=${encodeURIComponent(q)}&limit=20`;
    const rawPath = (q: string) => `/search?q=${encodeURIComponent(q)}&limit=20`;
    const noTextProduct = () => '/api/v1/problems?limit=20';
    const noTextRaw = () => '/search?limit=20';
    const runs = { search: { product: [] as Run[], raw: [] as Run[] }, plain: { product: [] as Run[], raw: [] as Run[] } };
    for (let round = 0; round < ROUNDS; round++) {
      log(`search round ${round + 1}/${ROUNDS}`);
      runs.search.product.push(await searchRun(productBase, productPath));
      runs.search.raw.push(await searchRun(rawBase, rawPath));
      runs.plain.product.push(await searchRun(productBase, noTextProduct));
      runs.plain.raw.push(await searchRun(rawBase, noTextRaw));
    }
    const search = { product: medianRun(runs.search.product), raw: medianRun(runs.search.raw) };
    const plain = { product: medianRun(runs.plain.product), raw: medianRun(runs.plain.raw) };
    log("search at half of each one's max throughput, evenly paced, in alternated rounds");
    const atHalf = async (side: string, base: string, path: (q: string) => string, maxReqPerSec: number) => {
      const rate = Math.max(1, maxReqPerSec / 2);
      const { latencies, bad, clientStallMs } = await paced(base, (i) => path(QUERIES[i % QUERIES.length]!), rate, DURATION_S);
      if (bad > 0) throw new Error(`search at half load: ${bad} bad answers from ${base}`);
      const run = { p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), clientStallMs };
      log(
        `  ${side} at ${Math.round(rate)} req/s: p50 ${run.p50Ms} ms, p99 ${run.p99Ms} ms (the client's longest stall ${clientStallMs} ms)`,
      );
      return run;
    };
    const halfRuns = { product: [] as HalfRun[], raw: [] as HalfRun[] };
    for (let round = 0; round < ROUNDS; round++) {
      halfRuns.product.push(await atHalf('product', productBase, productPath, search.product.reqPerSec));
      halfRuns.raw.push(await atHalf('raw', rawBase, rawPath, search.raw.reqPerSec));
    }
    const halfMedian = (runs: HalfRun[]) => ({
      p50Ms: median(runs.map((r) => r.p50Ms)),
      p99Ms: median(runs.map((r) => r.p99Ms)),
      runs,
    });
    const halfLoad = { product: halfMedian(halfRuns.product), raw: halfMedian(halfRuns.raw) };

    // ---- the request path: a cheap request and a small public read ---------------------------
    log('the request path: /health/live and one area, against the same two processes');
    const requestPath = await measureRequestPath(product, raw);

    // ---- submit ------------------------------------------------------------------------------
    let next = 0;
    const servers = { product, raw };
    const submitRun = async (kind: 'product' | 'raw', amount = SUBMITS): Promise<Run & { cpuMsPerRequest: CpuPerRequest }> => {
      const server = servers[kind];
      const before = { server: cpuMs(server.pid), postgres: postgresCpuMs(), loadGenerator: ownCpuMs(process.pid) };
      const result = runOf(
        await autocannon({
          url: server.base,
          connections: CONNECTIONS,
          amount,
          // A run of `amount` requests ends on autocannon's next sample tick (1 s by default), which
          // rounded every submit run up to whole seconds; 10 ms ticks time it to 10 ms.
          sampleInt: 10,
          requests: [
            {
              method: 'POST',
              setupRequest: (req): AutocannonRequest => {
                const pair = pairs[next++]!;
                return kind === 'product'
                  ? {
                      ...req,
                      path: `/api/v1/problems/${pair.problemId}/proposals`,
                      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(pair.firmId)}` },
                      body: bidBody(next),
                    }
                  : {
                      ...req,
                      path: `/submit/${pair.problemId}`,
                      headers: { 'content-type': 'application/json', 'x-firm': pair.firmId, 'x-user': pair.userId },
                      body: bidBody(next),
                    };
              },
            },
          ],
        }),
      );
      const per = (ms: number) => Math.round((ms / amount) * 1000) / 1000;
      const cpuMsPerRequest = {
        server: per(cpuMs(server.pid) - before.server),
        postgres: per(postgresCpuMs() - before.postgres),
        loadGenerator: per(ownCpuMs(process.pid) - before.loadGenerator),
      };
      return { ...result, cpuMsPerRequest };
    };
    const submitRuns = {
      product: [] as (Run & { cpuMsPerRequest: CpuPerRequest })[],
      raw: [] as (Run & { cpuMsPerRequest: CpuPerRequest })[],
    };
    log(`submit warm-up: ${SUBMITS_WARM_UP} on each side`);
    await submitRun('product', SUBMITS_WARM_UP);
    await submitRun('raw', SUBMITS_WARM_UP);
    for (let round = 0; round < SUBMIT_ROUNDS; round++) {
      // Alternate which side goes first, so drift in the machine's speed hits both alike.
      const order = round % 2 === 0 ? (['product', 'raw'] as const) : (['raw', 'product'] as const);
      for (const kind of order) submitRuns[kind].push(await submitRun(kind));
      const [p, r] = [submitRuns.product.at(-1)!, submitRuns.raw.at(-1)!];
      log(
        `submit round ${round + 1}/${SUBMIT_ROUNDS} (${order[0]} first): product ${p.reqPerSec} req/s, raw ${r.reqPerSec} req/s (${round2(p.reqPerSec / r.reqPerSec)}×)`,
      );
    }
    const submit = { product: medianRun(submitRuns.product), raw: medianRun(submitRuns.raw) };
    const cpuMedian = (xs: { cpuMsPerRequest: CpuPerRequest }[]): CpuPerRequest => ({
      server: median(xs.map((x) => x.cpuMsPerRequest.server)),
      postgres: median(xs.map((x) => x.cpuMsPerRequest.postgres)),
      loadGenerator: median(xs.map((x) => x.cpuMsPerRequest.loadGenerator)),
    });
    const submitCpu = { product: cpuMedian(submitRuns.product), raw: cpuMedian(submitRuns.raw) };
    const memory = { productRssNowMb: procMb(product.pid, 'VmRSS'), productRssPeakMb: procMb(product.pid, 'VmHWM') };

    const ratio = (a: number, b: number) => (b > 0 ? round2(a / b) : null);
    const rows = [
      { figure: 'search with text: req/s (max)', product: search.product.reqPerSec, raw: search.raw.reqPerSec },
      { figure: 'search with text: p50 ms (max load)', product: search.product.p50Ms, raw: search.raw.p50Ms },
      {
        figure: 'search with text: p99 ms at half of max throughput, evenly paced',
        product: halfLoad.product.p99Ms,
        raw: halfLoad.raw.p99Ms,
      },
      { figure: 'search SQL: median EXPLAIN ANALYZE execution ms (timing off)', product: median(sqlWarm), raw: median(sqlWarm) },
      { figure: 'list without text: req/s (max)', product: plain.product.reqPerSec, raw: plain.raw.reqPerSec },
      { figure: 'list without text: p99 ms (max load)', product: plain.product.p99Ms, raw: plain.raw.p99Ms },
      { figure: 'submit: req/s', product: submit.product.reqPerSec, raw: submit.raw.reqPerSec },
      { figure: 'submit: p50 ms', product: submit.product.p50Ms, raw: submit.raw.p50Ms },
      { figure: 'submit: p99 ms', product: submit.product.p99Ms, raw: submit.raw.p99Ms },
      {
        figure: 'submit: non-2xx + errors',
        product: submit.product.non2xx + submit.product.errors,
        raw: submit.raw.non2xx + submit.raw.errors,
      },
      { figure: "submit: the server's CPU ms per request", product: submitCpu.product.server, raw: submitCpu.raw.server },
      { figure: "submit: PostgreSQL's CPU ms per request", product: submitCpu.product.postgres, raw: submitCpu.raw.postgres },
      {
        figure: "submit: the load generator's CPU ms per request",
        product: submitCpu.product.loadGenerator,
        raw: submitCpu.raw.loadGenerator,
      },
      ...requestPath.map(({ figure, product: p, raw: r }) => ({ figure, product: p, raw: r })),
    ].map((r) => ({ ...r, ratio: ratio(r.product, r.raw) }));
    log(`memory: the product's RSS ${memory.productRssNowMb} MB after the runs, peak ${memory.productRssPeakMb} MB`);
    for (const r of rows) log(`${r.figure}: product ${r.product}, raw ${r.raw}, ratio ${r.ratio ?? '–'}`);

    const submitRatios = submitRuns.product.map((p, i) => round2(p.reqPerSec / submitRuns.raw[i]!.reqPerSec));
    // Each pair: the round with the product first and the one with the raw server first, together.
    const submitPairRatios = submitRatios.flatMap((_, i) => {
      if (i % 2 === 1) return [];
      const [p, r] = [submitRuns.product, submitRuns.raw];
      return [round2((p[i]!.reqPerSec + p[i + 1]!.reqPerSec) / (r[i]!.reqPerSec + r[i + 1]!.reqPerSec))];
    });
    const submitRatio = median(submitPairRatios);
    log(`submit, product / raw per pair of rounds: ${submitPairRatios.join(', ')}; median ${submitRatio}`);
    const result = {
      date: new Date().toISOString(),
      machine: {
        platform: `${os.type()} ${os.release()} ${os.arch()}`,
        cpus: os.cpus().length,
        cpu: os.cpus()[0]?.model ?? 'unknown',
        node: process.version,
        postgres: pg,
      },
      data: { problems, proposals },
      memory,
      settings: {
        durationS: DURATION_S,
        connections: CONNECTIONS,
        submitsPerRun: SUBMITS,
        submitsWarmUp: SUBMITS_WARM_UP,
        rounds: ROUNDS,
        submitRounds: SUBMIT_ROUNDS,
      },
      rows,
      submitRatio,
      submitRatioPerPair: submitPairRatios,
      submitRatioPerRound: submitRatios,
      runs: { search: runs.search, plain: runs.plain, halfLoad, submit: submitRuns },
      searchSqlMs: { warmMedianOf5: sqlWarm },
      recordedSubmitStatements: script.statements.map((s) => s.sql.trim().replace(/\s+/g, ' ')),
      notes: [
        "Three processes: the product (the built API with npm start's node flags, NODE_ENV=production, access log on at info, to a file), the raw server (tsx) and the load generators (autocannon, and bench/paced.ts for the half load) in this process, on a 2-core machine whose speed drifts by a third within minutes: medians of alternated runs.",
        "The raw server: Fastify with no logger, validation, guards or serialisation schema; pg Pool of the same size. Search SQL is built by the product's ProblemSearchService; submit replays the statements recorded from one real product submission (ids remapped, ciphertext reused, no crypto, no JWT). Each submission comes from another firm with its own token.",
        'CPU ms per request: user + system time from /proc over the run, divided by the requests; PostgreSQL is every postgres process.',
        'Ratio = product / raw (for req/s higher is better; for times lower is better).',
      ],
    };
    mkdirSync(RESULTS, { recursive: true });
    writeFileSync(join(RESULTS, 'baseline.json'), `${JSON.stringify(result, null, 2)}\n`);
    writeFileSync(join(RESULTS, 'baseline-search-explain.txt'), explains.join('\n'));
    writeFileSync(
      join(RESULTS, 'baseline.md'),
      [
        '# Product vs raw Fastify + pg (same SQL, same database)',
        '',
        `Run ${result.date}; ${result.machine.cpus} × ${result.machine.cpu}; Node ${result.machine.node}; ${problems} problems, ${proposals} proposals.`,
        `${CONNECTIONS} connections; search runs of ${DURATION_S} s; submit runs of ${SUBMITS} first submissions after ${SUBMITS_WARM_UP} on each side to warm up; ${ROUNDS} alternated search rounds, ${SUBMIT_ROUNDS} submit rounds (medians).`,
        '',
        '| figure | product | raw | product / raw |',
        '|---|---|---|---|',
        ...rows.map((r) => `| ${r.figure} | ${r.product} | ${r.raw} | ${r.ratio ?? '–'} |`),
        '',
        `**Submit, product / raw: ${submitRatio}** (the median over pairs of rounds, one with each side first: ${submitPairRatios.join(', ')}). In each round, the product first in the odd ones: ${submitRatios.join(', ')}.`,
        '',
        `Search with text at half of max throughput, evenly paced (bench/paced.ts), p99 ms per round (the client's longest stall): product ${halfLoad.product.runs.map((r) => `${r.p99Ms} (${r.clientStallMs})`).join(', ')}; raw ${halfLoad.raw.runs.map((r) => `${r.p99Ms} (${r.clientStallMs})`).join(', ')}.`,
        '',
        `Search SQL per query, execution time by EXPLAIN (ANALYZE, TIMING OFF), warm, the median of 5 runs (ms): ${sqlWarm.join(', ')}; plans (with per-node timing) in baseline-search-explain.txt.`,
        '',
        `Memory: the product's resident set ${memory.productRssNowMb} MB after the runs, peak ${memory.productRssPeakMb} MB (VmHWM).`,
        '',
        `The product's submission, as recorded (${script.statements.length} statements): ${result.recordedSubmitStatements.map((s) => `\`${s.slice(0, 60)}\``).join('; ')}`,
        '',
        ...result.notes.map((n) => `- ${n}`),
        '',
      ].join('\n'),
    );
    log('written to bench/results/baseline.{json,md} and baseline-search-explain.txt');
  } finally {
    await product?.stop();
    await raw?.stop();
    await pool.end();
    rmSync(scriptFile, { force: true });
    rmSync(accessLog, { force: true });
  }
}

/**
 * With the product in this process: the database's size, open (problem, firm) pairs enough for
 * every run, a token per firm, and one real submission recorded statement by statement.
 */
async function prepareSubmissions(app: Awaited<ReturnType<typeof createApp>>) {
  const ds = app.get(DataSource);
  const recorder = new Recorder();
  (ds as unknown as { logger: TypeOrmLogger }).logger = recorder;
  const productBase = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const [{ problems, proposals }] = await ds.query<[{ problems: number; proposals: number }]>(
    `SELECT (SELECT count(*) FROM problems)::int AS problems, (SELECT count(*) FROM proposals)::int AS proposals`,
  );
  if (problems < 1000) throw new Error('No marketplace seed: run `npm run bench -- marketplace` first.');
  log(`database: ${problems} problems, ${proposals} proposals`);
  const firms = await ds.query<{ id: string; user_id: string }[]>(
    `SELECT e.id, u.id AS user_id FROM enterprises e JOIN users u ON u.organization_id = e.id AND u.role = 'enterprise'
     WHERE e.status = 'verified' ORDER BY e.id`,
  );
  const open = (
    await ds.query<{ id: string }[]>(
      `SELECT id FROM problems WHERE status = 'published' AND deadline > now() + interval '1 hour'`,
    )
  ).map((r) => r.id);
  const live = new Set(
    (
      await ds.query<{ k: string }[]>(`SELECT problem_id || ':' || enterprise_id AS k FROM proposals WHERE status <> 'withdrawn'`)
    ).map((r) => r.k),
  );
  const need = 1 + (SUBMITS * SUBMIT_ROUNDS + SUBMITS_WARM_UP) * 2;
  const pairs: { problemId: string; firmId: string; userId: string }[] = [];
  for (let k = 0; pairs.length < need && k < open.length * firms.length; k++) {
    const problemId = open[k % open.length]!;
    const firm = firms[(k + Math.floor(k / open.length) * 1013) % firms.length]!;
    if (!live.has(`${problemId}:${firm.id}`)) {
      live.add(`${problemId}:${firm.id}`);
      pairs.push({ problemId, firmId: firm.id, userId: firm.user_id });
    }
  }
  if (pairs.length < need)
    throw new Error(`Only ${pairs.length} open (problem, firm) pairs are left; reseed the bench database.`);
  const jwt = app.get(JwtService);
  const tokens = new Map<string, string>();
  for (const p of pairs)
    if (!tokens.has(p.firmId))
      tokens.set(p.firmId, await jwt.signAsync({ sub: p.userId, role: 'enterprise', org: p.firmId }, { expiresIn: 3600 }));

  const first = pairs.shift()!;
  recorder.recording = true;
  const res = await fetch(`${productBase}/api/v1/problems/${first.problemId}/proposals`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(first.firmId)}` },
    body: bidBody(0),
  });
  recorder.recording = false;
  if (res.status !== 201) throw new Error(`recording submission answered ${res.status}: ${await res.text()}`);
  const script: SubmitScript = { ...first, statements: recorder.statements };
  const [{ version: pg }] = await ds.query<[{ version: string }]>('SELECT version()');
  return { problems, proposals, pairs, tokens, script, pg };
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
