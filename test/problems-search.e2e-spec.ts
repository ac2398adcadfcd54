import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { ProblemSearchService } from '@app/problems';
import { createDepartmentWithOfficer, createVerifiedEnterprise, TestDepartment, TestFirm } from './factories';
import { bearer, eventually, startApp, TestContext } from './harness';

const DAY = 24 * 3600 * 1000;
const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString();
const RUBRIC = {
  passMark: 50,
  criteria: [
    { key: 'solution', name: 'Giải pháp', weight: 70 },
    { key: 'price', name: 'Giá', weight: 30 },
  ],
};

function body(overrides: Record<string, unknown>) {
  return {
    summary: 'Tóm tắt',
    description: 'Mô tả hiện trạng',
    expectedResults: 'Kết quả',
    tags: [],
    deadline: inDays(20),
    rubric: RUBRIC,
    ...overrides,
  };
}

const ids = (res: { body: { items: { id: string }[] } }) => res.body.items.map((i) => i.id);

describe('problems: search, matching, subscriptions, invitations, follows', () => {
  let ctx: TestContext;
  let deptA: TestDepartment;
  let deptB: TestDepartment;
  let port: TestFirm;
  let tour: TestFirm;
  let health: TestFirm;
  let pending: TestFirm;
  let p1: string; // port traffic, deptA
  let p2: string; // tourism, deptB
  let p3: string; // schools, deptA

  async function publish(token: string, fields: Record<string, unknown>): Promise<string> {
    const created = await ctx.http.post('/api/v1/problems').set(bearer(token)).send(body(fields)).expect(201);
    await ctx.http.post(`/api/v1/problems/${created.body.id}/publish`).set(bearer(token)).expect(200);
    return created.body.id as string;
  }

  async function matchingFor(firm: TestFirm): Promise<string[]> {
    const res = await ctx.http.get('/api/v1/me/notifications?limit=100').set(bearer(firm.token)).expect(200);
    return res.body.items
      .filter((n: { kind: string }) => n.kind === 'problem.matching')
      .map((n: { data: { problemId: string } }) => n.data.problemId);
  }

  beforeAll(async () => {
    ctx = await startApp({ worker: true });
    deptA = await createDepartmentWithOfficer(ctx, 'Sở Giao thông Vận tải');
    deptB = await createDepartmentWithOfficer(ctx, 'Sở Du lịch');
    port = await createVerifiedEnterprise(ctx, {
      legalName: 'Công ty Logistics Cảng Xanh',
      sectors: ['logistics_seaport'],
      tags: ['Giao thông', 'IoT'],
      areaCode: '11560',
    });
    tour = await createVerifiedEnterprise(ctx, {
      legalName: 'Công ty Du lịch Số',
      sectors: ['smart_tourism'],
      tags: ['du lịch'],
      areaCode: '11557',
    });
    health = await createVerifiedEnterprise(ctx, { legalName: 'Công ty Y tế Số', sectors: ['health'] });
    pending = await createVerifiedEnterprise(ctx, { status: 'pending', sectors: ['logistics_seaport'], tags: ['giao thông'] });
  });
  afterAll(() => ctx.close());

  it('firms keep subscriptions to sectors and keywords; publishing notifies the matching ones from one background job', async () => {
    const put = await ctx.http
      .put('/api/v1/me/subscriptions')
      .set(bearer(port.token))
      .send({ sectors: ['logistics_seaport'], keywords: [] })
      .expect(200);
    expect(put.body).toMatchObject({ sectors: ['logistics_seaport'], keywords: [] });
    // A keyword without accents matches the accented text.
    await ctx.http
      .put('/api/v1/me/subscriptions')
      .set(bearer(tour.token))
      .send({ sectors: [], keywords: ['dinh vu'] })
      .expect(200);
    await ctx.http
      .put('/api/v1/me/subscriptions')
      .set(bearer(health.token))
      .send({ sectors: ['health'], keywords: ['bệnh viện'] })
      .expect(200);
    expect((await ctx.http.get('/api/v1/me/subscriptions').set(bearer(tour.token)).expect(200)).body).toMatchObject({
      sectors: [],
      keywords: ['dinh vu'],
    });
    await ctx.http
      .put('/api/v1/me/subscriptions')
      .set(bearer(port.token))
      .send({ sectors: ['mining'], keywords: [] })
      .expect(400);
    await ctx.http.put('/api/v1/me/subscriptions').set(bearer(deptA.token)).send({ sectors: [], keywords: [] }).expect(403);

    p1 = await publish(deptA.token, {
      title: 'Điều phối giao thông thông minh khu vực cảng Đình Vũ',
      sector: 'logistics_seaport',
      tags: ['giao thông', 'AI'],
      areaCode: '11560',
      budgetCeiling: 800_000_000,
      deadline: inDays(20),
    });
    p2 = await publish(deptB.token, {
      title: 'Bản đồ du lịch số Cát Bà',
      sector: 'smart_tourism',
      tags: ['du lịch'],
      areaCode: '11557',
      budgetCeiling: 300_000_000,
      deadline: inDays(15),
    });
    p3 = await publish(deptA.token, { title: 'Số hóa hồ sơ trường học', sector: 'education', deadline: inDays(30) });
    // Publishing wrote one fan-out job per problem, not one per recipient.
    const fanOut = await ctx.dataSource.query(
      `SELECT count(*)::int AS n FROM outbox WHERE job_name = 'notify-matching-subscribers'`,
    );
    expect(fanOut[0].n).toBe(3);

    await eventually(async () => (await matchingFor(port)).includes(p1) && (await matchingFor(tour)).includes(p1));
    // Let the other fan-out jobs finish before asserting who was not told.
    const queue = ctx.worker!.get<Queue>(getQueueToken('problems'), { strict: false });
    await eventually(async () => {
      const [{ n }] = await ctx.dataSource.query(`SELECT count(*)::int AS n FROM outbox WHERE dispatched_at IS NULL`);
      const counts = await queue.getJobCounts('waiting', 'active');
      return n === 0 && counts.waiting === 0 && counts.active === 0;
    });
    expect(await matchingFor(port)).toEqual([p1]);
    expect(await matchingFor(tour)).toEqual([p1]);
    expect(await matchingFor(health)).toEqual([]);
    expect(await matchingFor(pending)).toEqual([]); // not subscribed
  });

  it('searches accent-insensitively, in any case, with Đ matching D', async () => {
    const search = (q: string) => ctx.http.get('/api/v1/problems').query({ q }).expect(200);
    expect(ids(await search('giao thong'))).toEqual([p1]);
    expect(ids(await search('GIAO THÔNG'))).toEqual([p1]);
    expect(ids(await search('Dinh Vu'))).toEqual([p1]);
    expect(ids(await search('đình vũ'))).toEqual([p1]);
    expect(ids(await search('du lich cat ba'))).toEqual([p2]);
    expect(ids(await search('cat ba du lich'))).toEqual([p2]); // words in any order
    expect(ids(await search('vu dinh giao thong'))).toEqual([p1]);
    expect(ids(await search('thôn'))).toEqual([p1]); // the start of a word, through the full-text index
    // Parts of words no word starts with: nothing by words, so the trigram fallback answers.
    const parts = await search('iao thon');
    expect(ids(parts)).toEqual([p1]);
    expect(parts.body.items[0].relevance).toBeGreaterThan(0);
    expect(ids(await search('đường sắt'))).toEqual([]);
    expect((await search('giao thong')).body.items[0]).toMatchObject({
      title: 'Điều phối giao thông thông minh khu vực cảng Đình Vũ',
      relevance: expect.any(Number),
    });
  });

  it('filters by sector, department, area, budget, deadline and status', async () => {
    const list = async (query: Record<string, string | number>) =>
      ids(await ctx.http.get('/api/v1/problems').query(query).expect(200)).sort();
    expect(await list({ sector: 'smart_tourism' })).toEqual([p2]);
    expect(await list({ departmentId: deptB.id })).toEqual([p2]);
    expect(await list({ departmentId: deptA.id })).toEqual([p1, p3].sort());
    expect(await list({ areaCode: '11560' })).toEqual([p1]);
    expect(await list({ budgetMin: 500_000_000 })).toEqual([p1]);
    expect(await list({ budgetMax: 500_000_000 })).toEqual([p2]);
    expect(await list({ deadlineFrom: inDays(25) })).toEqual([p3]);
    expect(await list({ deadlineTo: inDays(18) })).toEqual([p2]);
    expect(await list({ q: 'giao thong', sector: 'smart_tourism' })).toEqual([]);
    expect(await list({ status: 'closed' })).toEqual([]);
    await ctx.dataSource.query(`UPDATE problems SET status = 'closed', closed_at = now() WHERE id = $1`, [p3]);
    expect(await list({ status: 'closed' })).toEqual([p3]);
    expect(await list({})).toEqual([p1, p2].sort());
    await ctx.dataSource.query(`UPDATE problems SET status = 'published', closed_at = NULL WHERE id = $1`, [p3]);
    await ctx.http.get('/api/v1/problems').query({ status: 'open' }).expect(400);
    await ctx.http.get('/api/v1/problems').query({ budgetMin: 'lots' }).expect(400);
    await ctx.http.get('/api/v1/problems').query({ limit: 101 }).expect(400);
  });

  it('pages with a stable cursor in every sort order', async () => {
    for (const [sort, expected] of [
      ['deadline', [p2, p1, p3]],
      ['newest', [p3, p2, p1]],
    ] as const) {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const res = await ctx.http
          .get('/api/v1/problems')
          .query({ sort, limit: 1, ...(cursor ? { cursor } : {}) })
          .expect(200);
        seen.push(...ids(res));
        cursor = res.body.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual(expected);
    }
    const first = await ctx.http.get('/api/v1/problems').query({ sort: 'deadline', limit: 1 }).expect(200);
    const wrong = await ctx.http.get('/api/v1/problems').query({ sort: 'newest', cursor: first.body.nextCursor }).expect(400);
    expect(wrong.body.code).toBe('INVALID_CURSOR');
    expect((await ctx.http.get('/api/v1/problems').query({ cursor: 'garbage' }).expect(400)).body.code).toBe('INVALID_CURSOR');
  });

  it('recommends open problems to a firm by fit, and says why', async () => {
    const forPort = await ctx.http.get('/api/v1/me/recommended-problems').set(bearer(port.token)).expect(200);
    expect(forPort.body.items[0]).toMatchObject({
      id: p1,
      reasons: { sectorMatch: true, matchedTags: ['giao thông'], sameArea: true },
    });
    expect(forPort.body.items[0].score).toBeGreaterThan(forPort.body.items[1].score);
    const forTour = await ctx.http.get('/api/v1/me/recommended-problems').set(bearer(tour.token)).expect(200);
    expect(forTour.body.items[0]).toMatchObject({
      id: p2,
      reasons: { sectorMatch: true, matchedTags: ['du lịch'], sameArea: true },
    });
    await ctx.http.get('/api/v1/me/recommended-problems').set(bearer(deptA.token)).expect(403);
  });

  it('suggests verified firms to the department and lets it invite them once; other departments are refused', async () => {
    const suggested = await ctx.http.get(`/api/v1/problems/${p1}/suggested-enterprises`).set(bearer(deptA.token)).expect(200);
    expect(suggested.body.items[0]).toMatchObject({
      enterpriseId: port.id,
      invited: false,
      reasons: { sectorMatch: true, matchedTags: ['Giao thông'] },
    });
    expect(suggested.body.items.map((e: { enterpriseId: string }) => e.enterpriseId)).not.toContain(pending.id);

    const foreign = await ctx.http.get(`/api/v1/problems/${p1}/suggested-enterprises`).set(bearer(deptB.token)).expect(403);
    expect(foreign.body.code).toBe('PROBLEM_FORBIDDEN');
    await ctx.http.get(`/api/v1/problems/${p1}/suggested-enterprises`).set(bearer(port.token)).expect(403);
    const foreignInvite = await ctx.http
      .post(`/api/v1/problems/${p1}/invitations`)
      .set(bearer(deptB.token))
      .send({ enterpriseIds: [port.id] })
      .expect(403);
    expect(foreignInvite.body.code).toBe('PROBLEM_FORBIDDEN');
    const notVerified = await ctx.http
      .post(`/api/v1/problems/${p1}/invitations`)
      .set(bearer(deptA.token))
      .send({ enterpriseIds: [port.id, pending.id] })
      .expect(403);
    expect(notVerified.body).toMatchObject({ code: 'ENTERPRISE_NOT_VERIFIED', details: { enterpriseIds: [pending.id] } });

    const first = await ctx.http
      .post(`/api/v1/problems/${p1}/invitations`)
      .set(bearer(deptA.token))
      .send({ enterpriseIds: [port.id, tour.id], message: 'Mời quý công ty tham gia' })
      .expect(201);
    expect(first.body.invited.sort()).toEqual([port.id, tour.id].sort());
    const again = await ctx.http
      .post(`/api/v1/problems/${p1}/invitations`)
      .set(bearer(deptA.token))
      .send({ enterpriseIds: [port.id] })
      .expect(201);
    expect(again.body).toEqual({ invited: [], alreadyInvited: [port.id] });
    const notes = (await ctx.http.get('/api/v1/me/notifications?limit=100').set(bearer(port.token)).expect(200)).body.items;
    expect(notes.filter((n: { kind: string }) => n.kind === 'problem.invitation')).toHaveLength(1);
    const after = await ctx.http.get(`/api/v1/problems/${p1}/suggested-enterprises`).set(bearer(deptA.token)).expect(200);
    expect(after.body.items.find((e: { enterpriseId: string }) => e.enterpriseId === port.id).invited).toBe(true);
  });

  it('firms follow and unfollow problems they can see', async () => {
    await ctx.http.post(`/api/v1/problems/${p2}/follow`).set(bearer(port.token)).expect(200);
    await ctx.http.post(`/api/v1/problems/${p2}/follow`).set(bearer(port.token)).expect(200); // idempotent
    const rows = await ctx.dataSource.query(`SELECT enterprise_id FROM problem_followers WHERE problem_id = $1`, [p2]);
    expect(rows).toEqual([{ enterprise_id: port.id }]);
    const state = async () => (await ctx.http.get(`/api/v1/problems/${p2}/follow`).set(bearer(port.token)).expect(200)).body;
    expect(await state()).toEqual({ problemId: p2, following: true });
    await ctx.http.delete(`/api/v1/problems/${p2}/follow`).set(bearer(port.token)).expect(200);
    expect(await ctx.dataSource.query(`SELECT 1 FROM problem_followers WHERE problem_id = $1`, [p2])).toEqual([]);
    expect(await state()).toEqual({ problemId: p2, following: false });
    const draft = await ctx.http
      .post('/api/v1/problems')
      .set(bearer(deptA.token))
      .send(body({ title: 'Bản nháp', sector: 'ict' }))
      .expect(201);
    await ctx.http.post(`/api/v1/problems/${draft.body.id}/follow`).set(bearer(port.token)).expect(404);
    await ctx.http.get(`/api/v1/problems/${draft.body.id}/follow`).set(bearer(port.token)).expect(404);
    await ctx.http.post(`/api/v1/problems/${p2}/follow`).set(bearer(deptA.token)).expect(403);
    await ctx.http.get(`/api/v1/problems/${p2}/follow`).set(bearer(deptA.token)).expect(403);
    await ctx.http.get(`/api/v1/problems/${p2}/follow`).expect(401);
  });

  it('search uses the indexes on 10,000+ problems (EXPLAIN)', async () => {
    await ctx.dataSource.query(
      `INSERT INTO problems (department_id, created_by, status, title, summary, description, expected_results, sector,
                             deadline, clarification_deadline, rubric, published_at, budget_ceiling)
       SELECT $1, $2, CASE WHEN i % 10 = 0 THEN 'closed' ELSE 'published' END, 'Bài toán số ' || i || ' ' || md5(i::text),
              'Tóm tắt ' || md5((i * 7)::text), 'Mô tả ' || md5((i * 13)::text), 'Kết quả', (ARRAY['ict','health','education','environment'])[1 + i % 4],
              now() + (i || ' minutes')::interval + interval '10 days', now() + (i || ' minutes')::interval + interval '5 days',
              $3::jsonb, now() - (i || ' seconds')::interval, 1000000 * (1 + i % 500)
         FROM generate_series(1, 12000) AS i`,
      [deptA.id, deptA.officerId, JSON.stringify(RUBRIC)],
    );
    // A bulk insert leaves the GIN indexes' pending lists full, which the planner rightly prices high;
    // autovacuum flushes them in production, the test does it at once.
    await ctx.dataSource.query('VACUUM ANALYZE problems');
    const search = ctx.app.get(ProblemSearchService);
    const text = (await search.explain(undefined, { q: 'giao thong' })).join('\n');
    expect(text).toMatch(/Bitmap Index Scan on problems_search_(vector|trgm)_idx/);
    expect(text).not.toMatch(/Seq Scan on problems/);
    const byDeadline = (await search.explain(undefined, { sort: 'deadline' })).join('\n');
    expect(byDeadline).toMatch(/Index Scan using problems_status_deadline_idx/);
    const newest = (await search.explain(undefined, {})).join('\n');
    expect(newest).toMatch(/Index Scan using problems_status_published_idx/);
    // And the answer is still right among them.
    expect(ids(await ctx.http.get('/api/v1/problems').query({ q: 'giao thong' }).expect(200))).toEqual([p1]);
  });
});
