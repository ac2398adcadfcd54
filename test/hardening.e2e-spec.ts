import { Redis } from 'ioredis';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- pg ships no types; only Client is used
const { Client } = require('pg') as {
  Client: new (o: { connectionString: string }) => {
    connect(): Promise<void>;
    query(sql: string, params?: unknown[]): Promise<unknown>;
    end(): Promise<void>;
  };
};
import { stat } from 'node:fs/promises';
import { bearer, createDepartment, createUser, login, PASSWORD, startApp, TestContext } from './harness';
import { registerAndConfirm, registrationBody } from './enterprise-fixtures';
import { createDepartmentWithOfficer, createPublishedProblem, createVerifiedEnterprise } from './factories';
import { MailService } from '@app/mail';
import { OperationsService } from '@app/jobs';
import { renderMetrics, startInternalServer } from '@app/common';

/** Each rule tried the way an attacker or a broken client would. */
describe('hardening: bad input, accounts, outages', () => {
  let ctx: TestContext;
  let admin: string;

  beforeAll(async () => {
    ctx = await startApp();
    await createUser(ctx, { email: 'hard-admin@city.test.vn', role: 'admin' });
    admin = await login(ctx, 'hard-admin@city.test.vn');
  });
  afterAll(() => ctx.close());

  describe('bad input is a 400 with a clear code', () => {
    it('refuses NUL and broken Unicode in a query or body, anonymous', async () => {
      const q = await ctx.http.get('/api/v1/problems?q=%00').expect(400);
      expect(q.body).toMatchObject({ statusCode: 400, code: 'INVALID_CHARACTERS' });
      const body = await ctx.http
        .post('/api/v1/auth/register-enterprise')
        .set('content-type', 'application/json')
        .send('{"email":"a\\ud800@firm.vn","password":"x","fullName":"y","enterprise":{}}')
        .expect(400);
      expect(body.body.code).toBe('INVALID_CHARACTERS');
      expect(body.body.details[0].field).toBe('email');
    });

    it('refuses deep nesting and huge arrays before parsing', async () => {
      const started = Date.now();
      const deep = await ctx.http
        .post('/api/v1/auth/register-enterprise')
        .set('content-type', 'application/json')
        .send('['.repeat(5000) + ']'.repeat(5000))
        .expect(400);
      expect(deep.body.code).toBe('REQUEST_TOO_COMPLEX');
      const wide = await ctx.http
        .post('/api/v1/auth/register-enterprise')
        .set('content-type', 'application/json')
        .send(JSON.stringify({ tags: Array(5000).fill(1) }))
        .expect(400);
      expect(wide.body.code).toBe('REQUEST_TOO_COMPLEX');
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it('answers a hand-made cursor with the right keys but wrong types with INVALID_CURSOR', async () => {
      await createDepartment(ctx, 'Sở A', 'SA');
      await createDepartment(ctx, 'Sở B', 'SB');
      const page = await ctx.http.get('/api/v1/departments?limit=1').expect(200);
      expect(page.body.nextCursor).toEqual(expect.any(String));
      await ctx.http.get(`/api/v1/departments?limit=1&cursor=${page.body.nextCursor}`).expect(200);
      const forged = Buffer.from(JSON.stringify({ name: { $gt: '' }, id: 42 })).toString('base64url');
      for (const cursor of [forged, `${forged}.AAAAAAAAAAAAAAAA`, `${page.body.nextCursor}x`]) {
        const res = await ctx.http.get(`/api/v1/departments?cursor=${cursor}`).expect(400);
        expect(res.body.code).toBe('INVALID_CURSOR');
      }
    });

    it('refuses out-of-range numbers and null in a field that cannot be null', async () => {
      expect((await ctx.http.get('/api/v1/problems?budgetMin=1e30').expect(400)).body.statusCode).toBe(400);
      const userId = await createUser(ctx, { email: 'nullable@city.test.vn', role: 'evaluator' });
      const res = await ctx.http.patch(`/api/v1/users/${userId}`).set(bearer(admin)).send({ fullName: null }).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    });

    it('validates the login body before any password work', async () => {
      const wrongType = await ctx.http
        .post('/api/v1/auth/login')
        .send({ email: 'hard-admin@city.test.vn', password: 123 })
        .expect(400);
      expect(wrongType.body.code).toBe('VALIDATION_FAILED');
      const unknown = await ctx.http
        .post('/api/v1/auth/login')
        .send({ email: 'hard-admin@city.test.vn', password: PASSWORD, isAdmin: true })
        .expect(400);
      expect(unknown.body.code).toBe('VALIDATION_FAILED');
      const [{ n }] = await ctx.dataSource.query(
        `SELECT failed_login_count AS n FROM users WHERE email = 'hard-admin@city.test.vn'`,
      );
      expect(n).toBe(0);
    });

    it('answers malformed multipart with 400', async () => {
      const dept = await createDepartmentWithOfficer(ctx);
      const firm = await createVerifiedEnterprise(ctx);
      const problemId = await createPublishedProblem(ctx, dept);
      const cases: [string, string][] = [
        ['multipart/form-data', '--x\r\n'],
        [
          'multipart/form-data; boundary=XyZ',
          '--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.4 trunc',
        ],
      ];
      for (const [type, payload] of cases) {
        const res = await ctx.app.inject({
          method: 'POST',
          url: `/api/v1/problems/${problemId}/attachments`,
          headers: { ...bearer(firm.token), 'content-type': type },
          payload,
        });
        expect(res.statusCode).toBe(400);
        expect(res.json()).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
      }
    });
  });

  describe('passwords', () => {
    it.each([
      ['password123', 'common'],
      ['12345678', 'common'],
      ['qwerty123', 'common'],
      ['Password1', 'common'],
      ['HaiPhong-2026!', 'contains_product_name'],
      ['my marketplace pass', 'contains_product_name'],
    ])('refuses %s (%s)', async (password, reason) => {
      const res = await ctx.http
        .post('/api/v1/auth/register-enterprise')
        .send({ ...registrationBody(), password })
        .expect(400);
      expect(res.body.code).toBe('PASSWORD_TOO_WEAK');
      expect(res.body.details[0].errors).toEqual([reason]);
    });

    it('refuses a password built from the e-mail', async () => {
      const body = registrationBody({ email: 'nguyenthanhlong@firm.vn' });
      const res = await ctx.http
        .post('/api/v1/auth/register-enterprise')
        .send({ ...body, password: 'nguyenthanhlong#77' })
        .expect(400);
      expect(res.body.details[0].errors).toEqual(['contains_email']);
      expect(res.body.message).toBe('Mật khẩu không được chứa địa chỉ thư điện tử của bạn hoặc phần tên trong địa chỉ đó.');
    });

    it('accepts 128 characters of any script, and matches them in NFC', async () => {
      const decomposed = 'Mật khẩu dài của tôi 🔐 '.normalize('NFD');
      const long = decomposed.repeat(10).slice(0, 128);
      const body = registrationBody();
      expect((await registerAndConfirm(ctx, { ...body, password: long })).status).toBe(201);
      await ctx.http
        .post('/api/v1/auth/login')
        .send({ email: body.email, password: long.normalize('NFC') })
        .expect(200);
    });
  });

  describe('lockout says nothing about which e-mails exist', () => {
    it('locks an unknown e-mail exactly like a known one', async () => {
      await createUser(ctx, { email: 'known@firm.test.vn', role: 'enterprise' });
      const answers: Record<string, { status: number; code: string; retry: boolean; ms: number }[]> = {};
      for (const email of ['known@firm.test.vn', 'nobody-here@firm.test.vn']) {
        answers[email] = [];
        for (let i = 0; i < 6; i++) {
          const started = Date.now();
          const res = await ctx.http.post('/api/v1/auth/login').send({ email, password: 'wrong-password-x' });
          answers[email].push({
            status: res.status,
            code: res.body.code,
            retry: 'retry-after' in res.headers,
            ms: Date.now() - started,
          });
        }
      }
      const shape = (xs: { status: number; code: string; retry: boolean }[]) =>
        xs.map(({ status, code, retry }) => ({ status, code, retry }));
      expect(shape(answers['nobody-here@firm.test.vn']!)).toEqual(shape(answers['known@firm.test.vn']!));
      expect(answers['known@firm.test.vn']![5]).toMatchObject({ status: 429, code: 'ACCOUNT_LOCKED' });
      // Both paths do one argon2 verification: similar timing (generous bound for a shared CI machine).
      const mean = (xs: { ms: number }[]) => xs.reduce((a, b) => a + b.ms, 0) / xs.length;
      const ratio = mean(answers['known@firm.test.vn']!) / mean(answers['nobody-here@firm.test.vn']!);
      expect(ratio).toBeGreaterThan(0.33);
      expect(ratio).toBeLessThan(3);
    });
  });

  describe('registration says nothing about which e-mails exist', () => {
    it('answers a known and an unknown address alike, in similar time', async () => {
      await createUser(ctx, { email: 'has-account@firm.test.vn', role: 'enterprise' });
      const answers: Record<string, { status: number; body: unknown; ms: number }[]> = {};
      for (const email of ['has-account@firm.test.vn', 'no-account@firm.test.vn']) {
        answers[email] = [];
        for (let i = 0; i < 4; i++) {
          const started = Date.now();
          const res = await ctx.http.post('/api/v1/auth/register-enterprise').send(registrationBody({ email }));
          answers[email].push({ status: res.status, body: { ...res.body, email: '…' }, ms: Date.now() - started });
        }
      }
      const shape = (xs: { status: number; body: unknown }[]) => xs.map(({ status, body }) => ({ status, body }));
      expect(shape(answers['has-account@firm.test.vn']!)).toEqual(shape(answers['no-account@firm.test.vn']!));
      expect(answers['no-account@firm.test.vn']![0]!.status).toBe(202);
      // Both paths hash the password and write one mail job: similar timing (generous bound for CI).
      const mean = (xs: { ms: number }[]) => xs.reduce((a, b) => a + b.ms, 0) / xs.length;
      const ratio = mean(answers['has-account@firm.test.vn']!) / mean(answers['no-account@firm.test.vn']!);
      expect(ratio).toBeGreaterThan(0.33);
      expect(ratio).toBeLessThan(3);
    });
  });

  describe('outages', () => {
    it('keeps login fast and reports Redis down within 2 s while Redis is frozen', async () => {
      const redis = new Redis(process.env.REDIS_URL as string);
      try {
        await redis.call('CLIENT', 'PAUSE', '4000', 'ALL');
        const started = Date.now();
        const res = await ctx.http.post('/api/v1/auth/login').send({ email: 'hard-admin@city.test.vn', password: PASSWORD });
        expect(res.status).toBe(200);
        expect(Date.now() - started).toBeLessThan(1500);
        const healthStarted = Date.now();
        const ready = await ctx.http.get('/api/health/ready').expect(503);
        expect(Date.now() - healthStarted).toBeLessThan(2000);
        expect(ready.body.details.details.redis.status).toBe('down');
        await ctx.http.get('/api/health/live').expect(200);
        expect(await renderMetrics()).toMatch(/redis_fallback_total\{use="rate_limit"\} [1-9]/);
      } finally {
        await new Promise((r) => setTimeout(r, 4200));
        redis.disconnect();
      }
      await ctx.http.get('/api/health/ready').expect(200);
    });

    it('answers 503 DATABASE_UNAVAILABLE while PostgreSQL refuses connections, then recovers', async () => {
      const url = new URL(process.env.DATABASE_URL as string);
      const database = url.pathname.slice(1);
      url.pathname = '/postgres';
      const admin = new Client({ connectionString: url.toString() });
      await admin.connect();
      try {
        await admin.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS false`);
        await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [database]);
        const res = await ctx.http.get('/api/v1/departments');
        expect(res.status).toBe(503);
        expect(res.body.code).toBe('DATABASE_UNAVAILABLE');
        expect(res.headers['retry-after']).toBeDefined();
        const ready = await ctx.http.get('/api/health/ready').expect(503);
        expect(ready.body.details.details.database.status).toBe('down');
      } finally {
        await admin.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS true`);
        await admin.end();
      }
      await ctx.http.get('/api/v1/departments').expect(200);
    });
  });

  describe('operations', () => {
    it('serves Prometheus metrics on the internal port only', async () => {
      await ctx.http.get('/api/v1/departments').expect(200);
      // The public port never answers with metrics (it may answer with the portal's page: an SPA fallback).
      for (const path of ['/metrics', '/api/metrics', '/api/v1/metrics']) {
        const res = await ctx.http.get(path);
        expect(res.text).not.toContain('# HELP');
        expect(res.headers['content-type'] ?? '').not.toMatch(/^text\/plain/);
      }
      const server = await startInternalServer(-1, '127.0.0.1', () => ctx.app.get(OperationsService).probe());
      try {
        const address = server!.address() as { port: number };
        const text = await (await fetch(`http://127.0.0.1:${address.port}/metrics`)).text();
        expect(text).toMatch(
          /http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/departments",status="200"\} \d+/,
        );
        for (const name of [
          'queue_jobs{queue="mail",state="waiting"}',
          'outbox_lag_seconds',
          'outbox_pending',
          'db_pool_connections{state="total"}',
          'audit_log_write_seconds_count',
        ]) {
          expect(text).toContain(name);
        }
        const health = await fetch(`http://127.0.0.1:${address.port}/health`);
        expect(health.status).toBe(200);
        expect(await health.json()).toMatchObject({ status: 'ok', database: { status: 'up' }, redis: { status: 'up' } });
      } finally {
        server?.close();
      }
    });

    it('shows the queue dashboard to admins only', async () => {
      const firm = await createVerifiedEnterprise(ctx);
      const anonymous = await ctx.http.get('/api/admin/queues').expect(401);
      expect(anonymous.body.code).toBe('UNAUTHENTICATED');
      expect((await ctx.http.get('/api/admin/queues/api/queues').set(bearer(firm.token)).expect(403)).body.code).toBe(
        'ROLE_FORBIDDEN',
      );
      await ctx.http.get('/api/admin/queues').set('Authorization', 'Bearer forged.token.here').expect(401);
      const page = await ctx.http.get('/api/admin/queues').set(bearer(admin)).expect(200);
      expect(page.text).toContain('<html');
      const api = await ctx.http.get('/api/admin/queues/api/queues').set(bearer(admin)).expect(200);
      expect(api.body.queues.map((q: { name: string }) => q.name)).toEqual(
        expect.arrayContaining(['mail', 'notifications', 'problems', 'evaluation']),
      );
      // A browser tab: the session endpoint (admins only) sets an HttpOnly cookie scoped to the dashboard.
      await ctx.http.post('/api/v1/admin/queues/session').set(bearer(firm.token)).expect(403);
      const session = await ctx.http.post('/api/v1/admin/queues/session').set(bearer(admin)).expect(204);
      const cookie = String(session.headers['set-cookie']);
      expect(cookie).toMatch(/^hpsm_queues=.+; Path=\/api\/admin\/queues; HttpOnly; SameSite=Strict/);
      await ctx.http.get('/api/admin/queues').set('Cookie', cookie.split(';')[0]!).expect(200);
    });

    it('writes mail files readable by their owner only', async () => {
      const sent = await ctx.app.get(MailService).send({ to: 'x@test.vn', subject: 's', text: 't' });
      expect((await stat(sent.file as string)).mode & 0o777).toBe(0o600);
      expect((await stat(process.env.MAIL_DIR as string)).mode & 0o777).toBe(0o700);
    });
  });
});
