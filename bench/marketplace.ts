/**
 * Marketplace bench: seeds 10k problems and 100k sealed proposals into the bench database (once;
 * later runs reuse them), then measures, through the real HTTP stack booted in-process:
 *   - problem search (GET /api/v1/problems?q=…) p50/p99 and throughput;
 *   - first submissions (POST /problems/:id/proposals), each by a different firm/problem pair;
 *   - revisions (PUT /proposals/:id) of existing proposals, rotating over many firms' tokens.
 * Figures go to bench/results/marketplace.{json,md}. Absolute times are recorded, never asserted.
 *
 * Every seeded proposal is really encrypted (its own data key, wrapped for the problem and the
 * firm, AAD bound to its id) through sealVersion, the code path submissions use; only the
 * plaintexts repeat (a few hundred distinct payloads).
 *
 *   npx ts-node -r tsconfig-paths/register bench/marketplace.ts     (or all benches: npm run bench)
 * Needs DATABASE_URL (its name must contain "bench"), REDIS_URL, JWT_SECRET, DATA_MASTER_KEY.
 * Environment: BENCH_PROBLEMS (10000), BENCH_PROPOSALS (100000), BENCH_FIRMS (2000),
 * BENCH_DURATION_S per measured route (10), BENCH_CONNECTIONS (20).
 */
import './marketplace-env';
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { DataSource } from 'typeorm';
import { runMigrations } from '@app/database';
import { taxCodeCheckDigit } from '@app/enterprises';
import { SealedKeyring, sealVersion } from '@app/proposals';
import { createApp } from '../apps/api/src/bootstrap';
import { bidContent } from './bid-content';

interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: AutocannonRequest) => AutocannonRequest;
}
interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  duration: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodeStats?: Record<string, { count: number }>;
}
type Autocannon = (opts: {
  url: string;
  connections: number;
  duration?: number;
  amount?: number;
  requests?: AutocannonRequest[];
}) => Promise<AutocannonResult>;
const autocannon = createRequire(__filename)('autocannon') as Autocannon;

const PROBLEMS = Number(process.env.BENCH_PROBLEMS ?? 10_000);
const PROPOSALS = Number(process.env.BENCH_PROPOSALS ?? 100_000);
const FIRMS = Number(process.env.BENCH_FIRMS ?? 2_000);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const OPEN_SHARE = 0.1; // a tenth of the problems stay open for submissions
const DEPARTMENTS = 10;
const BATCH = 1_000;
const DISTINCT_PAYLOADS = 300;
const RESULTS = join(__dirname, 'results');
const TITLE_PREFIX = 'Bench ';

const round2 = (n: number) => Math.round(n * 100) / 100;
const log = (msg: string) => console.log(`[bench:marketplace] ${msg}`);

const TOPICS = [
  'giao thông thông minh',
  'cảng biển và logistics',
  'du lịch thông minh',
  'nông nghiệp công nghệ cao',
  'y tế số',
  'giáo dục trực tuyến',
  'dịch vụ công trực tuyến',
  'quan trắc môi trường',
  'thương mại điện tử',
  'sản xuất thông minh',
];
const PLACES = [
  'Hồng Bàng',
  'Lê Chân',
  'Ngô Quyền',
  'Thủy Nguyên',
  'Đồ Sơn',
  'Cát Hải',
  'Kiến An',
  'An Dương',
  'Tiên Lãng',
  'Vĩnh Bảo',
];
const QUERIES = ['giao thong', 'cảng biển', 'du lich thong minh', 'y te so', 'moi truong', 'Thủy Nguyên'];

function taxCode(serial: number): string {
  for (let s = serial; ; s += 1_000_000) {
    const firstNine = `09${String(s % 10_000_000).padStart(7, '0')}`;
    const check = taxCodeCheckDigit(firstNine);
    if (check !== null) return `${firstNine}${check}`;
  }
}

async function seed(ds: DataSource, keyring: SealedKeyring): Promise<{ seeded: boolean; seconds: number }> {
  const t0 = performance.now();
  const [{ n }] = await ds.query<[{ n: number }]>(`SELECT count(*)::int AS n FROM proposal_versions`);
  const [{ p }] = await ds.query<[{ p: number }]>(`SELECT count(*)::int AS p FROM problems WHERE title LIKE $1`, [
    `${TITLE_PREFIX}%`,
  ]);
  if (p >= PROBLEMS && n >= PROPOSALS) {
    log(`reusing ${p} problems and ${n} proposal versions`);
    return { seeded: false, seconds: 0 };
  }
  if (p > 0 || n > 0)
    throw new Error('The bench database holds a partial seed; drop it (DROP SCHEMA public CASCADE) and run again.');

  log('seeding departments, officers and firms');
  await ds.query(
    `INSERT INTO areas (code, name, unit_type) VALUES ('31', 'Thành phố Hải Phòng', 'city') ON CONFLICT (code) DO NOTHING`,
  );
  await ds.query(
    `INSERT INTO areas (code, name, unit_type, parent_code) VALUES ('11560', 'Phường Thủy Nguyên', 'ward', '31') ON CONFLICT (code) DO NOTHING`,
  );
  await ds.query(
    `INSERT INTO organizations (kind, name, code) SELECT 'department', 'Sở bench ' || g, 'BENCH-D' || g FROM generate_series(1, $1) g`,
    [DEPARTMENTS],
  );
  await ds.query(
    `INSERT INTO users (email, full_name, role, organization_id)
     SELECT 'officer-' || o.code || '@bench.vn', 'Cán bộ ' || o.code, 'officer', o.id FROM organizations o WHERE o.code LIKE 'BENCH-D%'`,
  );
  const codes = Array.from({ length: FIRMS }, (_, i) => taxCode(1_000_000 + i));
  await ds.query(
    `WITH f AS (SELECT i, code FROM unnest($1::text[]) WITH ORDINALITY AS t(code, i)),
     o AS (INSERT INTO organizations (kind, name, code) SELECT 'enterprise', 'Công ty bench ' || i, 'BENCH-F' || i FROM f RETURNING id, code)
     INSERT INTO enterprises (id, tax_code, legal_name, address, area_code, sectors, status, status_effective_date)
     SELECT o.id, f.code, 'Công ty bench ' || f.i, 'Hải Phòng', '11560', ARRAY['ict'], 'verified', current_date
     FROM o JOIN f ON o.code = 'BENCH-F' || f.i`,
    [codes],
  );
  await ds.query(
    `INSERT INTO users (email, full_name, role, organization_id, org_role)
     SELECT 'member-' || o.code || '@bench.vn', 'Thành viên ' || o.code, 'enterprise', o.id, 'owner' FROM organizations o WHERE o.code LIKE 'BENCH-F%'`,
  );

  log(`seeding ${PROBLEMS} problems`);
  // All published with a far deadline first: the deadline trigger must accept the seeded versions.
  await ds.query(
    `INSERT INTO problems (department_id, created_by, status, title, summary, description, expected_results, sector, tags,
                           deadline, clarification_deadline, rubric, published_at, budget_ceiling)
     SELECT d.id, u.id, 'published',
            $2 || g || ': ' || ($3::text[])[1 + g % 10] || ' tại ' || ($4::text[])[1 + (g / 10) % 10],
            'Bài toán ' || ($3::text[])[1 + g % 10] || ' cho ' || ($4::text[])[1 + (g / 10) % 10],
            'Hiện trạng: quy trình thủ công, dữ liệu phân tán. Điểm nghẽn số ' || g || '.',
            'Giảm 30% thời gian xử lý', 'ict', ARRAY['bench', 'chuyen-doi-so'],
            now() + interval '60 days', now() + interval '50 days',
            '{"passMark":60,"criteria":[{"key":"a","name":"A","weight":100}]}'::jsonb, now(), 1000000000
     FROM generate_series(1, $1) g
     JOIN organizations d ON d.code = 'BENCH-D' || (1 + g % ${DEPARTMENTS})
     JOIN users u ON u.organization_id = d.id`,
    [PROBLEMS, TITLE_PREFIX, TOPICS, PLACES],
  );
  const problems = (
    await ds.query<{ id: string }[]>(`SELECT id FROM problems WHERE title LIKE $1 ORDER BY id`, [`${TITLE_PREFIX}%`])
  ).map((r) => r.id);
  const firms = await ds.query<{ id: string; user_id: string }[]>(
    `SELECT e.id, u.id AS user_id FROM enterprises e JOIN users u ON u.organization_id = e.id WHERE e.tax_code LIKE '09%' ORDER BY e.id`,
  );

  log('making the problem keys');
  const publicKeys = new Map<string, Buffer>();
  for (let i = 0; i < problems.length; i += BATCH) {
    await ds.transaction(async (m) => {
      for (const id of problems.slice(i, i + BATCH)) publicKeys.set(id, await keyring.problemPublicKey(m, id));
    });
  }

  log(`sealing and inserting ${PROPOSALS} proposals`);
  const perProblem = Math.ceil(PROPOSALS / problems.length);
  const stride = Math.max(1, Math.floor(firms.length / perProblem));
  for (let start = 0; start < PROPOSALS; start += BATCH) {
    const cols = { id: [] as string[], problem: [] as string[], firm: [] as string[], user: [] as string[] };
    const v = {
      sha: [] as string[],
      ct: [] as Buffer[],
      iv: [] as Buffer[],
      tag: [] as Buffer[],
      kp: [] as Buffer[],
      kb: [] as Buffer[],
    };
    for (let k = start; k < Math.min(PROPOSALS, start + BATCH); k++) {
      const problemIndex = k % problems.length;
      const slot = Math.floor(k / problems.length);
      const firm = firms[(problemIndex * 7 + slot * stride) % firms.length];
      const problemId = problems[problemIndex];
      const id = randomUUID();
      const sealed = sealVersion(keyring.recipients(publicKeys.get(problemId!) as Buffer, firm!.id), id, 1, {
        ...bidContent(k % DISTINCT_PAYLOADS),
        attachments: [],
      });
      cols.id.push(id);
      cols.problem.push(problemId!);
      cols.firm.push(firm!.id);
      cols.user.push(firm!.user_id);
      v.sha.push(sealed.sha256);
      v.ct.push(sealed.ciphertext);
      v.iv.push(sealed.iv);
      v.tag.push(sealed.tag);
      v.kp.push(sealed.keyForProblem);
      v.kb.push(sealed.keyForBidder);
    }
    await ds.transaction(async (m) => {
      await m.query(
        `INSERT INTO proposals (id, problem_id, enterprise_id, status, current_version, created_by)
         SELECT id, p, e, 'submitted', 1, u FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[]) AS t(id, p, e, u)`,
        [cols.id, cols.problem, cols.firm, cols.user],
      );
      await m.query(
        `INSERT INTO proposal_versions (proposal_id, version, submitted_by, content_sha256, ciphertext, iv, auth_tag, key_for_problem, key_for_bidder)
         SELECT id, 1, u, sha, ct, iv, tag, kp, kb
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::bytea[], $5::bytea[], $6::bytea[], $7::bytea[], $8::bytea[]) AS t(id, u, sha, ct, iv, tag, kp, kb)`,
        [cols.id, cols.user, v.sha, v.ct, v.iv, v.tag, v.kp, v.kb],
      );
    });
    if ((start / BATCH) % 20 === 0) log(`  ${start + BATCH} / ${PROPOSALS}`);
  }

  // Most problems are past their deadline; the rest stay open for the submission bench.
  const openCount = Math.ceil(problems.length * OPEN_SHARE);
  await ds.query(
    `UPDATE problems SET status = 'closed', closed_at = now(), deadline = now() - interval '1 day',
            clarification_deadline = now() - interval '4 days'
     WHERE id = ANY($1::uuid[])`,
    [problems.slice(openCount)],
  );
  await ds.query('ANALYZE');
  return { seeded: true, seconds: round2((performance.now() - t0) / 1000) };
}

interface Figures {
  route: string;
  skipped?: string;
  connections?: number;
  durationS?: number;
  requests?: number;
  non2xx?: number;
  errors?: number;
  reqPerSec?: number;
  p50Ms?: number;
  p99Ms?: number;
  meanMs?: number;
  statusCodes?: Record<string, number>;
}

function figures(route: string, r: AutocannonResult): Figures {
  return {
    route,
    connections: CONNECTIONS,
    durationS: round2(r.duration),
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    reqPerSec: round2(r.requests.total / r.duration),
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    meanMs: round2(r.latency.average),
    statusCodes: Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([k, v]) => [k, v.count])),
  };
}

async function searchBench(base: string): Promise<Figures> {
  const probe = await fetch(`${base}/api/v1/problems?q=${encodeURIComponent(QUERIES[0]!)}&limit=20`);
  const text = await probe.text();
  if (probe.status !== 200)
    return { route: 'GET /api/v1/problems?q=…', skipped: `answered ${probe.status}: ${text.slice(0, 200)}` };
  let i = 0;
  const r = await autocannon({
    url: base,
    connections: CONNECTIONS,
    duration: DURATION_S,
    requests: [
      {
        method: 'GET',
        setupRequest: (req) => ({
          ...req,
          path: `/api/v1/problems?q=${encodeURIComponent(QUERIES[i++ % QUERIES.length]!)}&limit=20`,
        }),
      },
    ],
  });
  return figures(`GET /api/v1/problems?q=… (${QUERIES.length} queries in turn)`, r);
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url || !/bench/.test(new URL(url).pathname))
    throw new Error('Set DATABASE_URL to a database whose name contains "bench".');
  await runMigrations(url);
  const app = await createApp();
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const ds = app.get(DataSource);
  const jwt = app.get(JwtService);
  try {
    const seeding = await seed(ds, app.get(SealedKeyring));
    const [{ problems, proposals, versions }] = await ds.query(
      `SELECT (SELECT count(*) FROM problems)::int AS problems, (SELECT count(*) FROM proposals)::int AS proposals,
              (SELECT count(*) FROM proposal_versions)::int AS versions`,
    );
    log(`database: ${problems} problems, ${proposals} proposals, ${versions} versions`);

    const firms = await ds.query<{ id: string; user_id: string }[]>(
      `SELECT e.id, u.id AS user_id FROM enterprises e JOIN users u ON u.organization_id = e.id AND u.role = 'enterprise'
       WHERE e.status = 'verified' ORDER BY e.id`,
    );
    const tokens = new Map<string, string>();
    for (const f of firms)
      tokens.set(f.id, await jwt.signAsync({ sub: f.user_id, role: 'enterprise', org: f.id }, { expiresIn: 3600 }));
    const open = (
      await ds.query<{ id: string }[]>(
        `SELECT id FROM problems WHERE status = 'published' AND deadline > now() + interval '1 hour'`,
      )
    ).map((r) => r.id);

    log('search');
    const search = await searchBench(base);

    // First submissions: pairs (open problem, firm) with no live proposal yet, each used once.
    const live = new Set(
      (
        await ds.query<{ k: string }[]>(
          `SELECT problem_id || ':' || enterprise_id AS k FROM proposals WHERE status <> 'withdrawn'`,
        )
      ).map((r) => r.k),
    );
    const pairs: { problemId: string; firmId: string }[] = [];
    for (let k = 0; pairs.length < 3_000 && k < open.length * firms.length; k++) {
      const problemId = open[k % open.length]!;
      // Step 1013 through the firms for each problem (coprime with the default 2,000 firms): every pair is reached.
      const firmId = firms[(k + Math.floor(k / open.length) * 1013) % firms.length]!.id;
      if (!live.has(`${problemId}:${firmId}`)) {
        live.add(`${problemId}:${firmId}`);
        pairs.push({ problemId, firmId });
      }
    }
    log(`submit: ${pairs.length} first submissions`);
    let next = 0;
    if (pairs.length === 0) throw new Error('No open problem is left without a bid from every firm; reseed the bench database.');
    const submitRun = await autocannon({
      url: base,
      connections: CONNECTIONS,
      amount: pairs.length,
      requests: [
        {
          method: 'POST',
          setupRequest: (req) => {
            const pair = pairs[next++ % pairs.length];
            return {
              ...req,
              path: `/api/v1/problems/${pair!.problemId}/proposals`,
              headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(pair!.firmId)}` },
              body: JSON.stringify(bidContent(next)),
            };
          },
        },
      ],
    });
    const submit = figures('POST /api/v1/problems/:id/proposals (first submission, distinct firm × problem)', submitRun);

    const targets = await ds.query<{ id: string; enterprise_id: string }[]>(
      `SELECT p.id, p.enterprise_id FROM proposals p JOIN problems pr ON pr.id = p.problem_id
       WHERE pr.status = 'published' AND pr.deadline > now() + interval '1 hour' AND p.status = 'submitted' ORDER BY random() LIMIT 5000`,
    );
    log(`revise: ${DURATION_S} s over ${targets.length} proposals`);
    let turn = 0;
    const reviseRun = await autocannon({
      url: base,
      connections: CONNECTIONS,
      duration: DURATION_S,
      requests: [
        {
          method: 'PUT',
          setupRequest: (req) => {
            const t = targets[turn++ % targets.length];
            return {
              ...req,
              path: `/api/v1/proposals/${t!.id}`,
              headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(t!.enterprise_id)}` },
              body: JSON.stringify(bidContent(turn)),
            };
          },
        },
      ],
    });
    const revise = figures('PUT /api/v1/proposals/:id (revision, rotating firms)', reviseRun);

    // autocannon stops on time with requests still in flight; let them finish before closing.
    await new Promise((r) => setTimeout(r, 3000));
    const [{ version: pg }] = await ds.query<[{ version: string }]>('SELECT version()');
    const result = {
      date: new Date().toISOString(),
      machine: {
        platform: `${os.type()} ${os.release()} ${os.arch()}`,
        cpu: os.cpus()[0]?.model ?? 'unknown',
        cpus: os.cpus().length,
        memoryGiB: round2(os.totalmem() / 2 ** 30),
        node: process.version,
        postgres: pg,
      },
      data: {
        problems,
        proposals,
        versions,
        seededThisRun: seeding.seeded,
        seedSeconds: seeding.seconds,
        distinctPlaintexts: DISTINCT_PAYLOADS,
      },
      search,
      submit,
      revise,
      notes: [
        'In-process API (Fastify) on a free port, autocannon from the same process and machine; PostgreSQL and Redis local.',
        'Writes take no city-wide lock: each appends its audit row in its own transaction; the worker chains committed rows in commit order off the request path (docs/decisions.md, issue 15). Sealed submissions hold their audit row until the deadline opens them.',
        'Each seeded version is encrypted with its own data key (AAD bound to its id); plaintexts repeat over a few hundred payloads.',
      ],
    };
    mkdirSync(RESULTS, { recursive: true });
    writeFileSync(join(RESULTS, 'marketplace.json'), `${JSON.stringify(result, null, 2)}\n`);
    writeFileSync(join(RESULTS, 'marketplace.md'), markdown(result));
    log(`written to ${join(RESULTS, 'marketplace.{json,md}')}`);
    console.log(JSON.stringify({ search, submit, revise }, null, 2));
  } finally {
    await app.close();
  }
}

function markdown(r: {
  date: string;
  machine: Record<string, string | number>;
  data: Record<string, string | number | boolean>;
  search: Figures;
  submit: Figures;
  revise: Figures;
  notes: string[];
}): string {
  const row = (f: Figures) =>
    f.skipped
      ? `| ${f.route} | skipped: ${f.skipped.replace(/\|/g, '/')} | | | | | |`
      : `| ${f.route} | ${f.requests} | ${f.non2xx} | ${f.reqPerSec} | ${f.p50Ms} | ${f.p99Ms} | ${f.connections} |`;
  return [
    '# Marketplace bench',
    '',
    `Run ${r.date}. Figures describe this machine on this day; they are not targets.`,
    '',
    `Machine: ${r.machine.platform}; ${r.machine.cpus} × ${r.machine.cpu}; ${r.machine.memoryGiB} GiB; Node ${r.machine.node}; ${r.machine.postgres}`,
    '',
    `Data: ${r.data.problems} problems, ${r.data.proposals} proposals, ${r.data.versions} sealed versions` +
      (r.data.seededThisRun ? ` (seeded this run in ${r.data.seedSeconds} s)` : ' (seeded earlier)'),
    '',
    '| route | requests | non-2xx | req/s | p50 ms | p99 ms | connections |',
    '|---|---|---|---|---|---|---|',
    row(r.search),
    row(r.submit),
    row(r.revise),
    '',
    ...r.notes.map((n) => `- ${n}`),
    '',
  ].join('\n');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
