/**
 * Baseline bench (issue 15, item 6): the product side by side with a raw Fastify + pg server
 * running the same SQL on the same database, machine and process, in alternated runs.
 *
 *   - search: the raw server builds its SQL with the product's own ProblemSearchService (so the
 *     text is the same by construction) and sends it through a bare pg Pool; EXPLAIN (ANALYZE,
 *     BUFFERS) of each query goes to bench/results/baseline-search-explain.txt;
 *   - submit: one real submission through the product is recorded statement by statement (the
 *     auth lookup, the transaction, every INSERT); the raw server replays exactly those statements
 *     for each request, with the request's problem, firm and user and fresh ids in place of the
 *     recorded ones (ciphertext reused: the raw server does no crypto, no validation, no JWT).
 *
 *   - the request path: bench/request-path.ts (a cheap request and a small public read, with the
 *     access log on at `info`) runs first in a child process, its figures join the table.
 *
 * Every figure is printed beside its ratio to the raw server. Needs the marketplace bench's seed
 * (10k problems, 100k proposals): run after bench/marketplace.ts (npm run bench does). Writes
 * bench/results/baseline.{json,md}. Never a test: it fails only on an error.
 * Environment: BENCH_DURATION_S per search run (8), BENCH_CONNECTIONS (20), BENCH_SUBMITS per
 * submit run (2000, after a warm-up of BENCH_SUBMITS_WARM_UP, 1000, on each side), BENCH_ROUNDS of
 * alternation (2).
 */
import './marketplace-env';
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { JwtService } from '@nestjs/jwt';
import { Pool } from 'pg';
import { DataSource, Logger as TypeOrmLogger } from 'typeorm';
import { ProblemSearchService } from '@app/problems';
import { createApp } from '../apps/api/src/bootstrap';
import type { RequestPathFigure } from './request-path';

/**
 * The request path (bench/request-path.ts) in a child process with the access log on, as in
 * production, its stdout (the log lines) sent to a file as a log collector would take them.
 */
function measureRequestPath(): RequestPathFigure[] {
  const logFile = join(os.tmpdir(), `request-path-${process.pid}.log`);
  const fd = openSync(logFile, 'w');
  try {
    const tsNode = join(__dirname, '..', 'node_modules', 'ts-node', 'dist', 'bin.js');
    const run = spawnSync(process.execPath, [tsNode, '-r', 'tsconfig-paths/register', join(__dirname, 'request-path.ts')], {
      stdio: ['ignore', fd, 'inherit'],
      env: { ...process.env, LOG_LEVEL: 'info', TS_NODE_TRANSPILE_ONLY: '1' },
    });
    if (run.status !== 0) throw new Error(`bench/request-path.ts failed (exit ${run.status ?? run.signal})`);
  } finally {
    closeSync(fd);
  }
  return (JSON.parse(readFileSync(join(RESULTS, 'request-path.json'), 'utf8')) as { figures: RequestPathFigure[] }).figures;
}

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
  overallRate?: number;
  requests?: AutocannonRequest[];
}) => Promise<AutocannonResult>;
const autocannon = createRequire(__filename)('autocannon') as Autocannon;

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const SUBMITS = Number(process.env.BENCH_SUBMITS ?? 2000);
// Short cold runs measured the JIT: 600 submissions right after start ran at 200 req/s, the same
// code warm at 310. Both servers get the same warm-up, not counted.
const SUBMITS_WARM_UP = Number(process.env.BENCH_SUBMITS_WARM_UP ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const QUERIES = ['giao thong', 'cảng biển', 'du lich thong minh', 'y te so', 'moi truong', 'Thủy Nguyên'];
const RESULTS = join(__dirname, 'results');
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

const round2 = (n: number) => Math.round(n * 100) / 100;
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
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

/** A DataSource stand-in that sends the product's SQL through a bare pg Pool. */
function poolAsDataSource(pool: Pool, rewrite: (sql: string) => string = (s) => s): DataSource {
  return queryingStandIn(async (sql, params) => (await pool.query(rewrite(sql), params)).rows);
}

/**
 * A stand-in data source whose reads all go to `query`: the typed SQL layer (`db(manager)`) sends a
 * read outside a transaction to `manager.connection.query`, so the stand-in is its own connection.
 */
function queryingStandIn(query: (sql: string, params?: unknown[]) => Promise<unknown[]>): DataSource {
  const standIn: Record<string, unknown> = { query };
  standIn.connection = standIn;
  return standIn as unknown as DataSource;
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

/** Replaces every uuid in a value (strings, JSON text, arrays) by its mapping; Buffers and Dates pass as they are. */
function remap(value: unknown, map: (id: string) => string): unknown {
  if (typeof value === 'string') return value.replace(UUID, (id) => map(id.toLowerCase()));
  if (Array.isArray(value)) return value.map((v) => remap(v, map));
  return value;
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url || !/bench/.test(new URL(url).pathname))
    throw new Error('Set DATABASE_URL to a database whose name contains "bench".');
  log('the request path: a cheap request and a small public read, access log on');
  const requestPath = measureRequestPath();
  const app = await createApp();
  await app.listen({ port: 0, host: '127.0.0.1' });
  const productBase = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  // The API's memory: this process holds the product, the raw server and the load generator, so its
  // peak resident set under the runs below is an upper bound for an API process of its own.
  const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
  const rssAtStart = mb(process.memoryUsage().rss);
  let rssPeak = rssAtStart;
  const rssSampler = setInterval(() => (rssPeak = Math.max(rssPeak, mb(process.memoryUsage().rss))), 50);
  const ds = app.get(DataSource);
  const recorder = new Recorder();
  (ds as unknown as { logger: TypeOrmLogger }).logger = recorder;
  const pool = new Pool({ connectionString: url, max: Number(process.env.DATABASE_POOL_SIZE) });
  const raw = Fastify({ logger: false });
  try {
    const [{ problems, proposals }] = await ds.query<[{ problems: number; proposals: number }]>(
      `SELECT (SELECT count(*) FROM problems)::int AS problems, (SELECT count(*) FROM proposals)::int AS proposals`,
    );
    if (problems < 1000) throw new Error('No marketplace seed: run `npm run bench -- marketplace` first.');
    log(`database: ${problems} problems, ${proposals} proposals`);

    // ---- the raw server ---------------------------------------------------------------------
    const rawSearch = new ProblemSearchService(poolAsDataSource(pool));
    raw.get<{ Querystring: { q?: string; limit?: string } }>('/search', async (req) => {
      const page = await rawSearch.search(undefined, { q: req.query.q, limit: Number(req.query.limit ?? 20) });
      return { items: page.items, nextCursor: page.nextCursor };
    });
    let script: { sql: string; params: unknown[] }[] = [];
    let recorded = { problemId: '', firmId: '', userId: '' };
    raw.post<{ Params: { problemId: string }; Headers: { 'x-firm': string; 'x-user': string } }>(
      '/submit/:problemId',
      async (req, reply) => {
        const ids = new Map<string, string>([
          [recorded.problemId, req.params.problemId],
          [recorded.firmId, req.headers['x-firm']],
          [recorded.userId, req.headers['x-user']],
        ]);
        const map = (id: string) => {
          let to = ids.get(id);
          if (!to) ids.set(id, (to = randomUUID()));
          return to;
        };
        const client = await pool.connect();
        try {
          for (const s of script)
            await client.query(
              s.sql,
              s.params.map((p) => remap(p, map)),
            );
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw err;
        } finally {
          client.release();
        }
        return reply.code(201).send({ id: ids.get(recorded.problemId) });
      },
    );
    await raw.listen({ port: 0, host: '127.0.0.1' });
    const rawAddress = raw.server.address();
    const rawBase = `http://127.0.0.1:${typeof rawAddress === 'object' && rawAddress ? rawAddress.port : 0}`;

    // ---- search ------------------------------------------------------------------------------
    const explains: string[] = [];
    const sqlMs: number[] = [];
    // EXPLAIN of the first query of each search: the one every text search runs (the fallback
    // follows only an empty answer, and this stand-in answers nothing to keep it out).
    let explained = false;
    const explainer = new ProblemSearchService(
      queryingStandIn(async (sql: string, params?: unknown[]) => {
        if (explained) return [];
        explained = true;
        const rows = (await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params)).rows;
        const plan = rows.map((r) => r['QUERY PLAN']);
        const ms = Number(/Execution Time: ([\d.]+) ms/.exec(plan.join('\n'))?.[1] ?? NaN);
        sqlMs.push(ms);
        explains.push(plan.join('\n'));
        return [];
      }),
    );
    for (const q of QUERIES) {
      explains.push(`\n== q=${q}`);
      explained = false;
      await explainer.search(undefined, { q, limit: 20 });
    }
    for (const q of QUERIES) {
      explained = false;
      await explainer.search(undefined, { q, limit: 20 }); // warm, measured
    }
    const sqlWarm = sqlMs.slice(QUERIES.length);
    log(`search SQL (EXPLAIN ANALYZE, warm): median ${median(sqlWarm)} ms, max ${Math.max(...sqlWarm)} ms`);

    const searchRun = async (base: string, path: (q: string) => string, rate?: number) => {
      let i = 0;
      return runOf(
        await autocannon({
          url: base,
          connections: CONNECTIONS,
          duration: DURATION_S,
          ...(rate ? { overallRate: rate } : {}),
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
    log("search at half of each one's max throughput");
    const halfLoad = {
      product: await searchRun(productBase, productPath, Math.max(1, Math.round(search.product.reqPerSec / 2))),
      raw: await searchRun(rawBase, rawPath, Math.max(1, Math.round(search.raw.reqPerSec / 2))),
    };

    // ---- submit ------------------------------------------------------------------------------
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
        await ds.query<{ k: string }[]>(
          `SELECT problem_id || ':' || enterprise_id AS k FROM proposals WHERE status <> 'withdrawn'`,
        )
      ).map((r) => r.k),
    );
    const need = 1 + (SUBMITS * ROUNDS + SUBMITS_WARM_UP) * 2;
    const pairs: { problemId: string; firmId: string; userId: string }[] = [];
    for (let k = 0; pairs.length < need && k < open.length * firms.length; k++) {
      const problemId = open[k % open.length]!;
      const firm = firms[(k + Math.floor(k / open.length) * 1013) % firms.length];
      if (!live.has(`${problemId}:${firm!.id}`)) {
        live.add(`${problemId}:${firm!.id}`);
        pairs.push({ problemId, firmId: firm!.id, userId: firm!.user_id });
      }
    }
    if (pairs.length < need)
      throw new Error(`Only ${pairs.length} open (problem, firm) pairs are left; reseed the bench database.`);
    const jwt = app.get(JwtService);
    const tokens = new Map<string, string>();
    for (const p of pairs)
      if (!tokens.has(p.firmId))
        tokens.set(p.firmId, await jwt.signAsync({ sub: p.userId, role: 'enterprise', org: p.firmId }, { expiresIn: 3600 }));
    const body = (i: number) =>
      JSON.stringify({
        approach: `Phương án ${i}: khảo sát hiện trạng, chuẩn hoá dữ liệu, xây dựng nền tảng dùng chung và đào tạo cán bộ.`,
        solution: `Kiến trúc vi dịch vụ, API mở, dữ liệu mở theo chuẩn quốc gia; phương án số ${i}.`,
        plan: 'Tháng 1–2: khảo sát; tháng 3–5: phát triển; tháng 6: nghiệm thu.',
        team: 'Trưởng nhóm, 2 kiến trúc sư, 6 kỹ sư, 1 chuyên gia dữ liệu',
        price: 500_000_000 + (i % 97) * 10_000_000,
        durationMonths: 3 + (i % 10),
        references: [`Dự án tham chiếu ${i % 17}`],
      });

    // Record one real submission's statements.
    const first = pairs.shift() as (typeof pairs)[number];
    recorder.recording = true;
    const res = await fetch(`${productBase}/api/v1/problems/${first.problemId}/proposals`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(first.firmId)}` },
      body: body(0),
    });
    recorder.recording = false;
    if (res.status !== 201) throw new Error(`recording submission answered ${res.status}: ${await res.text()}`);
    script = recorder.statements;
    recorded = { problemId: first.problemId, firmId: first.firmId, userId: first.userId };
    log(
      `recorded ${script.length} statements of one submission: ${script.map((s) => s.sql.trim().split(/\s+/).slice(0, 3).join(' ')).join(' | ')}`,
    );

    let next = 0;
    const submitRun = async (base: string, kind: 'product' | 'raw', amount = SUBMITS) =>
      runOf(
        await autocannon({
          url: base,
          connections: CONNECTIONS,
          amount,
          // A run of `amount` requests ends on autocannon's next sample tick (1 s by default), which
          // rounded every submit run up to whole seconds; 10 ms ticks time it to 10 ms.
          sampleInt: 10,
          requests: [
            {
              method: 'POST',
              setupRequest: (req): AutocannonRequest => {
                const pair = pairs[next++];
                return kind === 'product'
                  ? {
                      ...req,
                      path: `/api/v1/problems/${pair!.problemId}/proposals`,
                      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(pair!.firmId)}` },
                      body: body(next),
                    }
                  : {
                      ...req,
                      path: `/submit/${pair!.problemId}`,
                      headers: { 'content-type': 'application/json', 'x-firm': pair!.firmId, 'x-user': pair!.userId },
                      body: body(next),
                    };
              },
            },
          ],
        }),
      );
    const submitRuns = { product: [] as Run[], raw: [] as Run[] };
    log(`submit warm-up: ${SUBMITS_WARM_UP} on each side`);
    await submitRun(productBase, 'product', SUBMITS_WARM_UP);
    await submitRun(rawBase, 'raw', SUBMITS_WARM_UP);
    for (let round = 0; round < ROUNDS; round++) {
      log(`submit round ${round + 1}/${ROUNDS}`);
      submitRuns.product.push(await submitRun(productBase, 'product'));
      submitRuns.raw.push(await submitRun(rawBase, 'raw'));
    }
    const submit = { product: medianRun(submitRuns.product), raw: medianRun(submitRuns.raw) };
    await new Promise((r) => setTimeout(r, 2000));

    const ratio = (a: number, b: number) => (b > 0 ? round2(a / b) : null);
    const rows = [
      { figure: 'search with text: req/s (max)', product: search.product.reqPerSec, raw: search.raw.reqPerSec },
      { figure: 'search with text: p50 ms (max load)', product: search.product.p50Ms, raw: search.raw.p50Ms },
      { figure: 'search with text: p99 ms at half of max throughput', product: halfLoad.product.p99Ms, raw: halfLoad.raw.p99Ms },
      { figure: 'search SQL: median EXPLAIN ANALYZE execution ms', product: median(sqlWarm), raw: median(sqlWarm) },
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
      ...requestPath.map(({ figure, product, raw }) => ({ figure, product, raw })),
    ].map((r) => ({ ...r, ratio: ratio(r.product, r.raw) }));
    clearInterval(rssSampler);
    const memory = { rssAtStartMb: rssAtStart, rssPeakUnderLoadMb: rssPeak };
    log(`memory: RSS ${rssAtStart} MB after start, peak ${rssPeak} MB under search and submit (whole bench process)`);
    for (const r of rows) log(`${r.figure}: product ${r.product}, raw ${r.raw}, ratio ${r.ratio ?? '–'}`);

    const [{ version: pg }] = await ds.query<[{ version: string }]>('SELECT version()');
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
      },
      rows,
      runs: { search: runs.search, plain: runs.plain, halfLoad, submit: submitRuns },
      searchSqlMs: { cold: sqlMs.slice(0, QUERIES.length), warm: sqlWarm },
      recordedSubmitStatements: script.map((s) => s.sql.trim().replace(/\s+/g, ' ')),
      notes: [
        "Product and raw server in one process with autocannon, on a 2-core machine shared with other engineers' builds and tests: figures are noisy; medians of alternated runs.",
        "The raw server: Fastify with no logger, validation, guards or serialisation schema; pg Pool of the same size. Search SQL is built by the product's ProblemSearchService; submit replays the statements recorded from one real product submission (ids remapped, ciphertext reused, no crypto, no JWT).",
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
        `${CONNECTIONS} connections; search runs of ${DURATION_S} s; submit runs of ${SUBMITS} first submissions after ${SUBMITS_WARM_UP} on each side to warm up; ${ROUNDS} alternated rounds (medians).`,
        '',
        '| figure | product | raw | product / raw |',
        '|---|---|---|---|',
        ...rows.map((r) => `| ${r.figure} | ${r.product} | ${r.raw} | ${r.ratio ?? '–'} |`),
        '',
        `Search SQL per query, EXPLAIN (ANALYZE, BUFFERS) execution time, warm (ms): ${sqlWarm.join(', ')}; plans in baseline-search-explain.txt.`,
        '',
        `Memory: RSS ${memory.rssAtStartMb} MB after start, peak ${memory.rssPeakUnderLoadMb} MB during the search and submit runs — the whole bench process (product, raw server and load generator), so an upper bound for the API alone.`,
        '',
        `The product's submission, as recorded (${script.length} statements): ${result.recordedSubmitStatements.map((s) => `\`${s.slice(0, 60)}\``).join('; ')}`,
        '',
        ...result.notes.map((n) => `- ${n}`),
        '',
      ].join('\n'),
    );
    log('written to bench/results/baseline.{json,md} and baseline-search-explain.txt');
  } finally {
    clearInterval(rssSampler);
    await raw.close();
    await pool.end();
    await app.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
