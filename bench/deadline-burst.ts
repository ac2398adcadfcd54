/**
 * Deadline-burst bench: 300 firms send 1,000 bids (first submissions, then revisions, 60 % of them in
 * the last BURST_RUSH_S = 10 seconds) to one problem in the last 60 s before its deadline, and 60 more in the
 * 3 s after it, through the real HTTP stack booted in-process. The client runs in a worker
 * thread (its own event loop), so a send time is when the request left the client. Afterwards
 * the database is compared with the answers:
 *   lost         — a 2xx whose version is not in the database;
 *   duplicated   — a version in the database that no 2xx answered (or twice);
 *   late accepted — a 2xx for a request sent at or after the deadline;
 *   refused in time — a PROPOSAL_DEADLINE_PASSED for a request sent before the deadline
 *                     (also counted with a 50 ms allowance for the trip to the server).
 * Figures go to bench/results/deadline-burst.{json,md}; nothing is asserted on time.
 *
 *   npm run bench -- deadline        (BURST_FIRMS 300, BURST_BIDS 1000, BURST_LATE 60)
 */
import './marketplace-env';
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { JwtService } from '@nestjs/jwt';
import { DataSource } from 'typeorm';
import { runMigrations } from '@app/database';
import { taxCodeCheckDigit } from '@app/enterprises';
import { createApp } from '../apps/api/src/bootstrap';

const FIRMS = Number(process.env.BURST_FIRMS ?? 300);
const BIDS = Number(process.env.BURST_BIDS ?? 1000);
const LATE = Number(process.env.BURST_LATE ?? 60);
const WINDOW_S = 60;
const RUSH_S = Number(process.env.BURST_RUSH_S ?? 10);
const LEAD_S = 15; // time to get going before the window opens
const RESULTS = join(__dirname, 'results');
const log = (msg: string) => console.log(`[bench:deadline-burst] ${msg}`);

interface Planned {
  firm: number;
  at: number; // epoch ms
}
interface Answer {
  firm: number;
  kind: 'submit' | 'revise';
  sentAt: number;
  ms: number;
  status: number;
  code?: string;
  proposalId?: string;
  version?: number;
  submittedAt?: string;
}

function taxCode(serial: number): string {
  for (let s = serial; ; s += 1_000_000) {
    const firstNine = `07${String(s % 10_000_000).padStart(7, '0')}`;
    const check = taxCodeCheckDigit(firstNine);
    if (check !== null) return `${firstNine}${check}`;
  }
}

const bid = (i: number) => ({
  approach: `Phương án ${i}: khảo sát, chuẩn hoá dữ liệu, nền tảng dùng chung.`,
  solution: `Kiến trúc vi dịch vụ, API mở; phương án ${i}.`,
  plan: 'Tháng 1–2: khảo sát; tháng 3–5: phát triển; tháng 6: nghiệm thu.',
  team: 'Trưởng nhóm, 6 kỹ sư',
  price: 500_000_000 + (i % 97) * 10_000_000,
  durationMonths: 6,
});

/** Each firm bids first in the early part of the window; revisions thicken towards the deadline. */
function plan(deadline: number): Planned[] {
  const out: Planned[] = [];
  const rand = mulberry32(106);
  for (let f = 0; f < FIRMS; f++) out.push({ firm: f, at: deadline - WINDOW_S * 1000 + rand() * 40_000 });
  const revisions = BIDS - FIRMS;
  for (let i = 0; i < revisions; i++) {
    const share = i / revisions;
    // 40 % in [-40 s, -10 s), the rest in the last 10 s (BURST_RUSH_S).
    const at = share < 0.4 ? deadline - 40_000 + rand() * 30_000 : deadline - RUSH_S * 1000 + rand() * RUSH_S * 1000;
    out.push({ firm: Math.floor(rand() * FIRMS), at });
  }
  for (let i = 0; i < LATE; i++) out.push({ firm: Math.floor(rand() * FIRMS), at: deadline + rand() * 3_000 });
  return out.sort((a, b) => a.at - b.at);
}

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The client, in its own thread: per firm, one request at a time, each at or after its planned time. */
const CLIENT = `
const { parentPort, workerData } = require('node:worker_threads');
const { base, problemId, tokens, planned, bodies } = workerData;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const proposalOf = new Map();
const chain = new Map();
const answers = [];
function send(p, i) {
  const prev = chain.get(p.firm) ?? Promise.resolve();
  const next = prev.then(async () => {
    const wait = p.at - Date.now();
    if (wait > 0) await sleep(wait);
    const proposalId = proposalOf.get(p.firm);
    const kind = proposalId ? 'revise' : 'submit';
    const url = proposalId ? base + '/api/v1/proposals/' + proposalId : base + '/api/v1/problems/' + problemId + '/proposals';
    const sentAt = Date.now();
    try {
      const res = await fetch(url, { method: proposalId ? 'PUT' : 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ' + tokens[p.firm] }, body: JSON.stringify(bodies[i % bodies.length]) });
      const body = await res.json().catch(() => ({}));
      if (res.status < 300) proposalOf.set(p.firm, body.id);
      answers.push({ firm: p.firm, kind, sentAt, ms: Date.now() - sentAt, status: res.status, code: body.code, proposalId: body.id ?? proposalId, version: body.version, submittedAt: body.receipt && body.receipt.submittedAt });
    } catch (err) {
      answers.push({ firm: p.firm, kind, sentAt, ms: Date.now() - sentAt, status: 0, code: String(err) });
    }
  });
  chain.set(p.firm, next);
  return next;
}
Promise.all(planned.map(send)).then(() => parentPort.postMessage(answers));
`;

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
    await ds.query(
      `INSERT INTO areas (code, name, unit_type) VALUES ('31', 'Thành phố Hải Phòng', 'city') ON CONFLICT (code) DO NOTHING`,
    );
    await ds.query(
      `INSERT INTO areas (code, name, unit_type, parent_code) VALUES ('11560', 'Phường Thủy Nguyên', 'ward', '31') ON CONFLICT (code) DO NOTHING`,
    );
    const [{ n }] = await ds.query<[{ n: number }]>(`SELECT count(*)::int AS n FROM organizations WHERE code LIKE 'BURST-F%'`);
    if (n < FIRMS) {
      log(`seeding ${FIRMS} firms`);
      const codes = Array.from({ length: FIRMS }, (_, i) => taxCode(2_000_000 + i));
      await ds.query(
        `WITH f AS (SELECT i, code FROM unnest($1::text[]) WITH ORDINALITY AS t(code, i) WHERE NOT EXISTS (SELECT 1 FROM enterprises e WHERE e.tax_code = t.code)),
         o AS (INSERT INTO organizations (kind, name, code) SELECT 'enterprise', 'Công ty burst ' || i, 'BURST-F' || i FROM f RETURNING id, code)
         INSERT INTO enterprises (id, tax_code, legal_name, address, area_code, sectors, status, status_effective_date)
         SELECT o.id, f.code, 'Công ty burst ' || f.i, 'Hải Phòng', '11560', ARRAY['ict'], 'verified', current_date FROM o JOIN f ON o.code = 'BURST-F' || f.i`,
        [codes],
      );
      await ds.query(
        `INSERT INTO users (email, full_name, role, organization_id, org_role)
         SELECT 'member-' || lower(o.code) || '@burst.vn', 'Thành viên ' || o.code, 'enterprise', o.id, 'owner' FROM organizations o
         WHERE o.code LIKE 'BURST-F%' ON CONFLICT DO NOTHING`,
      );
      await ds.query(
        `INSERT INTO organizations (kind, name, code) VALUES ('department', 'Sở burst', 'BURST-D') ON CONFLICT DO NOTHING`,
      );
      await ds.query(
        `INSERT INTO users (email, full_name, role, organization_id) SELECT 'officer@burst.vn', 'Cán bộ burst', 'officer', id FROM organizations
         WHERE code = 'BURST-D' ON CONFLICT DO NOTHING`,
      );
    }
    const firms = await ds.query<{ id: string; user_id: string }[]>(
      `SELECT e.id, u.id AS user_id FROM organizations o JOIN enterprises e ON e.id = o.id JOIN users u ON u.organization_id = e.id
       WHERE o.code LIKE 'BURST-F%' ORDER BY o.code LIMIT $1`,
      [FIRMS],
    );
    const tokens = await Promise.all(
      firms.map((f) => jwt.signAsync({ sub: f.user_id, role: 'enterprise', org: f.id }, { expiresIn: 3600 })),
    );
    const [dept] = await ds.query<{ id: string; officer: string }[]>(
      `SELECT o.id, u.id AS officer FROM organizations o JOIN users u ON u.organization_id = o.id WHERE o.code = 'BURST-D'`,
    );
    const grace = Number(process.env.PROPOSAL_RECEIPT_GRACE_SECONDS ?? 10);
    const [problem] = await ds.query<{ id: string; deadline: Date }[]>(
      `INSERT INTO problems (department_id, created_by, status, title, summary, description, expected_results, sector,
                             deadline, clarification_deadline, rubric, published_at, receipt_grace)
       VALUES ($1, $2, 'published', 'Burst ' || now(), 'Tóm tắt', 'Mô tả', 'Kết quả', 'ict',
               date_trunc('second', now()) + make_interval(secs => $3), now() + interval '1 second',
               '{"passMark": 50, "criteria": [{"key": "a", "name": "A", "weight": 100}]}'::jsonb, now(), make_interval(secs => $4))
       RETURNING id, deadline`,
      [dept!.id, dept!.officer, WINDOW_S + LEAD_S, grace],
    );
    const deadline = new Date(problem!.deadline).getTime();
    const planned = plan(deadline);
    log(`${planned.length} requests from ${firms.length} firms; deadline in ${Math.round((deadline - Date.now()) / 1000)} s`);
    const bodies = Array.from({ length: 50 }, (_, i) => bid(i));
    const answers = await new Promise<Answer[]>((resolve, reject) => {
      const worker = new Worker(CLIENT, { eval: true, workerData: { base, problemId: problem!.id, tokens, planned, bodies } });
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    // Let every bid received in time commit (or fail) before reading the database.
    await new Promise((r) => setTimeout(r, Math.max(0, deadline + grace * 1000 + 1000 - Date.now())));

    const versions = await ds.query<{ proposal_id: string; version: number; submitted_at: Date }[]>(
      `SELECT v.proposal_id, v.version, v.submitted_at FROM proposal_versions v JOIN proposals p ON p.id = v.proposal_id WHERE p.problem_id = $1`,
      [problem!.id],
    );
    const inDb = new Set(versions.map((v) => `${v.proposal_id}:${v.version}`));
    const ok = answers.filter((a) => a.status >= 200 && a.status < 300);
    const okKeys = ok.map((a) => `${a.proposalId}:${a.version}`);
    const lost = okKeys.filter((k) => !inDb.has(k)).length;
    const answered = new Set(okKeys);
    const duplicated =
      versions.filter((v) => !answered.has(`${v.proposal_id}:${v.version}`)).length + (okKeys.length - answered.size);
    const beforeDeadline = answers.filter((a) => a.sentAt < deadline);
    const afterDeadline = answers.filter((a) => a.sentAt >= deadline);
    const refusedLate = (a: Answer) => a.code === 'PROPOSAL_DEADLINE_PASSED';
    const lateAccepted = afterDeadline.filter((a) => a.status < 300).length;
    const refusedInTime = beforeDeadline.filter(refusedLate).length;
    const refusedInTime50 = beforeDeadline.filter((a) => a.sentAt < deadline - 50 && refusedLate(a)).length;
    const receiptsAfterDeadline = ok.filter((a) => a.submittedAt && new Date(a.submittedAt).getTime() >= deadline).length;
    const other = answers.filter((a) => a.status >= 300 && !refusedLate(a));
    const lastMinute = beforeDeadline.map((a) => a.ms).sort((a, b) => a - b);
    const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? 0;
    const result = {
      date: new Date().toISOString(),
      machine: { platform: `${os.type()} ${os.release()} ${os.arch()}`, cpus: os.cpus().length, node: process.version },
      setup: {
        firms: firms.length,
        sentBeforeDeadline: beforeDeadline.length,
        sentAfterDeadline: afterDeadline.length,
        graceSeconds: grace,
      },
      outcome: {
        accepted: ok.length,
        lost,
        duplicated,
        lateAccepted,
        refusedInTime,
        refusedInTimeSentAtLeast50msBefore: refusedInTime50,
        refusedAfterDeadline: afterDeadline.filter(refusedLate).length,
        receiptsStampedAfterDeadline: receiptsAfterDeadline,
        otherErrors: other.length,
        otherErrorCodes: [...new Set(other.map((a) => `${a.status} ${a.code ?? ''}`))],
      },
      latencyMs: { p50: pct(lastMinute, 50), p99: pct(lastMinute, 99), max: lastMinute.at(-1) ?? 0 },
    };
    mkdirSync(RESULTS, { recursive: true });
    writeFileSync(join(RESULTS, 'deadline-burst.json'), `${JSON.stringify(result, null, 2)}\n`);
    writeFileSync(join(RESULTS, 'deadline-burst.md'), markdown(result));
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await app.close();
  }
}

function markdown(r: {
  date: string;
  machine: Record<string, string | number>;
  setup: Record<string, number>;
  outcome: Record<string, number | string[]>;
  latencyMs: Record<string, number>;
}): string {
  return [
    '# Deadline-burst bench',
    '',
    `Run ${r.date} on ${r.machine.platform}, ${r.machine.cpus} CPUs, Node ${r.machine.node}. Figures describe this machine on this day.`,
    '',
    `${r.setup.firms} firms; ${r.setup.sentBeforeDeadline} requests sent in the last ${WINDOW_S} s before the deadline (first`,
    `submissions, then revisions, 60 % of them in the last ${RUSH_S} s) and ${r.setup.sentAfterDeadline} after it (planned in the 3 s`,
    `after it, or pushed past it by the firm's previous request still running); grace ${r.setup.graceSeconds} s.`,
    'The client runs in a worker thread, so a send time is when the request left it.',
    '',
    '| outcome | count |',
    '|---|---|',
    ...Object.entries(r.outcome).map(([k, v]) => `| ${k} | ${Array.isArray(v) ? v.join(', ') || '—' : v} |`),
    '',
    `Latency of the requests sent before the deadline: p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms, max ${r.latencyMs.max} ms.`,
    '',
  ].join('\n');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
