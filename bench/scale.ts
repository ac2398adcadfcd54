/**
 * Scale bench (issue 17): submit throughput with one and with two API processes on this machine,
 * the same PostgreSQL and Redis. Each round publishes a fresh problem and has SCALE_FIRMS firms
 * send their first bid (sealed, audited, idempotent path) through SCALE_CONCURRENCY clients,
 * spread round-robin over the API processes. Figures go to bench/results/scale.{json,md}; nothing
 * is asserted on time. On a machine with few cores the API processes, the database and this
 * client share them: read the ratio, not the absolute numbers.
 *
 *   npm run bench:scale          (SCALE_FIRMS 400, SCALE_CONCURRENCY 32)
 */
import './marketplace-env';
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { JwtService } from '@nestjs/jwt';
import { Client } from 'pg';
import { runMigrations } from '@app/database';
import { taxCodeCheckDigit } from '@app/enterprises';
import { startCluster } from '../test/cluster';

const FIRMS = Number(process.env.SCALE_FIRMS ?? 400);
const CONCURRENCY = Number(process.env.SCALE_CONCURRENCY ?? 32);
const RESULTS = join(__dirname, 'results');
const log = (msg: string) => console.log(`[bench:scale] ${msg}`);

function taxCode(serial: number): string {
  for (let s = serial; ; s += 1) {
    const nine = `04${String(s).padStart(7, '0')}`;
    const check = taxCodeCheckDigit(nine);
    if (check !== null) return `${nine}${check}`;
  }
}

const bid = (i: number) => ({
  approach: `Cách tiếp cận ${i}: số hoá quy trình`,
  solution: `Giải pháp ${i}`,
  plan: 'Khảo sát; triển khai; vận hành',
  team: 'Sáu kỹ sư',
  price: 900_000_000 + i,
  durationMonths: 6,
  references: [],
});

interface Round {
  apis: number;
  requests: number;
  ok: number;
  failed: Record<string, number>;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p95Ms: number;
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url || !/bench/.test(new URL(url).pathname))
    throw new Error('Set DATABASE_URL to a database whose name contains "bench".');
  await runMigrations(url);
  const db = new Client({ connectionString: url });
  await db.connect();
  const jwt = new JwtService({
    secret: process.env.JWT_SECRET,
    signOptions: { algorithm: 'HS256', issuer: 'haiphong-marketplace' },
  });
  try {
    await db.query(
      `INSERT INTO areas (code, name, unit_type) VALUES ('31', 'Thành phố Hải Phòng', 'city') ON CONFLICT (code) DO NOTHING`,
    );
    await db.query(
      `INSERT INTO areas (code, name, unit_type, parent_code) VALUES ('11560', 'Phường Thủy Nguyên', 'ward', '31') ON CONFLICT (code) DO NOTHING`,
    );
    const codes = Array.from({ length: FIRMS }, (_, i) => taxCode(5_000_000 + i * 3));
    await db.query(
      `WITH f AS (SELECT i, code FROM unnest($1::text[]) WITH ORDINALITY AS t(code, i) WHERE NOT EXISTS (SELECT 1 FROM enterprises e WHERE e.tax_code = t.code)),
       o AS (INSERT INTO organizations (kind, name, code) SELECT 'enterprise', 'Công ty scale ' || i, 'SCALE-F' || i FROM f RETURNING id, code)
       INSERT INTO enterprises (id, tax_code, legal_name, address, area_code, sectors, status, status_effective_date)
       SELECT o.id, f.code, 'Công ty scale ' || f.i, 'Hải Phòng', '11560', ARRAY['ict'], 'verified', current_date FROM o JOIN f ON o.code = 'SCALE-F' || f.i`,
      [codes],
    );
    await db.query(
      `INSERT INTO users (email, full_name, role, organization_id, org_role)
       SELECT 'member-' || lower(o.code) || '@scale.vn', 'Thành viên ' || o.code, 'enterprise', o.id, 'owner' FROM organizations o
       WHERE o.code LIKE 'SCALE-F%' ON CONFLICT DO NOTHING`,
    );
    await db.query(
      `INSERT INTO organizations (kind, name, code) VALUES ('department', 'Sở scale', 'SCALE-D') ON CONFLICT DO NOTHING`,
    );
    await db.query(
      `INSERT INTO users (email, full_name, role, organization_id) SELECT 'officer@scale.vn', 'Cán bộ scale', 'officer', id FROM organizations
       WHERE code = 'SCALE-D' ON CONFLICT DO NOTHING`,
    );
    const firms = (
      await db.query<{ id: string; user_id: string }>(
        `SELECT e.id, u.id AS user_id FROM organizations o JOIN enterprises e ON e.id = o.id JOIN users u ON u.organization_id = e.id
         WHERE o.code LIKE 'SCALE-F%' ORDER BY o.code LIMIT $1`,
        [FIRMS],
      )
    ).rows;
    const tokens = await Promise.all(
      firms.map((f) => jwt.signAsync({ sub: f.user_id, role: 'enterprise', org: f.id }, { expiresIn: 3600 })),
    );
    const dept = (
      await db.query<{ id: string; officer: string }>(
        `SELECT o.id, u.id AS officer FROM organizations o JOIN users u ON u.organization_id = o.id WHERE o.code = 'SCALE-D'`,
      )
    ).rows[0];

    const rounds: Round[] = [];
    for (const apis of [1, 2]) {
      log(`starting ${apis} API process(es)`);
      const cluster = await startCluster({
        apis,
        workers: 0,
        env: { AUTH_RATE_LIMIT: '1000000', DATABASE_POOL_SIZE: '20', LOG_LEVEL: 'warn' },
      });
      try {
        const problemId = (
          await db.query<{ id: string }>(
            `INSERT INTO problems (department_id, created_by, status, title, summary, description, expected_results, sector,
                                   deadline, clarification_deadline, rubric, published_at, receipt_grace)
             VALUES ($1, $2, 'published', 'Scale ' || now(), 'Tóm tắt', 'Mô tả', 'Kết quả', 'ict', now() + interval '1 day',
                     now() + interval '1 hour', '{"passMark": 50, "criteria": [{"key": "a", "name": "A", "weight": 100}]}'::jsonb, now(), interval '10 seconds')
             RETURNING id`,
            [dept!.id, dept!.officer],
          )
        ).rows[0]!.id;
        // A few warm-up requests per process (JIT, pools), not counted.
        for (const base of cluster.apiUrls) for (let i = 0; i < 5; i += 1) await fetch(`${base}/api/health`);
        const latencies: number[] = [];
        const failed: Record<string, number> = {};
        let nextFirm = 0;
        const started = performance.now();
        await Promise.all(
          Array.from({ length: CONCURRENCY }, async () => {
            for (;;) {
              const i = nextFirm++;
              if (i >= tokens.length) return;
              const base = cluster.apiUrls[i % cluster.apiUrls.length];
              const t0 = performance.now();
              const res = await fetch(`${base}/api/v1/problems/${problemId}/proposals`, {
                method: 'POST',
                headers: { authorization: `Bearer ${tokens[i]}`, 'content-type': 'application/json' },
                body: JSON.stringify(bid(i)),
              });
              const answer = (await res.json()) as { code?: string };
              latencies.push(performance.now() - t0);
              if (res.status !== 201)
                failed[`${res.status} ${answer.code ?? ''}`] = (failed[`${res.status} ${answer.code ?? ''}`] ?? 0) + 1;
            }
          }),
        );
        const seconds = (performance.now() - started) / 1000;
        latencies.sort((a, b) => a - b);
        const pct = (p: number) =>
          Math.round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!);
        const ok = latencies.length - Object.values(failed).reduce((a, b) => a + b, 0);
        const round = {
          apis,
          requests: latencies.length,
          ok,
          failed,
          seconds: Number(seconds.toFixed(2)),
          perSecond: Number((ok / seconds).toFixed(1)),
          p50Ms: pct(50),
          p95Ms: pct(95),
        };
        log(JSON.stringify(round));
        rounds.push(round);
      } finally {
        await cluster.stop();
      }
    }

    mkdirSync(RESULTS, { recursive: true });
    const machine = {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
      node: process.version,
    };
    const at = new Date().toISOString();
    writeFileSync(
      join(RESULTS, 'scale.json'),
      JSON.stringify({ at, firms: FIRMS, concurrency: CONCURRENCY, machine, rounds }, null, 2) + '\n',
    );
    const ratio =
      rounds.length === 2 && rounds[0]!.perSecond > 0 ? (rounds[1]!.perSecond / rounds[0]!.perSecond).toFixed(2) : 'n/a';
    writeFileSync(
      join(RESULTS, 'scale.md'),
      [
        `# Submit throughput, 1 vs 2 API processes (${at})`,
        '',
        `${FIRMS} first bids per round (sealed, audited), ${CONCURRENCY} concurrent clients round-robin over the API processes;`,
        `one PostgreSQL and one Redis; all on one machine: ${machine.cpus} CPUs (${machine.cpuModel}), load average at`,
        `the end ${machine.loadAverage.join(' / ')}, Node ${machine.node}. The processes share the cores with the database and`,
        'the client, so this shows that the second instance is used and nothing breaks, not what a second machine would add.',
        '',
        '| API processes | bids | accepted | seconds | bids/s | p50 ms | p95 ms | failures |',
        '|---|---|---|---|---|---|---|---|',
        ...rounds.map(
          (r) =>
            `| ${r.apis} | ${r.requests} | ${r.ok} | ${r.seconds} | ${r.perSecond} | ${r.p50Ms} | ${r.p95Ms} | ${JSON.stringify(r.failed)} |`,
        ),
        '',
        `Two processes / one: **${ratio}×**.`,
        '',
      ].join('\n'),
    );
    log(`written to bench/results/scale.{json,md}; 2/1 = ${ratio}`);
  } finally {
    await db.end();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
