import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import request from 'supertest';
import { QUEUES } from '@app/jobs';
import { bearer, createUser, login, PASSWORD, startApp, TestContext } from './harness';
import { createDepartmentWithOfficer, createVerifiedEnterprise, TEST_RUBRIC, TestDepartment, TestFirm } from './factories';
import { Cluster, startCluster } from './cluster';

/**
 * Beyond one machine (issue 17): two API processes and two worker processes on the one PostgreSQL
 * and Redis, requests spread across the APIs. A competition runs across them — attachments
 * uploaded on one API and read on the other, a burst of bids at the deadline split between the
 * APIs, the close done by whichever worker gets there — and everything that must happen once
 * happens once (close, mail, pruning), everything that must be shared is shared (sessions,
 * idempotency, lockout, rate limits).
 */
const RATE_LIMIT = 6;
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Retries `check` until its expectations hold, or rethrows its last failure after `ms`. */
async function eventually(check: () => Promise<void>, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > until) throw err;
      await sleep(250);
    }
  }
}
const PDF = (text: string, padKiB = 0) =>
  Buffer.concat([
    Buffer.from(`%PDF-1.7\n1 0 obj << /Title (${text}) >> endobj\n`, 'latin1'),
    Buffer.alloc(padKiB * 1024, 0x20),
    Buffer.from('\n%%EOF\n'),
  ]);
const proposalBody = (marker: string) => ({
  approach: `Cách tiếp cận ${marker}`,
  solution: `Giải pháp ${marker}`,
  plan: 'Khảo sát; triển khai',
  team: 'Sáu kỹ sư',
  price: 900_000_000,
  durationMonths: 6,
  references: [],
});

describe('two APIs and two workers on one PostgreSQL and Redis', () => {
  let ctx: TestContext;
  let cluster: Cluster;
  let mailDir: string;
  /** Every status any instance answered: none may be a 5xx. */
  const statuses: number[] = [];
  let next = 0;
  /** The APIs in turn (round-robin), or one by index; each client has its own address (X-Forwarded-For). */
  const on = (i?: number) => request(cluster.apiUrls[(i ?? next++) % cluster.apiUrls.length]!);
  const track = <T extends { status: number }>(res: T): T => {
    statuses.push(res.status);
    return res;
  };

  beforeAll(async () => {
    ctx = await startApp(); // empties the database and Redis; used for fixtures and to read the database
    mailDir = await mkdtemp(join(tmpdir(), 'marketplace-scale-mail-'));
    cluster = await startCluster({
      apis: 2,
      workers: 2,
      env: {
        MAIL_DIR: mailDir,
        TRUST_PROXY: 'true',
        AUTH_RATE_LIMIT: String(RATE_LIMIT),
        PROBLEM_MIN_OPEN_DAYS: '0',
        DEADLINE_REMINDER_HOURS: '',
        DEADLINE_SWEEP_INTERVAL_MS: '1000',
        PRUNE_INTERVAL_MS: '1000',
        LOG_LEVEL: 'warn',
      },
    });
  }, 240_000);
  afterAll(async () => {
    await cluster?.stop();
    await ctx?.close();
    if (mailDir) await rm(mailDir, { recursive: true, force: true });
  });

  it('shares sessions, idempotency, lockout and rate limits between the API instances', async () => {
    await createUser(ctx, { email: 'session@scale.test.vn', role: 'admin' });
    const ip = (n: number) => ({ 'X-Forwarded-For': `10.17.0.${n}` });

    // A session begun on one instance is honoured and refreshed on the other; reusing the old
    // refresh token on the first is caught as reuse (the rotation is shared, not per instance).
    const started = track(
      await on(0).post('/api/v1/auth/login').set(ip(1)).send({ email: 'session@scale.test.vn', password: PASSWORD }),
    );
    expect(started.status).toBe(200);
    expect(
      track(
        await on(1)
          .get('/api/v1/me')
          .set(bearer(started.body.accessToken as string)),
      ).status,
    ).toBe(200);
    const refreshed = track(
      await on(1).post('/api/v1/auth/refresh').set(ip(1)).send({ refreshToken: started.body.refreshToken }),
    );
    expect(refreshed.status).toBe(200);
    const reused = track(await on(0).post('/api/v1/auth/refresh').set(ip(1)).send({ refreshToken: started.body.refreshToken }));
    expect(reused.status).toBe(401);
    expect(reused.body.code).toBe('REFRESH_TOKEN_REUSED');
    // … and that reuse ended the session descended from it, on every instance.
    const revoked = track(
      await on(1).post('/api/v1/auth/refresh').set(ip(1)).send({ refreshToken: refreshed.body.refreshToken }),
    );
    expect(revoked.status).toBe(401);

    // Lockout: failures counted together, whichever instance saw them.
    await createUser(ctx, { email: 'guessed@scale.test.vn', role: 'evaluator' });
    for (let i = 0; i < 5; i += 1) {
      const res = track(
        await on(i).post('/api/v1/auth/login').set(ip(2)).send({ email: 'guessed@scale.test.vn', password: 'wrong guess 123' }),
      );
      expect(res.status).toBe(401);
    }
    for (const i of [0, 1]) {
      const locked = track(
        await on(i)
          .post('/api/v1/auth/login')
          .set(ip(2 + 10 * (i + 1)))
          .send({ email: 'guessed@scale.test.vn', password: PASSWORD }),
      );
      expect(locked.body.code).toBe('ACCOUNT_LOCKED');
    }

    // Rate limit: one address gets RATE_LIMIT auth requests in all, not RATE_LIMIT per instance.
    // (a different e-mail each time, so the per-account lockout does not answer first)
    const answers: string[] = [];
    for (let i = 0; i < RATE_LIMIT + 2; i += 1) {
      const res = track(
        await on(i)
          .post('/api/v1/auth/login')
          .set(ip(3))
          .send({ email: `nobody-${i}@scale.test.vn`, password: 'x'.repeat(12) }),
      );
      answers.push(`${res.status} ${res.body.code}`);
    }
    expect(answers).toEqual([
      ...Array<string>(RATE_LIMIT).fill('401 INVALID_CREDENTIALS'),
      '429 RATE_LIMITED',
      '429 RATE_LIMITED',
    ]);

    // Idempotency: the same submission sent to both instances at once makes one proposal, one answer.
    const dept = await createDepartmentWithOfficer(ctx);
    const firm = await createVerifiedEnterprise(ctx);
    const problemId = await publishProblem(dept, 120);
    const key = `retry-${randomUUID()}`;
    const [a, b] = await Promise.all(
      [0, 1].map((i) =>
        on(i)
          .post(`/api/v1/problems/${problemId}/proposals`)
          .set(bearer(firm.token))
          .set('Idempotency-Key', key)
          .send(proposalBody('IDEM')),
      ),
    );
    track(a!);
    track(b!);
    const answered = [a, b].filter((r) => r!.status === 201);
    // Both succeed with the same receipt, or one waits for the other and is told the key is in use.
    expect(answered.length).toBeGreaterThanOrEqual(1);
    for (const r of [a, b]) expect([201, 409]).toContain(r!.status);
    if (answered.length === 2) expect(a!.body).toEqual(b!.body);
    const count = await ctx.dataSource.query(
      `SELECT count(*)::int AS n FROM proposal_versions v JOIN proposals p ON p.id = v.proposal_id WHERE p.problem_id = $1`,
      [problemId],
    );
    expect(count[0].n).toBe(1);
  });

  /** Creates and publishes a problem through the cluster; its deadline `seconds` from now. */
  async function publishProblem(dept: TestDepartment, seconds: number): Promise<string> {
    const [{ now }] = await ctx.dataSource.query<[{ now: Date }]>(`SELECT now() AS now`);
    const deadline = new Date(new Date(now).getTime() + seconds * 1000).toISOString();
    const created = track(
      await on()
        .post('/api/v1/problems')
        .set(bearer(dept.token))
        .send({
          title: `Bài toán quy mô ${randomUUID().slice(0, 6)}`,
          summary: 'Tóm tắt',
          description: 'Mô tả hiện trạng',
          expectedResults: 'Kết quả mong đợi',
          sector: 'ict',
          tags: [],
          budgetCeiling: 2_000_000_000,
          durationMonths: 6,
          deadline,
          clarificationDeadline: deadline,
          rubric: TEST_RUBRIC,
        }),
    );
    expect(created.status).toBe(201);
    expect(track(await on().post(`/api/v1/problems/${created.body.id}/publish`).set(bearer(dept.token))).status).toBe(200);
    return created.body.id as string;
  }

  it('runs a competition across the instances: attachments, a deadline burst, one close, each mail once', async () => {
    const dept = await createDepartmentWithOfficer(ctx);
    await createUser(ctx, { email: 'auditor@scale.test.vn', role: 'admin' });
    const admin = await login(ctx, 'auditor@scale.test.vn');
    const early: TestFirm[] = [];
    for (let i = 0; i < 4; i += 1) early.push(await createVerifiedEnterprise(ctx, { legalName: `Công ty Sớm ${i}` }));
    const burst: TestFirm[] = [];
    for (let i = 0; i < 6; i += 1) burst.push(await createVerifiedEnterprise(ctx, { legalName: `Công ty Phút chót ${i}` }));
    const late = await createVerifiedEnterprise(ctx, { legalName: 'Công ty Muộn' });
    const problemId = await publishProblem(dept, 20);

    // Early bids: each attachment uploaded on one instance, the bid sent to the other, and the
    // firm reads its own file back through the first.
    const files: { firm: TestFirm; uploadedOn: number; attachmentId: string; bytes: Buffer; proposalId?: string }[] = [];
    for (const [i, firm] of early.entries()) {
      const bytes = PDF(`ho so ${i}`, 300 + i * 100);
      const uploadedOn = i % 2;
      const up = track(
        await on(uploadedOn)
          .post(`/api/v1/problems/${problemId}/attachments`)
          .set(bearer(firm.token))
          .attach('file', bytes, { filename: `ho-so-${i}.pdf`, contentType: 'application/pdf' }),
      );
      expect(up.status).toBe(201);
      const sent = track(
        await on(1 - uploadedOn)
          .post(`/api/v1/problems/${problemId}/proposals`)
          .set(bearer(firm.token))
          .send({ ...proposalBody(`E${i}`), attachmentIds: [up.body.id] }),
      );
      expect(sent.status).toBe(201);
      const own = track(
        await on(1 - uploadedOn)
          .get(`/api/v1/proposals/${sent.body.id}/attachments/${up.body.id}`)
          .set(bearer(firm.token)),
      );
      expect(own.status).toBe(200);
      expect(sha256(own.body as Buffer)).toBe(sha256(bytes));
      files.push({ firm, uploadedOn, attachmentId: up.body.id, bytes, proposalId: sent.body.id });
    }

    // The burst: six bids split across both instances, sent together just before the deadline.
    const [{ ms }] = await ctx.dataSource.query<[{ ms: number }]>(
      `SELECT extract(epoch FROM deadline - now()) * 1000 AS ms FROM problems WHERE id = $1`,
      [problemId],
    );
    await sleep(Math.max(0, Number(ms) - 400));
    const burstAnswers = await Promise.all(
      burst.map((firm, i) =>
        on(i)
          .post(`/api/v1/problems/${problemId}/proposals`)
          .set(bearer(firm.token))
          .send(proposalBody(`B${i}`)),
      ),
    );
    burstAnswers.forEach(track);
    // Each either counts (received before the deadline by the database clock) or is refused plainly.
    for (const res of burstAnswers) {
      if (res.status !== 201) expect(res.body.code).toBe('PROPOSAL_DEADLINE_PASSED');
    }
    const accepted = burstAnswers.filter((r) => r.status === 201).length;
    const onTime = await ctx.dataSource.query<{ n: number; late: number }[]>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE v.submitted_at >= pr.deadline)::int AS late
         FROM proposal_versions v JOIN proposals p ON p.id = v.proposal_id JOIN problems pr ON pr.id = p.problem_id
        WHERE p.problem_id = $1`,
      [problemId],
    );
    expect(onTime[0]).toEqual({ n: early.length + accepted, late: 0 });

    // After the deadline, on either instance: refused.
    await sleep(600);
    for (const i of [0, 1]) {
      const refused = track(
        await on(i)
          .post(`/api/v1/problems/${problemId}/proposals`)
          .set(bearer(late.token))
          .send(proposalBody(`L${i}`)),
      );
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('PROPOSAL_DEADLINE_PASSED');
    }

    // The close: both workers hold the close job's queue and run the sweep; it happens once.
    await eventually(async () => {
      const rows = await ctx.dataSource.query<{ status: string }[]>(`SELECT status FROM problems WHERE id = $1`, [problemId]);
      expect(rows[0]!.status).toBe('closed');
    }, 30_000);
    await sleep(2500); // long enough for a second close, if one could happen, to show
    const closes = await ctx.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'problem.closed' AND entity_id = $1`,
      [problemId],
    );
    expect(closes[0].n).toBe(1);

    // The department reads every attachment on the instance that did not receive it.
    for (const file of files) {
      const res = track(
        await on(1 - file.uploadedOn)
          .get(`/api/v1/proposals/${file.proposalId}/attachments/${file.attachmentId}`)
          .set(bearer(dept.token)),
      );
      expect(res.status).toBe(200);
      expect(sha256(res.body as Buffer)).toBe(sha256(file.bytes));
    }

    // Mail: every e-mailed notification was written exactly once, by one of the two workers.
    const bidders = early.length + accepted;
    await eventually(async () => {
      const pending = await ctx.dataSource.query(
        `SELECT count(*)::int AS n FROM notifications WHERE emailed_at IS NULL AND kind = 'problem.closed'`,
      );
      expect(pending[0].n).toBe(0);
    }, 30_000);
    const emailed = await ctx.dataSource.query<{ email: string; n: number }[]>(
      `SELECT u.email, count(*)::int AS n FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.emailed_at IS NOT NULL GROUP BY u.email`,
    );
    const closedMail = await ctx.dataSource.query(`SELECT count(*)::int AS n FROM notifications WHERE kind = 'problem.closed'`);
    expect(closedMail[0].n).toBe(bidders + 1);
    const written = new Map<string, number>();
    for (const name of await readdir(mailDir)) {
      const text = await readFile(join(mailDir, name), 'utf8');
      const to =
        /^To: (.+)$/m
          .exec(text)?.[1]!
          .trim()
          .replace(/^.*<(.+)>$/, '$1') ?? '';
      written.set(to, (written.get(to) ?? 0) + 1);
    }
    expect(Object.fromEntries(written)).toEqual(Object.fromEntries(emailed.map((r) => [r.email, r.n])));

    // The audit chain, written by four processes at once, is whole.
    const verify = track(await on().get('/api/v1/audit/verify').set(bearer(admin)));
    expect(verify.status).toBe(200);
    expect(verify.body).toMatchObject({ valid: true, firstBroken: null });
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
  });

  it('keeps one schedule for each periodic sweep, however many workers registered it', async () => {
    for (const [name, id] of [
      [QUEUES.problems, 'deadline-sweep'],
      [QUEUES.evaluation, undefined],
    ] as const) {
      const queue = new Queue(name, { connection: { url: process.env.REDIS_URL } });
      try {
        const schedulers = await queue.getJobSchedulers();
        expect(schedulers.length).toBe(1);
        if (id) expect(schedulers[0]!.key).toBe(id);
        // …and one delayed run of it waiting, not one per worker.
        const delayed = (await queue.getDelayed()).filter((j) => j.repeatJobKey === schedulers[0]!.key);
        expect(delayed.length).toBeLessThanOrEqual(1);
      } finally {
        await queue.close();
      }
    }
  });

  it('prunes once with two workers sweeping', async () => {
    // Delivered outbox rows from long ago: both workers sweep every second; each row is deleted
    // by exactly one of them, and the two workers' counters add up to the rows there were.
    const before = await prunedOutbox();
    await ctx.dataSource.query(
      `INSERT INTO outbox (queue, job_name, dispatched_at) SELECT 'mail', 'old-' || g, now() - interval '30 days' FROM generate_series(1, 300) g`,
    );
    await eventually(async () => {
      const left = await ctx.dataSource.query(`SELECT count(*)::int AS n FROM outbox WHERE job_name LIKE 'old-%'`);
      expect(left[0].n).toBe(0);
    }, 30_000);
    expect((await prunedOutbox()) - before).toBe(300);
  });

  /** The sum over both workers of pruned_total{kind="outbox"} from their /metrics. */
  async function prunedOutbox(): Promise<number> {
    let total = 0;
    for (const url of cluster.workerHealthUrls) {
      const text = await (await fetch(`${url}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith('pruned_total') && l.includes('kind="outbox"'));
      total += line ? Number(line.split(' ').pop()) : 0;
    }
    return total;
  }
});
