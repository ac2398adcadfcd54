import './proposals-env';
import { createHash } from 'node:crypto';
import { canonicalJson } from '@app/common';
import { ProblemDeadlinesService } from '@app/problems';
import { BLOB_STORAGE, type BlobStorage } from '@app/proposals';
import { Client } from 'pg';
import request from 'supertest';
import { bearer, createUser, instant, login, startApp, TestContext } from './harness';
import {
  createDepartmentWithOfficer,
  createPublishedProblem,
  createVerifiedEnterprise,
  setDeadline,
  TestDepartment,
  TestFirm,
} from './factories';

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A proposal body; `marker` makes its texts unique so a raw read of the database can look for them. */
function body(marker: string, overrides: Record<string, unknown> = {}) {
  return {
    approach: `Cách tiếp cận ${marker}: số hoá quy trình cấp phép`,
    solution: `Giải pháp kỹ thuật ${marker}`,
    plan: 'Giai đoạn 1: khảo sát; giai đoạn 2: triển khai',
    team: 'Trưởng nhóm: Trần Thị Bình; 6 kỹ sư',
    price: 1_250_000_000,
    durationMonths: 6,
    references: [
      'Hệ thống một cửa điện tử quận Lê Chân',
      { title: 'Cổng dịch vụ công', url: 'https://dichvucong.haiphong.gov.vn' },
    ],
    ...overrides,
  };
}

const PDF = (text: string) => Buffer.from(`%PDF-1.7\n1 0 obj << /Title (${text}) >> endobj\n%%EOF\n`, 'latin1');

describe('sealed proposals', () => {
  let ctx: TestContext;
  let deptA: TestDepartment;
  let deptB: TestDepartment;
  let firm1: TestFirm;
  let firm2: TestFirm;
  let pending: TestFirm;
  let evaluatorToken: string;
  let adminToken: string;

  beforeAll(async () => {
    ctx = await startApp();
    deptA = await createDepartmentWithOfficer(ctx, 'Sở Giao thông Vận tải');
    deptB = await createDepartmentWithOfficer(ctx, 'Sở Y tế');
    firm1 = await createVerifiedEnterprise(ctx, { legalName: 'Công ty Cổ phần Phần mềm Cảng Xanh' });
    firm2 = await createVerifiedEnterprise(ctx, { legalName: 'Công ty TNHH Dữ liệu Đồ Sơn' });
    pending = await createVerifiedEnterprise(ctx, { status: 'pending' });
    await createUser(ctx, { email: 'evaluator@proposals.test.vn', role: 'evaluator' });
    await createUser(ctx, { email: 'admin@proposals.test.vn', role: 'admin' });
    evaluatorToken = await login(ctx, 'evaluator@proposals.test.vn');
    adminToken = await login(ctx, 'admin@proposals.test.vn');
  });
  afterAll(() => ctx.close());

  const upload = (token: string, problemId: string, bytes: Buffer, fileName: string, contentType = 'application/pdf') =>
    ctx.http
      .post(`/api/v1/problems/${problemId}/attachments`)
      .set(bearer(token))
      .attach('file', bytes, { filename: fileName, contentType });

  const submit = (token: string, problemId: string, payload: object, key?: string) => {
    const req = ctx.http.post(`/api/v1/problems/${problemId}/proposals`).set(bearer(token));
    if (key) void req.set('Idempotency-Key', key);
    return req.send(payload);
  };

  /** Seconds from the database clock to the problem's deadline (negative once it has passed). */
  type RowsOf = (sql: string, params: unknown[]) => Promise<{ s: number }[]>;
  const viaPool: RowsOf = (sql, params) => ctx.dataSource.query(sql, params);

  async function secondsToDeadline(problemId: string, rowsOf: RowsOf = viaPool): Promise<number> {
    const rows = await rowsOf(
      `SELECT extract(epoch FROM deadline - clock_timestamp())::float8 AS s FROM problems WHERE id = $1`,
      [problemId],
    );
    return rows[0]!.s;
  }

  async function waitUntilSecondsToDeadline(problemId: string, target: number, rowsOf: RowsOf = viaPool): Promise<void> {
    for (;;) {
      const left = await secondsToDeadline(problemId, rowsOf);
      if (left <= target) return;
      await sleep(Math.min(100, Math.max(5, (left - target) * 500)));
    }
  }

  it('a firm submits, revises, withdraws and submits again; every receipt can be recomputed from what it reads back', async () => {
    const problemId = await createPublishedProblem(ctx, deptA);
    const att = await upload(firm1.token, problemId, PDF('ho so nang luc'), 'Hồ sơ năng lực.pdf').expect(201);
    expect(att.body).toEqual({
      id: expect.any(String),
      fileName: 'Hồ sơ năng lực.pdf',
      mediaType: 'application/pdf',
      sizeBytes: PDF('ho so nang luc').length,
      sha256: sha256(PDF('ho so nang luc')),
    });

    const first = await submit(firm1.token, problemId, body('LIFECYCLE', { attachmentIds: [att.body.id] })).expect(201);
    expect(first.body).toEqual({
      id: expect.any(String),
      version: 1,
      receipt: {
        proposalId: first.body.id,
        version: 1,
        submittedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+07:00$/),
        sha256: expect.any(String),
        amendmentNumber: 0,
      },
    });
    const id = first.body.id as string;
    // submittedAt is the version row's database time.
    const [row] = await ctx.dataSource.query(
      `SELECT extract(epoch FROM submitted_at)::float8 AS t FROM proposal_versions WHERE proposal_id = $1`,
      [id],
    );
    expect(Math.abs(new Date(first.body.receipt.submittedAt).getTime() / 1000 - row.t)).toBeLessThan(0.001);

    const again = await submit(firm1.token, problemId, body('LIFECYCLE-2')).expect(409);
    expect(again.body).toMatchObject({
      code: 'PROPOSAL_EXISTS',
      details: { proposalId: id, revise: `PUT /api/v1/proposals/${id}` },
    });

    const own = await ctx.http.get(`/api/v1/proposals/${id}`).set(bearer(firm1.token)).expect(200);
    expect(own.body.content).toEqual({
      ...body('LIFECYCLE'),
      attachments: [{ id: att.body.id, sha256: sha256(PDF('ho so nang luc')) }],
    });
    expect(sha256(canonicalJson(own.body.content))).toBe(first.body.receipt.sha256);
    expect(own.body.attachments).toEqual([{ ...att.body, version: 1 }]);

    // An amendment leaves the proposal answering an older text; revising answers it.
    await ctx.dataSource.query(`UPDATE problems SET amendment_count = 1 WHERE id = $1`, [problemId]);
    expect((await ctx.http.get(`/api/v1/proposals/${id}`).set(bearer(firm1.token)).expect(200)).body.needsConfirmation).toBe(
      true,
    );
    const revised = await ctx.http
      .put(`/api/v1/proposals/${id}`)
      .set(bearer(firm1.token))
      .send(body('LIFECYCLE', { price: 1_100_000_000 }))
      .expect(200);
    expect(revised.body).toMatchObject({ id, version: 2, receipt: { proposalId: id, version: 2 } });
    expect(revised.body.receipt.sha256).not.toBe(first.body.receipt.sha256);
    const afterRevise = await ctx.http.get(`/api/v1/proposals/${id}`).set(bearer(firm1.token)).expect(200);
    expect(afterRevise.body).toMatchObject({
      version: 2,
      needsConfirmation: false,
      content: { price: 1_100_000_000, attachments: [] },
    });
    expect(sha256(canonicalJson(afterRevise.body.content))).toBe(revised.body.receipt.sha256);

    // A colleague in the same firm reads the receipts of every version.
    await createUser(ctx, { email: 'colleague@firm1.test.vn', role: 'enterprise', organizationId: firm1.id });
    const colleague = await login(ctx, 'colleague@firm1.test.vn');
    const receipts = await ctx.http.get(`/api/v1/proposals/${id}/receipt`).set(bearer(colleague)).expect(200);
    expect(receipts.body).toEqual({
      proposalId: id,
      problemId,
      status: 'submitted',
      receipts: [first.body.receipt, revised.body.receipt],
    });

    // Each submission notified the firm's members with the receipt, not the content.
    const notes = await ctx.dataSource.query(
      `SELECT body, data FROM notifications WHERE user_id = $1 AND kind = 'proposal.received' ORDER BY created_at`,
      [firm1.memberId],
    );
    expect(notes.map((n: { data: { sha256: string } }) => n.data.sha256)).toEqual([
      first.body.receipt.sha256,
      revised.body.receipt.sha256,
    ]);
    expect(JSON.stringify(notes)).not.toMatch(/LIFECYCLE|1250000000|1100000000/);

    const withdrawn = await ctx.http.post(`/api/v1/proposals/${id}/withdraw`).set(bearer(firm1.token)).expect(200);
    expect(withdrawn.body).toEqual({ id, status: 'withdrawn', withdrawnAt: expect.any(String) });
    expect((await ctx.http.post(`/api/v1/proposals/${id}/withdraw`).set(bearer(firm1.token)).expect(409)).body.code).toBe(
      'PROPOSAL_WITHDRAWN',
    );
    expect((await ctx.http.put(`/api/v1/proposals/${id}`).set(bearer(firm1.token)).send(body('X')).expect(409)).body.code).toBe(
      'PROPOSAL_WITHDRAWN',
    );

    const resubmitted = await submit(firm1.token, problemId, body('LIFECYCLE-AGAIN')).expect(201);
    expect(resubmitted.body.id).not.toBe(id);
    expect(resubmitted.body.version).toBe(1);

    const mine = await ctx.http.get('/api/v1/me/proposals').set(bearer(firm1.token)).expect(200);
    const forProblem = mine.body.items.filter((p: { problemId: string }) => p.problemId === problemId);
    expect(forProblem.map((p: { id: string; status: string }) => [p.id, p.status]).sort()).toEqual(
      [
        [id, 'withdrawn'],
        [resubmitted.body.id, 'submitted'],
      ].sort(),
    );

    // The audit trail has every step, with ids, version and hash only — held out of the log until
    // the proposals open, then appended in order.
    const auditOf = (proposalId: string) =>
      ctx.dataSource.query(`SELECT action, after FROM audit_log WHERE entity_id = $1 ORDER BY seq`, [proposalId]);
    expect(await auditOf(id)).toEqual([]);
    await ctx.dataSource.query(
      `UPDATE problems SET deadline = now() - receipt_grace - interval '1 second', clarification_deadline = now() - interval '1 day' WHERE id = $1`,
      [problemId],
    );
    expect(await ctx.app.get(ProblemDeadlinesService).close(problemId)).toBe('closed');
    expect(await auditOf(id)).toEqual([
      { action: 'proposal.submitted', after: { version: 1, sha256: first.body.receipt.sha256, amendmentNumber: 0 } },
      { action: 'proposal.revised', after: { version: 2, sha256: revised.body.receipt.sha256, amendmentNumber: 1 } },
      { action: 'proposal.withdrawn', after: { version: 2 } },
    ]);
  });

  describe('before the deadline', () => {
    const PHRASE = 'MẬT-THƯ-KỲ-LÂN-4471';
    const PRICE = 987_654_321;
    const FILE_NAME = 'bang-gia-ky-lan-4471.pdf';
    const FILE_PHRASE = 'NOI-DUNG-TEP-KY-LAN-4471';
    let problemId: string;
    let proposalId: string;
    let attachmentId: string;

    beforeAll(async () => {
      problemId = await createPublishedProblem(ctx, deptA, { title: 'Bài toán niêm phong VISIBLE-TITLE-991' });
      const att = await upload(firm1.token, problemId, PDF(FILE_PHRASE), FILE_NAME).expect(201);
      attachmentId = att.body.id;
      const res = await submit(
        firm1.token,
        problemId,
        body(PHRASE, { price: PRICE, attachmentIds: [attachmentId] }),
        'seal-key-1',
      ).expect(201);
      proposalId = res.body.id;
    });

    it('nobody but the firm can read the proposal, list or count the proposals, read a receipt or download an attachment', async () => {
      const probes = [
        `/api/v1/proposals/${proposalId}`,
        `/api/v1/problems/${problemId}/proposals`,
        `/api/v1/proposals/${proposalId}/receipt`,
        `/api/v1/proposals/${proposalId}/attachments/${attachmentId}`,
      ];
      for (const [who, token] of [
        ['officer of the department', deptA.token],
        ['officer of another department', deptB.token],
        ['evaluator', evaluatorToken],
        ['admin', adminToken],
      ]) {
        for (const path of probes) {
          const res = await ctx.http.get(path).set(bearer(token!));
          expect({ who, path, status: res.status, code: res.body.code }).toEqual({
            who,
            path,
            status: 403,
            code: 'PROPOSAL_SEALED',
          });
          expect(JSON.stringify(res.body)).not.toContain(PHRASE);
        }
      }

      // Another firm cannot tell the proposal from one that does not exist, and lists only its own.
      for (const path of [probes[0], probes[2], probes[3]]) {
        const res = await ctx.http.get(path!).set(bearer(firm2.token));
        expect({ path, status: res.status, code: res.body.code }).toEqual({ path, status: 404, code: 'PROPOSAL_NOT_FOUND' });
      }
      const missing = await ctx.http
        .get(`/api/v1/proposals/00000000-0000-4000-8000-000000000000`)
        .set(bearer(firm2.token))
        .expect(404);
      expect(missing.body.code).toBe('PROPOSAL_NOT_FOUND');
      const list = await ctx.http.get(probes[1]!).set(bearer(firm2.token)).expect(200);
      expect(list.body).toEqual({ items: [], nextCursor: null });
      const put = await ctx.http.put(`/api/v1/proposals/${proposalId}`).set(bearer(firm2.token)).send(body('HIJACK')).expect(404);
      expect(put.body.code).toBe('PROPOSAL_NOT_FOUND');
      const wd = await ctx.http.post(`/api/v1/proposals/${proposalId}/withdraw`).set(bearer(firm2.token)).expect(404);
      expect(wd.body.code).toBe('PROPOSAL_NOT_FOUND');
      // …nor cite its attachment.
      const stolen = await submit(firm2.token, problemId, body('THIEF', { attachmentIds: [attachmentId] })).expect(404);
      expect(stolen.body.code).toBe('ATTACHMENT_NOT_FOUND');
      // Staff cannot write to it either (role check).
      expect(
        (await ctx.http.put(`/api/v1/proposals/${proposalId}`).set(bearer(adminToken)).send(body('X')).expect(403)).body.code,
      ).toBe('ROLE_FORBIDDEN');

      // The problem's public page, where it exists, says nothing about bids.
      const page = await ctx.http.get(`/api/v1/problems/${problemId}`).set(bearer(deptA.token));
      if (page.status === 200) expect(JSON.stringify(page.body)).not.toMatch(/proposal|bid/i);

      // The firm itself reads everything.
      const own = await ctx.http.get(probes[0]!).set(bearer(firm1.token)).expect(200);
      expect(own.body.content.approach).toContain(PHRASE);
      expect(own.body.content.price).toBe(PRICE);
      const file = await ctx.http.get(probes[3]!).set(bearer(firm1.token)).buffer(true).expect(200);
      expect(Buffer.from(file.body as Buffer).equals(PDF(FILE_PHRASE))).toBe(true);
      const ownList = await ctx.http.get(probes[1]!).set(bearer(firm1.token)).expect(200);
      expect(ownList.body.items.map((p: { id: string }) => p.id)).toEqual([proposalId]);
    });

    it('a raw read of the database and of the stored files reveals no bid', async () => {
      const needles = [PHRASE, String(PRICE), FILE_NAME, FILE_PHRASE, 'bang-gia-ky-lan'];
      const tables = [
        'proposals',
        'proposal_versions',
        'proposal_attachments',
        'audit_log',
        'outbox',
        'notifications',
        'idempotency_keys',
        'problems',
      ];
      const columns = await ctx.dataSource.query<{ table_name: string; column_name: string }[]>(
        `SELECT table_name, column_name FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name = ANY($1) AND data_type IN ('text', 'bytea', 'jsonb', 'json', 'character', 'character varying', 'ARRAY')`,
        [tables],
      );
      const found: string[] = [];
      let scanned = 0;
      const haystacks: Buffer[] = [];
      for (const table of tables) {
        const cols = columns.filter((c) => c.table_name === table).map((c) => c.column_name);
        expect({ table, cols: cols.length > 0 }).toEqual({ table, cols: true });
        const rows = await ctx.dataSource.query<Record<string, unknown>[]>(
          `SELECT ${cols.map((c) => `"${c}"`).join(', ')} FROM ${table}`,
        );
        for (const row of rows) {
          for (const [col, value] of Object.entries(row)) {
            if (value === null) continue;
            const bytes = Buffer.isBuffer(value)
              ? value
              : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8');
            scanned += 1;
            haystacks.push(bytes);
            for (const needle of needles)
              if (bytes.includes(Buffer.from(needle, 'utf8'))) found.push(`${table}.${col} contains ${needle}`);
          }
        }
      }
      // The stored files, through whichever store is configured (PostgreSQL by default).
      const blobs = ctx.app.get<BlobStorage>(BLOB_STORAGE);
      const keys: string[] = [];
      for await (const item of blobs.list()) keys.push(item.key);
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) {
        const bytes = await blobs.get(key);
        for (const needle of needles)
          if (bytes.includes(Buffer.from(needle, 'utf8'))) found.push(`file ${key} contains ${needle}`);
        expect(key).not.toContain(problemId);
      }
      expect(found).toEqual([]);
      // The probe does find what is meant to be public, so an empty result means something.
      expect(scanned).toBeGreaterThan(20);
      expect(haystacks.some((h) => h.includes(Buffer.from('VISIBLE-TITLE-991', 'utf8')))).toBe(true);
      const versions = await ctx.dataSource.query(`SELECT count(*)::int AS n FROM proposal_versions WHERE proposal_id = $1`, [
        proposalId,
      ]);
      expect(versions[0].n).toBe(1);
    });
  });

  it('the deadline is kept by the database clock: 1 s before is accepted, 1 s after is refused; then the department opens the bids', async () => {
    const problemId = await createPublishedProblem(ctx, deptA, { deadlineIn: '1 hour' });
    const pdf = PDF('phu luc ky thuat');
    const att = await upload(firm1.token, problemId, pdf, 'Phụ lục kỹ thuật.pdf').expect(201);
    await setDeadline(ctx, problemId, '4 seconds');

    await waitUntilSecondsToDeadline(problemId, 1.0);
    const accepted = await submit(firm1.token, problemId, body('ON-TIME', { attachmentIds: [att.body.id] })).expect(201);
    const proposalId = accepted.body.id as string;

    await waitUntilSecondsToDeadline(problemId, -1.0);
    const late = await submit(firm2.token, problemId, body('LATE')).expect(409);
    expect(late.body.code).toBe('PROPOSAL_DEADLINE_PASSED');
    expect(
      (await ctx.http.put(`/api/v1/proposals/${proposalId}`).set(bearer(firm1.token)).send(body('LATE-REVISION')).expect(409))
        .body.code,
    ).toBe('PROPOSAL_DEADLINE_PASSED');
    expect((await ctx.http.post(`/api/v1/proposals/${proposalId}/withdraw`).set(bearer(firm1.token)).expect(409)).body.code).toBe(
      'PROPOSAL_DEADLINE_PASSED',
    );
    expect((await upload(firm2.token, problemId, pdf, 'late.pdf').expect(409)).body.code).toBe('PROPOSAL_DEADLINE_PASSED');
    const rows = await ctx.dataSource.query(`SELECT count(*)::int AS n FROM proposals WHERE problem_id = $1`, [problemId]);
    expect(rows[0].n).toBe(1);

    // Within the commit grace after the deadline nothing opens yet; after it the department's
    // officer reads the decrypted bid and its attachment.
    expect((await ctx.http.get(`/api/v1/proposals/${proposalId}`).set(bearer(deptA.token)).expect(403)).body.code).toBe(
      'PROPOSAL_SEALED',
    );
    await waitUntilSecondsToDeadline(problemId, -2.2);
    const read = await ctx.http.get(`/api/v1/proposals/${proposalId}`).set(bearer(deptA.token)).expect(200);
    expect(read.body.content).toMatchObject({ approach: body('ON-TIME').approach, price: 1_250_000_000 });
    expect(sha256(canonicalJson(read.body.content))).toBe(accepted.body.receipt.sha256);
    expect(read.body.enterprise).toEqual({ id: firm1.id, legalName: 'Công ty Cổ phần Phần mềm Cảng Xanh' });
    const list = await ctx.http.get(`/api/v1/problems/${problemId}/proposals`).set(bearer(deptA.token)).expect(200);
    expect(list.body.items.map((p: { id: string }) => p.id)).toEqual([proposalId]);
    const file = await ctx.http
      .get(`/api/v1/proposals/${proposalId}/attachments/${att.body.id}`)
      .set(bearer(deptA.token))
      .buffer(true)
      .expect(200);
    expect(Buffer.from(file.body as Buffer).equals(pdf)).toBe(true);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(file.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('Phụ lục kỹ thuật.pdf')}`);
    await ctx.http.get(`/api/v1/proposals/${proposalId}`).set(bearer(adminToken)).expect(200);

    // An officer of another department, an evaluator without a panel, and another firm still cannot.
    for (const [token, code] of [
      [deptB.token, 'FORBIDDEN'],
      [evaluatorToken, 'NOT_ON_PANEL'],
    ]) {
      expect((await ctx.http.get(`/api/v1/proposals/${proposalId}`).set(bearer(token!)).expect(403)).body.code).toBe(code);
      await ctx.http.get(`/api/v1/proposals/${proposalId}/attachments/${att.body.id}`).set(bearer(token!)).expect(403);
      await ctx.http.get(`/api/v1/problems/${problemId}/proposals`).set(bearer(token!)).expect(403);
    }
    await ctx.http.get(`/api/v1/proposals/${proposalId}`).set(bearer(firm2.token)).expect(404);
  });

  /**
   * Parks the next bid action on a lock of the problem's row (held by a second session), so it is
   * received, passes its up-front check and then waits; `release` lets it go on. Inserting a
   * proposal (foreign key) or making the problem key needs that row.
   */
  async function holdProblemRow(problemId: string) {
    // Its own connections, outside the app's pool: the parked requests may take every pooled one.
    const blocker = new Client({ connectionString: process.env.DATABASE_URL });
    const watcher = new Client({ connectionString: process.env.DATABASE_URL });
    await blocker.connect();
    await watcher.connect();
    await blocker.query('BEGIN');
    await blocker.query(`SELECT id FROM problems WHERE id = $1 FOR UPDATE`, [problemId]);
    let released = false;
    return {
      /** Database queries that do not need the app's pool. */
      rowsOf: (async (sql, params) => (await watcher.query<{ s: number }>(sql, params)).rows) as RowsOf,
      async untilWaiting(n = 1) {
        for (let i = 0; ; i++) {
          const waiting = await watcher.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted`);
          if (waiting.rows[0]!.n >= n) return;
          if (i > 400) throw new Error(`only ${waiting.rows[0]!.n} of ${n} bid actions reached the lock`);
          await sleep(25);
        }
      },
      async release() {
        if (released) return;
        released = true;
        await blocker.query('COMMIT');
        await blocker.end();
        await watcher.end();
      },
    };
  }

  it('a submission received in time but committing after deadline + grace is refused at COMMIT, and leaves nothing', async () => {
    const problemId = await createPublishedProblem(ctx, deptA, { deadlineIn: '1 hour' });
    await setDeadline(ctx, problemId, '2 seconds');
    const hold = await holdProblemRow(problemId);
    try {
      const pending = submit(firm2.token, problemId, body('COMMITS-LATE'), 'late-commit-key').then((r) => r);
      await hold.untilWaiting();
      const inserted = await ctx.dataSource.query(`SELECT count(*)::int AS n FROM proposals WHERE problem_id = $1`, [problemId]);
      expect(inserted[0].n).toBe(0); // not visible: not committed yet
      // Past the deadline and the 2 s grace after it.
      await waitUntilSecondsToDeadline(problemId, -2.3, hold.rowsOf);
      await hold.release();
      const res = await pending;
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 409, code: 'PROPOSAL_DEADLINE_PASSED' });
    } finally {
      await hold.release();
    }
    const left = await ctx.dataSource.query(
      `SELECT (SELECT count(*) FROM proposals WHERE problem_id = $1)::int AS proposals,
              (SELECT count(*) FROM idempotency_keys WHERE key = 'late-commit-key')::int AS keys,
              (SELECT count(*) FROM audit_sealed WHERE ref = $1)::int AS held`,
      [problemId],
    );
    expect(left[0]).toEqual({ proposals: 0, keys: 0, held: 0 });
  });

  it('bids received before the deadline count even when they queue past it: a burst from 12 firms is accepted, received times before the deadline', async () => {
    const problemId = await createPublishedProblem(ctx, deptA, { deadlineIn: '1 hour' });
    const firms = [firm1, firm2];
    for (let i = 0; i < 10; i++) {
      firms.push(await createVerifiedEnterprise(ctx, { legalName: `Công ty Burst ${i}` }));
    }
    await setDeadline(ctx, problemId, '2 seconds');
    const hold = await holdProblemRow(problemId);
    let results: request.Response[];
    try {
      await waitUntilSecondsToDeadline(problemId, 0.6);
      // Sent in the last 0.6 s before the deadline; they queue behind the held row (up to the
      // pool's 10 connections) or for a connection (the rest).
      const pending = firms.map((f, i) => submit(f.token, problemId, body(`BURST-${i}`)).then((r) => r));
      await hold.untilWaiting(Math.min(firms.length, Number(process.env.DATABASE_POOL_SIZE ?? 10)));
      await waitUntilSecondsToDeadline(problemId, -0.3, hold.rowsOf); // the deadline has passed while they wait
      await hold.release();
      results = await Promise.all(pending);
    } finally {
      await hold.release();
    }
    expect(results.map((r) => r.status)).toEqual(firms.map(() => 201));
    const [{ deadline }] = await ctx.dataSource.query(`SELECT deadline FROM problems WHERE id = $1`, [problemId]);
    for (const r of results) expect(instant(r.body.receipt.submittedAt)).toBeLessThan(instant(deadline));
    // Received after the deadline (still inside the grace): refused.
    const late = await submit(firm1.token, problemId, body('AFTER')).expect(409);
    expect(late.body.code).toBe('PROPOSAL_DEADLINE_PASSED');
    // During the grace the department still cannot open anything: a bid may yet commit.
    expect((await ctx.http.get(`/api/v1/problems/${problemId}/proposals`).set(bearer(deptA.token)).expect(403)).body.code).toBe(
      'PROPOSAL_SEALED',
    );
    const rows = await ctx.dataSource.query(`SELECT count(*)::int AS n FROM proposals WHERE problem_id = $1`, [problemId]);
    expect(rows[0].n).toBe(firms.length);
  });

  it('Idempotency-Key: a retry returns the same receipt and makes no new version; another body with the key is refused', async () => {
    const problemId = await createPublishedProblem(ctx, deptA);
    const first = await submit(firm2.token, problemId, body('IDEM'), 'key-123').expect(201);
    const retry = await submit(firm2.token, problemId, body('IDEM'), 'key-123').expect(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    const reused = await submit(firm2.token, problemId, body('IDEM', { price: 1 }), 'key-123').expect(422);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');

    const put = (key: string, price: number) =>
      ctx.http
        .put(`/api/v1/proposals/${first.body.id}`)
        .set(bearer(firm2.token))
        .set('Idempotency-Key', key)
        .send(body('IDEM', { price }));
    const r1 = await put('rev-1', 900_000_000).expect(200);
    const r2 = await put('rev-1', 900_000_000).expect(200);
    expect(r2.body).toEqual(r1.body);
    expect(r1.body.version).toBe(2);
    // The same key on another endpoint is another request.
    expect((await submit(firm2.token, problemId, body('IDEM'), 'rev-1').expect(422)).body.code).toBe('IDEMPOTENCY_KEY_REUSED');

    const versions = await ctx.dataSource.query(`SELECT count(*)::int AS n FROM proposal_versions WHERE proposal_id = $1`, [
      first.body.id,
    ]);
    expect(versions[0].n).toBe(2);
    const stored = await ctx.dataSource.query(`SELECT response FROM idempotency_keys WHERE key = 'key-123'`);
    expect(stored[0].response).toEqual(first.body);

    expect((await submit(firm2.token, problemId, body('IDEM'), 'x'.repeat(201)).expect(400)).body.code).toBe('VALIDATION_FAILED');
  });

  it('concurrent duplicates never make two proposals or two versions', async () => {
    const problemId = await createPublishedProblem(ctx, deptA);
    const same = await Promise.all(Array.from({ length: 6 }, () => submit(firm1.token, problemId, body('RACE'), 'race-key')));
    expect(same.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 201]);
    expect(new Set(same.map((r) => r.body.id)).size).toBe(1);

    const problem2 = await createPublishedProblem(ctx, deptA);
    const distinct = await Promise.all(Array.from({ length: 4 }, () => submit(firm1.token, problem2, body('RACE-NO-KEY'))));
    expect(distinct.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
    expect(distinct.filter((r) => r.status === 409).every((r) => r.body.code === 'PROPOSAL_EXISTS')).toBe(true);

    const counts = await ctx.dataSource.query(
      `SELECT p.problem_id, count(DISTINCT p.id)::int AS proposals, count(v.*)::int AS versions
       FROM proposals p JOIN proposal_versions v ON v.proposal_id = p.id WHERE p.problem_id = ANY($1) GROUP BY p.problem_id`,
      [[problemId, problem2]],
    );
    expect(counts.map((c: { proposals: number; versions: number }) => [c.proposals, c.versions])).toEqual([
      [1, 1],
      [1, 1],
    ]);
  });

  it('a suspension decided while a bid is in flight wins: the bid waits for it and is refused; the suspended firm cannot revise', async () => {
    const firm = await createVerifiedEnterprise(ctx, { legalName: 'Công ty TNHH Đình Chỉ Giữa Chừng' });
    const earlier = await submit(firm.token, await createPublishedProblem(ctx, deptA), body('BEFORE')).expect(201);
    const problemId = await createPublishedProblem(ctx, deptA);
    // An admin's suspension, not yet committed, holds the firm's row (its own connection).
    const admin = new Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    try {
      await admin.query('BEGIN');
      await admin.query(`UPDATE enterprises SET status = 'suspended', status_reason = 'Đang xác minh' WHERE id = $1`, [firm.id]);
      const inFlight = submit(firm.token, problemId, body('IN-FLIGHT')).then((r) => r);
      // The bid reads the firm FOR SHARE, so it waits for the suspension instead of slipping by.
      for (let i = 0; ; i++) {
        const [{ n }] = (await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted`)).rows as [
          { n: number },
        ];
        if (n > 0) break;
        if (i > 400) throw new Error('the bid never waited for the firm row');
        await sleep(25);
      }
      await admin.query('COMMIT');
      const refused = await inFlight;
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ code: 'ENTERPRISE_NOT_VERIFIED', details: { status: 'suspended' } });
    } finally {
      await admin.end();
    }
    const left = await ctx.dataSource.query(`SELECT count(*)::int AS n FROM proposals WHERE problem_id = $1`, [problemId]);
    expect(left[0].n).toBe(0);
    const revise = await ctx.http.put(`/api/v1/proposals/${earlier.body.id}`).set(bearer(firm.token)).send(body('AFTER'));
    expect(revise.status).toBe(403);
    expect(revise.body.code).toBe('ENTERPRISE_NOT_VERIFIED');
  });

  it('only members of verified firms submit, to published problems, with valid bodies', async () => {
    const problemId = await createPublishedProblem(ctx, deptA);
    const unverified = await submit(pending.token, problemId, body('PENDING')).expect(403);
    expect(unverified.body.code).toBe('ENTERPRISE_NOT_VERIFIED');
    expect((await upload(pending.token, problemId, PDF('x'), 'x.pdf').expect(403)).body.code).toBe('ENTERPRISE_NOT_VERIFIED');
    for (const token of [deptA.token, evaluatorToken, adminToken]) {
      expect((await submit(token, problemId, body('STAFF')).expect(403)).body.code).toBe('ROLE_FORBIDDEN');
    }

    const draft = await createPublishedProblem(ctx, deptA, { status: 'draft' });
    expect((await submit(firm1.token, draft, body('DRAFT')).expect(404)).body.code).toBe('PROBLEM_NOT_FOUND');
    const cancelled = await createPublishedProblem(ctx, deptA, { status: 'cancelled' });
    expect((await submit(firm1.token, cancelled, body('CANCELLED')).expect(409)).body.code).toBe('PROBLEM_NOT_OPEN');
    const closed = await createPublishedProblem(ctx, deptA, { status: 'closed', deadlineIn: '-1 hour' });
    expect((await submit(firm1.token, closed, body('CLOSED')).expect(409)).body.code).toBe('PROPOSAL_DEADLINE_PASSED');
    expect((await submit(firm1.token, '00000000-0000-4000-8000-000000000000', body('NONE')).expect(404)).body.code).toBe(
      'PROBLEM_NOT_FOUND',
    );

    for (const bad of [
      { price: 0 },
      { price: 1.5 },
      { price: '100' },
      { durationMonths: 0 },
      { approach: '' },
      { extra: true },
      { references: [{ title: 'x' }] },
      { attachmentIds: ['nope'] },
    ]) {
      const res = await submit(firm1.token, problemId, body('BAD', bad));
      expect({ bad, status: res.status, code: res.body.code }).toEqual({ bad, status: 400, code: 'VALIDATION_FAILED' });
    }
    const count = await ctx.dataSource.query(`SELECT count(*)::int AS n FROM proposals WHERE problem_id = $1`, [problemId]);
    expect(count[0].n).toBe(0);
  });

  it('attachments are recognised by content, bounded in size, and stored encrypted', async () => {
    const problemId = await createPublishedProblem(ctx, deptA);
    const renamedText = await upload(
      firm1.token,
      problemId,
      Buffer.from('just some text pretending to be a PDF'),
      'report.pdf',
    ).expect(415);
    expect(renamedText.body.code).toBe('ATTACHMENT_TYPE_NOT_ALLOWED');
    const exe = await upload(
      firm1.token,
      problemId,
      Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00PE\x00\x00'),
      'tender.pdf',
    ).expect(415);
    expect(exe.body.code).toBe('ATTACHMENT_TYPE_NOT_ALLOWED');
    const png = await upload(
      firm1.token,
      problemId,
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]),
      'so-do.pdf',
      'application/pdf',
    ).expect(201);
    expect(png.body.mediaType).toBe('image/png'); // the bytes decide, not the name or the declared type

    const tooBig = await upload(
      firm1.token,
      problemId,
      Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(256 * 1024)]),
      'big.pdf',
    ).expect(413);
    expect(tooBig.body.code).toBe('ATTACHMENT_TOO_LARGE');
    const noFile = await ctx.http.post(`/api/v1/problems/${problemId}/attachments`).set(bearer(firm1.token)).send({}).expect(400);
    expect(noFile.body.code).toBe('VALIDATION_FAILED');

    const rows = await ctx.dataSource.query(`SELECT storage_key, size_bytes FROM proposal_attachments WHERE id = $1`, [
      png.body.id,
    ]);
    const stored = await ctx.app.get<BlobStorage>(BLOB_STORAGE).get(rows[0].storage_key);
    expect(stored.length).toBe(rows[0].size_bytes);
    expect(stored.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]))).toBe(false);
  });
});
