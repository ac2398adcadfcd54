import { assertVerifiedEnterprise } from '@app/enterprises';
import { bearer, createDepartment, createUser, eventually, login, startApp, TestContext } from './harness';
import {
  changeStatus,
  countRows,
  daysBefore,
  ensureAreas,
  acceptInvitation,
  mailsTo,
  registerFirm,
  RegisteredFirm,
  vnToday,
} from './enterprise-fixtures';

const startedAt = Date.now();

describe('enterprise verification: dated transitions, activity deltas, mails', () => {
  let ctx: TestContext;
  let admin: string;
  let adminId: string;
  let officer: string;
  const today = vnToday();

  /** The indicator's aggregate rows, as plain tuples. */
  const deltas = async () =>
    (
      await ctx.dataSource.query<{ dimension: string; key: string; day: string; delta: number }[]>(
        `SELECT dimension, key, day::text AS day, delta FROM enterprise_activity_deltas ORDER BY dimension, key, day`,
      )
    ).map((r) => `${r.dimension}:${r.key}@${r.day}=${r.delta}`);

  const historyOf = async (id: string) =>
    (
      await ctx.dataSource.query<{ from_status: string | null; to_status: string; day: string; reason: string | null }[]>(
        `SELECT from_status, to_status, effective_date::text AS day, reason FROM enterprise_status_history WHERE enterprise_id = $1 ORDER BY id`,
        [id],
      )
    ).map((r) => `${r.from_status ?? '∅'}→${r.to_status}@${r.day}${r.reason ? ` (${r.reason})` : ''}`);

  /** A firm that registered `days` ago: its first history row is moved back, as if it had. */
  const registeredDaysAgo = async (days: number, enterprise: Record<string, unknown> = {}): Promise<RegisteredFirm> => {
    const firm = await registerFirm(ctx, { enterprise });
    await ctx.dataSource.query(`UPDATE enterprise_status_history SET effective_date = $2 WHERE enterprise_id = $1`, [
      firm.id,
      daysBefore(today, days),
    ]);
    await ctx.dataSource.query(`UPDATE enterprises SET status_effective_date = $2 WHERE id = $1`, [
      firm.id,
      daysBefore(today, days),
    ]);
    return firm;
  };

  beforeAll(async () => {
    ctx = await startApp({ worker: true });
    await ensureAreas(ctx);
    adminId = await createUser(ctx, { email: 'admin@test.vn', role: 'admin' });
    await createUser(ctx, { email: 'officer@test.vn', role: 'officer', organizationId: await createDepartment(ctx) });
    admin = await login(ctx, 'admin@test.vn');
    officer = await login(ctx, 'officer@test.vn');
  });
  afterAll(() => ctx.close());

  it('only admins decide: the owner and an officer calling verify get 403 and nothing changes', async () => {
    const firm = await registerFirm(ctx);
    const owner = await login(ctx, firm.ownerEmail);
    for (const token of [owner, officer]) {
      const res = await changeStatus(ctx, token, firm.id, 'verify').expect(403);
      expect(res.body.code).toBe('ROLE_FORBIDDEN');
    }
    const [row] = await ctx.dataSource.query(`SELECT status FROM enterprises WHERE id = $1`, [firm.id]);
    expect(row.status).toBe('pending');
    expect(await historyOf(firm.id)).toEqual([`∅→pending@${today}`]);
    expect(await deltas()).toEqual([]);
    await ctx.http.post(`/api/v1/enterprises/${firm.id}/verify`).expect(401);
  });

  it('walks the whole active life of a firm, dated, with the deltas the indicator sums', async () => {
    const firm = await registeredDaysAgo(40, { sectors: ['ict', 'health'], areaCode: '11560' });
    const d = (n: number) => daysBefore(today, n);

    // verified, backdated to 30 days ago
    const verified = await changeStatus(ctx, admin, firm.id, 'verify', { effectiveDate: d(30) }).expect(200);
    expect(verified.body).toMatchObject({ id: firm.id, status: 'verified', statusEffectiveDate: d(30) });
    expect(await deltas()).toEqual([`area:11560@${d(30)}=1`, `sector:health@${d(30)}=1`, `sector:ict@${d(30)}=1`]);

    // suspended 20 days ago (a reason is required)
    const noReason = await changeStatus(ctx, admin, firm.id, 'suspend', { effectiveDate: d(20) }).expect(400);
    expect(noReason.body.details[0].field).toBe('reason');
    await changeStatus(ctx, admin, firm.id, 'suspend', { effectiveDate: d(20), reason: 'Hồ sơ thuế chưa cập nhật' }).expect(200);
    // reinstated 10 days ago
    await changeStatus(ctx, admin, firm.id, 'reinstate', { effectiveDate: d(10) }).expect(200);
    expect(await deltas()).toEqual([
      `area:11560@${d(30)}=1`,
      `area:11560@${d(20)}=-1`,
      `area:11560@${d(10)}=1`,
      `sector:health@${d(30)}=1`,
      `sector:health@${d(20)}=-1`,
      `sector:health@${d(10)}=1`,
      `sector:ict@${d(30)}=1`,
      `sector:ict@${d(20)}=-1`,
      `sector:ict@${d(10)}=1`,
    ]);

    // Today the owner moves the head office and swaps a sector: the count moves with it, dated today.
    const owner = await login(ctx, firm.ownerEmail);
    await ctx.http
      .patch(`/api/v1/enterprises/${firm.id}`)
      .set(bearer(owner))
      .send({ areaCode: '11557', sectors: ['ict', 'education'] })
      .expect(200);
    const afterMove = await deltas();
    expect(afterMove).toEqual(
      expect.arrayContaining([
        `area:11560@${today}=-1`,
        `area:11557@${today}=1`,
        `sector:health@${today}=-1`,
        `sector:education@${today}=1`,
      ]),
    );
    expect(afterMove.filter((r) => r.startsWith('sector:ict@') && r.includes(today))).toEqual([]); // ict unchanged

    // A cessation may not be dated before that move: the firm was already counted elsewhere.
    const early = await changeStatus(ctx, admin, firm.id, 'cease', { effectiveDate: d(5), reason: 'Giải thể' }).expect(400);
    expect(early.body).toMatchObject({ code: 'EFFECTIVE_DATE_INVALID', details: { earliest: today } });

    await changeStatus(ctx, admin, firm.id, 'cease', { reason: 'Giải thể theo quyết định của chủ sở hữu' }).expect(200);
    // Counted nowhere any more: every dimension sums to zero.
    const sums = await ctx.dataSource.query(
      `SELECT dimension, key, sum(delta)::int AS n FROM enterprise_activity_deltas GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    expect(sums).toEqual([
      { dimension: 'area', key: '11557', n: 0 },
      { dimension: 'area', key: '11560', n: 0 },
      { dimension: 'sector', key: 'education', n: 0 },
      { dimension: 'sector', key: 'health', n: 0 },
      { dimension: 'sector', key: 'ict', n: 0 },
    ]);
    // What the indicator will read: the count as of a day is the sum of deltas up to it.
    const areaCountAsOf = async (day: string) =>
      ctx.dataSource.query(
        `SELECT key, sum(delta)::int AS n FROM enterprise_activity_deltas WHERE dimension = 'area' AND day <= $1 GROUP BY key ORDER BY key`,
        [day],
      );
    expect(await areaCountAsOf(d(25))).toEqual([{ key: '11560', n: 1 }]); // verified
    expect(await areaCountAsOf(d(15))).toEqual([{ key: '11560', n: 0 }]); // suspended
    expect(await areaCountAsOf(d(5))).toEqual([{ key: '11560', n: 1 }]); // reinstated
    expect(await areaCountAsOf(today)).toEqual([
      { key: '11557', n: 0 },
      { key: '11560', n: 0 },
    ]); // moved, then ceased

    expect(await historyOf(firm.id)).toEqual([
      `∅→pending@${d(40)}`,
      `pending→verified@${d(30)}`,
      `verified→suspended@${d(20)} (Hồ sơ thuế chưa cập nhật)`,
      `suspended→verified@${d(10)}`,
      `verified→ceased@${today} (Giải thể theo quyết định của chủ sở hữu)`,
    ]);

    // The same history through the API, for the firm itself and for officers.
    const api = await ctx.http.get(`/api/v1/enterprises/${firm.id}/history`).set(bearer(owner)).expect(200);
    expect(api.body.items.map((h: { toStatus: string; effectiveDate: string }) => `${h.toStatus}@${h.effectiveDate}`)).toEqual([
      `pending@${d(40)}`,
      `verified@${d(30)}`,
      `suspended@${d(20)}`,
      `verified@${d(10)}`,
      `ceased@${today}`,
    ]);
    await ctx.http.get(`/api/v1/enterprises/${firm.id}/history`).set(bearer(officer)).expect(200);
    const page = await ctx.http.get(`/api/v1/enterprises/${firm.id}/history?limit=2`).set(bearer(admin)).expect(200);
    const next = await ctx.http
      .get(`/api/v1/enterprises/${firm.id}/history?limit=2&cursor=${page.body.nextCursor}`)
      .set(bearer(admin))
      .expect(200);
    expect(next.body.items.map((h: { toStatus: string }) => h.toStatus)).toEqual(['suspended', 'verified']);

    // Each decision is in the audit chain, by the admin, with before and after.
    const audit = await ctx.dataSource.query(
      `SELECT action, actor_id, before->>'status' AS before, after->>'status' AS after FROM audit_log
        WHERE entity_type = 'enterprise' AND entity_id = $1 AND action <> 'enterprise.updated' ORDER BY seq`,
      [firm.id],
    );
    expect(audit).toEqual([
      { action: 'enterprise.registered', actor_id: firm.ownerId, before: null, after: null },
      { action: 'enterprise.verified', actor_id: adminId, before: 'pending', after: 'verified' },
      { action: 'enterprise.suspended', actor_id: adminId, before: 'verified', after: 'suspended' },
      { action: 'enterprise.reinstated', actor_id: adminId, before: 'suspended', after: 'verified' },
      { action: 'enterprise.ceased', actor_id: adminId, before: 'verified', after: 'ceased' },
    ]);
  });

  it('refuses transitions the lifecycle does not allow, naming the current status', async () => {
    const firm = await registerFirm(ctx);
    const cases: [string, 'verify' | 'reject' | 'suspend' | 'reinstate' | 'cease', string][] = [
      ['pending', 'suspend', 'pending'],
      ['pending', 'reinstate', 'pending'],
      ['pending', 'cease', 'pending'],
    ];
    for (const [, action, current] of cases) {
      const res = await changeStatus(ctx, admin, firm.id, action, { reason: 'x' }).expect(409);
      expect(res.body).toMatchObject({ code: 'ENTERPRISE_STATUS_CONFLICT', details: { currentStatus: current, action } });
    }
    await changeStatus(ctx, admin, firm.id, 'verify').expect(200);
    for (const action of ['verify', 'reject', 'reinstate'] as const) {
      const res = await changeStatus(ctx, admin, firm.id, action, { reason: 'x' }).expect(409);
      expect(res.body.details.currentStatus).toBe('verified');
      expect(res.body.message).toContain('đã xác minh');
    }
    await changeStatus(ctx, admin, firm.id, 'cease', { reason: 'Ngừng hoạt động' }).expect(200);
    for (const action of ['verify', 'reinstate', 'suspend', 'cease', 'reject'] as const) {
      const res = await changeStatus(ctx, admin, firm.id, action, { reason: 'x' }).expect(409);
      expect(res.body.details.currentStatus).toBe('ceased');
    }
    expect((await historyOf(firm.id)).length).toBe(3);
    await changeStatus(ctx, admin, '00000000-0000-4000-8000-000000000000', 'verify').expect(404);
  });

  it('a rejection needs a reason, is final, and never touches the counts', async () => {
    const firm = await registerFirm(ctx, { enterprise: { areaCode: '11674' } });
    const before = await deltas();
    await changeStatus(ctx, admin, firm.id, 'reject').expect(400);
    await changeStatus(ctx, admin, firm.id, 'reject', { reason: '   ' }).expect(400);
    const res = await changeStatus(ctx, admin, firm.id, 'reject', {
      reason: 'Mã số thuế không khớp với tên doanh nghiệp',
    }).expect(200);
    expect(res.body).toMatchObject({ status: 'rejected', statusReason: 'Mã số thuế không khớp với tên doanh nghiệp' });
    expect((await changeStatus(ctx, admin, firm.id, 'verify').expect(409)).body.details.currentStatus).toBe('rejected');
    expect(await deltas()).toEqual(before);
    // A rejected firm stays out of public view; its owner still sees it, with the reason.
    await ctx.http.get(`/api/v1/enterprises/${firm.id}`).expect(404);
    const owner = await login(ctx, firm.ownerEmail);
    const own = await ctx.http.get(`/api/v1/enterprises/${firm.id}`).set(bearer(owner)).expect(200);
    expect(own.body.statusReason).toBe('Mã số thuế không khớp với tên doanh nghiệp');
  });

  it('refuses an effective date in the future or before the latest recorded change, and unknown fields', async () => {
    const firm = await registeredDaysAgo(10);
    const future = await changeStatus(ctx, admin, firm.id, 'verify', { effectiveDate: daysBefore(today, -1) }).expect(400);
    expect(future.body).toMatchObject({ code: 'EFFECTIVE_DATE_INVALID', details: { field: 'effectiveDate', today } });
    const beforeRegistration = await changeStatus(ctx, admin, firm.id, 'verify', { effectiveDate: daysBefore(today, 11) }).expect(
      400,
    );
    expect(beforeRegistration.body).toMatchObject({
      code: 'EFFECTIVE_DATE_INVALID',
      details: { earliest: daysBefore(today, 10) },
    });
    const badDate = await changeStatus(ctx, admin, firm.id, 'verify', { effectiveDate: '2025-02-30' }).expect(400);
    expect(badDate.body.details[0].field).toBe('effectiveDate');
    const extra = await ctx.http
      .post(`/api/v1/enterprises/${firm.id}/verify`)
      .set(bearer(admin))
      .send({ status: 'verified' })
      .expect(400);
    expect(extra.body.details[0].field).toBe('status');
    expect(await historyOf(firm.id)).toEqual([`∅→pending@${daysBefore(today, 10)}`]);
    // the same day as the latest change is fine
    await changeStatus(ctx, admin, firm.id, 'verify', { effectiveDate: daysBefore(today, 10) }).expect(200);
    const suspendEarlier = await changeStatus(ctx, admin, firm.id, 'suspend', {
      effectiveDate: daysBefore(today, 11),
      reason: 'x',
    }).expect(400);
    expect(suspendEarlier.body.code).toBe('EFFECTIVE_DATE_INVALID');
  });

  it('two admins deciding at the same moment: one wins, the count moves once', async () => {
    await createUser(ctx, { email: 'admin2@test.vn', role: 'admin' });
    const admin2 = await login(ctx, 'admin2@test.vn');
    const firm = await registerFirm(ctx, { enterprise: { sectors: ['environment'] } });
    const results = await Promise.all([
      changeStatus(ctx, admin, firm.id, 'verify'),
      changeStatus(ctx, admin2, firm.id, 'verify'),
      changeStatus(ctx, admin2, firm.id, 'reject', { reason: 'Trùng lặp' }),
    ]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409, 409]);
    expect(await historyOf(firm.id)).toHaveLength(2);
    const [sum] = await ctx.dataSource.query(
      `SELECT coalesce(sum(delta), 0)::int AS n FROM enterprise_activity_deltas WHERE dimension = 'sector' AND key = 'environment'`,
    );
    const [row] = await ctx.dataSource.query(`SELECT status FROM enterprises WHERE id = $1`, [firm.id]);
    expect(sum.n).toBe(row.status === 'verified' ? 1 : 0);
  });

  it('history is for the firm, officers and admins only', async () => {
    const firm = await registerFirm(ctx);
    const other = await registerFirm(ctx);
    const otherOwner = await login(ctx, other.ownerEmail);
    // pending: another firm is told it does not exist
    expect((await ctx.http.get(`/api/v1/enterprises/${firm.id}/history`).set(bearer(otherOwner)).expect(404)).body.code).toBe(
      'ENTERPRISE_NOT_FOUND',
    );
    await changeStatus(ctx, admin, firm.id, 'verify').expect(200);
    // verified: it exists publicly, but its history is not another firm's business
    expect((await ctx.http.get(`/api/v1/enterprises/${firm.id}/history`).set(bearer(otherOwner)).expect(403)).body.code).toBe(
      'ENTERPRISE_FORBIDDEN',
    );
    await createUser(ctx, { email: 'eval@test.vn', role: 'evaluator' });
    await ctx.http
      .get(`/api/v1/enterprises/${firm.id}/history`)
      .set(bearer(await login(ctx, 'eval@test.vn')))
      .expect(403);
    await ctx.http.get(`/api/v1/enterprises/${firm.id}/history`).expect(401);
  });

  it('assertVerifiedEnterprise lets only verified firms through', async () => {
    const firm = await registerFirm(ctx);
    const check = () => ctx.dataSource.transaction((m) => assertVerifiedEnterprise(m, firm.id));
    await expect(check()).rejects.toMatchObject({ code: 'ENTERPRISE_NOT_VERIFIED', details: { status: 'pending' } });
    await changeStatus(ctx, admin, firm.id, 'verify').expect(200);
    await expect(check()).resolves.toBeUndefined();
    await changeStatus(ctx, admin, firm.id, 'suspend', { reason: 'Tạm dừng' }).expect(200);
    await expect(check()).rejects.toMatchObject({ code: 'ENTERPRISE_NOT_VERIFIED', details: { status: 'suspended' } });
    await expect(ctx.dataSource.transaction((m) => assertVerifiedEnterprise(m, null))).rejects.toMatchObject({
      code: 'ENTERPRISE_NOT_VERIFIED',
    });
  });

  it('mails the owner and members each decision, with its reason and effective date', async () => {
    const firm = await registerFirm(ctx, { enterprise: { legalName: 'Công ty Thư Tín' } });
    const owner = await login(ctx, firm.ownerEmail);
    await ctx.http
      .post(`/api/v1/enterprises/${firm.id}/members`)
      .set(bearer(owner))
      .send({ email: 'member@thutin.vn', fullName: 'Lê Văn Cường' })
      .expect(202);
    expect((await acceptInvitation(ctx, 'member@thutin.vn', 'Thu Tin ke toan 2026')).status).toBe(201);

    const received = await eventually(async () =>
      (await mailsTo(firm.ownerEmail, startedAt, 'hồ sơ đăng ký của Công ty Thư Tín')).at(0),
    );
    expect(received).toContain('Quản trị viên sẽ kiểm tra');
    expect(received).toContain('Kính gửi Ông/Bà');
    expect(received).toContain('Content-Type: text/html');
    expect(received).toContain(`/enterprises/${firm.id}/status`);
    expect(received).not.toContain('/api/');

    await changeStatus(ctx, admin, firm.id, 'verify').expect(200);
    await changeStatus(ctx, admin, firm.id, 'suspend', { reason: 'Chưa nộp báo cáo năm 2024' }).expect(200);
    for (const address of [firm.ownerEmail, 'member@thutin.vn']) {
      const verified = await eventually(async () => (await mailsTo(address, startedAt, 'đã được xác minh')).at(0));
      expect(verified).toContain(`Ngày hiệu lực: ${today.split('-').reverse().join('/')}`);
      const suspended = await eventually(async () => (await mailsTo(address, startedAt, 'bị tạm đình chỉ')).at(0));
      expect(suspended).toContain('Lý do: Chưa nộp báo cáo năm 2024');
      expect(suspended).toContain('Công ty Thư Tín');
    }
    const jobs = await countRows(
      ctx,
      `outbox WHERE job_name = 'enterprise-status-changed' AND payload->>'enterpriseId' = $1 AND dispatched_at IS NOT NULL`,
      [firm.id],
    );
    expect(jobs).toBe(3);
  });
});
