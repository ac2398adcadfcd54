import { OrderRemindersService } from '@app/orders';
import { bearer, createUser, login, startApp, TestContext } from './harness';
import { createDepartmentWithOfficer, createVerifiedEnterprise, TestDepartment, TestFirm } from './factories';
import { award, createPanel, endStandstill, Panel, runCompetition } from './award-fixtures';

const KPI_PILOT = { name: 'Thời gian xử lý hồ sơ (ngày)', target: 5, unit: 'ngày' };
const KPI_SCALE = { name: 'Tỷ lệ hồ sơ trực tuyến (%)', target: 80, unit: '%' };

describe('the order after the award: milestones agreed by both sides, pilot then scale-up, delivery', () => {
  let ctx: TestContext;
  let dept: TestDepartment;
  let otherDept: TestDepartment;
  let winner: TestFirm;
  let loser: TestFirm;
  let panel: Panel;
  let adminToken: string;

  beforeAll(async () => {
    ctx = await startApp();
    dept = await createDepartmentWithOfficer(ctx, 'Sở Nội vụ');
    otherDept = await createDepartmentWithOfficer(ctx, 'Sở Giáo dục');
    winner = await createVerifiedEnterprise(ctx, { legalName: 'Công ty Cổ phần Hồng Bàng' });
    loser = await createVerifiedEnterprise(ctx, { legalName: 'Công ty TNHH Ngô Quyền' });
    panel = await createPanel(ctx, 'orders');
    await createUser(ctx, { email: 'orders-admin@admin.test.vn', role: 'admin' });
    adminToken = await login(ctx, 'orders-admin@admin.test.vn');
  });
  afterAll(() => ctx.close());

  const api = () => ctx.http;
  const competition = async () => {
    const c = await runCompetition(ctx, dept, panel, [
      { firm: winner, price: 900_000_000, score: 8 },
      { firm: loser, price: 850_000_000, score: 7 },
    ]);
    await award(ctx, dept, c.problemId, c.proposals[0]!);
    return c;
  };
  const stagedPlan = (pilotAmount = 300_000_000) => ({
    staged: true,
    milestones: [
      { phase: 'pilot', deliverable: 'Thí điểm tại 2 phường', dueDate: '2027-03-31', amount: pilotAmount, kpis: [KPI_PILOT] },
      {
        phase: 'scale_up',
        deliverable: 'Nhân rộng toàn thành phố',
        dueDate: '2027-06-30',
        amount: 900_000_000 - pilotAmount,
        kpis: [KPI_SCALE],
      },
    ],
  });
  const results = (kpi: { name: string }, value: number) => ({
    text: 'Báo cáo kết quả và hồ sơ bàn giao',
    kpiResults: [{ kpi: kpi.name, value, evidence: 'Số liệu trích từ hệ thống một cửa, tháng 3/2027' }],
  });

  it('starts no order before the standstill ends with no pending complaint, and only the department places it', async () => {
    const { problemId, proposals } = await competition();
    const place = (token: string) => api().post(`/api/v1/problems/${problemId}/order`).set(bearer(token));

    expect((await place(dept.token).expect(409)).body.code).toBe('STANDSTILL_NOT_OVER');
    const complaint = (
      await api()
        .post(`/api/v1/problems/${problemId}/complaints`)
        .set(bearer(loser.token))
        .send({ grounds: 'Giá của doanh nghiệp trúng tuyển không bao gồm chi phí bản quyền phần mềm.' })
        .expect(201)
    ).body.id as string;
    await endStandstill(ctx, problemId);
    const pending = await place(dept.token).expect(409);
    expect(pending.body).toMatchObject({ code: 'STANDSTILL_NOT_OVER', details: { pendingComplaints: 1 } });
    await api()
      .post(`/api/v1/complaints/${complaint}/dismiss`)
      .set(bearer(adminToken))
      .send({ reason: 'Giá dự thầu đã bao gồm bản quyền theo thuyết minh.' })
      .expect(200);

    await place(otherDept.token).expect(403);
    await place(winner.token).expect(403);
    await api().post(`/api/v1/problems/${problemId}/order`).expect(401);
    const order = (await place(dept.token).expect(201)).body;
    expect(order).toMatchObject({
      problemId,
      proposalId: proposals[0],
      enterprise: { id: winner.id },
      status: 'drafting',
      price: 900_000_000,
      durationMonths: 4,
      plan: 'Tháng 1: thí điểm; tháng 2–4: nhân rộng',
      planVersion: 0,
    });
    expect((await place(dept.token).expect(409)).body.code).toBe('ORDER_EXISTS');
    // Public progress, without the bid's plan text.
    const pub = (await api().get(`/api/v1/problems/${problemId}/order`).expect(200)).body;
    expect(pub).toMatchObject({ id: order.id, status: 'drafting', plan: null });
    expect((await api().get(`/api/v1/orders/${order.id}`).set(bearer(winner.token)).expect(200)).body.plan).toBe(order.plan);
  });

  it('runs a pilot then a scale-up: both sides agree the plan, a returned deliverable is resubmitted, accepted results unlock the scale-up', async () => {
    const { problemId } = await competition();
    await endStandstill(ctx, problemId);
    const orderId = (await api().post(`/api/v1/problems/${problemId}/order`).set(bearer(dept.token)).expect(201)).body
      .id as string;
    const url = `/api/v1/orders/${orderId}`;

    // The plan's rules and its parties.
    const bad = await api()
      .put(`${url}/plan`)
      .set(bearer(dept.token))
      .send({ ...stagedPlan(), milestones: stagedPlan().milestones.slice(0, 1) })
      .expect(400);
    expect(bad.body.code).toBe('ORDER_PLAN_INVALID');
    await api().put(`${url}/plan`).set(bearer(otherDept.token)).send(stagedPlan()).expect(403);
    await api().put(`${url}/plan`).set(bearer(loser.token)).send(stagedPlan()).expect(403);
    await api().put(`${url}/plan`).set(bearer(adminToken)).send(stagedPlan()).expect(403);
    expect((await api().post(`${url}/agree`).set(bearer(winner.token)).send({ planVersion: 1 }).expect(409)).body.code).toBe(
      'ORDER_PLAN_VERSION_STALE',
    );

    expect((await api().put(`${url}/plan`).set(bearer(dept.token)).send(stagedPlan()).expect(200)).body.planVersion).toBe(1);
    await api().post(`${url}/agree`).set(bearer(winner.token)).send({ planVersion: 1 }).expect(200);
    // The firm changes the plan: both agreements are cleared, and an agreement to the old version is refused.
    const v2 = (await api().put(`${url}/plan`).set(bearer(winner.token)).send(stagedPlan(250_000_000)).expect(200)).body;
    expect(v2).toMatchObject({ planVersion: 2, firmAgreedVersion: null, departmentAgreedVersion: null, status: 'drafting' });
    await api().post(`${url}/agree`).set(bearer(dept.token)).send({ planVersion: 1 }).expect(409);
    await api().post(`${url}/agree`).set(bearer(otherDept.token)).send({ planVersion: 2 }).expect(403);
    expect((await api().post(`${url}/agree`).set(bearer(dept.token)).send({ planVersion: 2 }).expect(200)).body.status).toBe(
      'drafting',
    );
    const started = (await api().post(`${url}/agree`).set(bearer(winner.token)).send({ planVersion: 2 }).expect(200)).body;
    expect(started.status).toBe('in_progress');
    expect(
      started.milestones.map((m: { phase: string; status: string; amount: number }) => [m.phase, m.status, m.amount]),
    ).toEqual([
      ['pilot', 'open', 250_000_000],
      ['scale_up', 'locked', 650_000_000],
    ]);
    const [pilot, scale] = started.milestones as { id: string }[];
    await api().put(`${url}/plan`).set(bearer(dept.token)).send(stagedPlan()).expect(409);

    // Scale-up is locked until the pilot is accepted; only the firm submits, with every KPI measured.
    const locked = await api()
      .post(`${url}/milestones/${scale!.id}/submissions`)
      .set(bearer(winner.token))
      .send(results(KPI_SCALE, 85))
      .expect(409);
    expect(locked.body.code).toBe('MILESTONE_STATUS_CONFLICT');
    await api()
      .post(`${url}/milestones/${pilot!.id}/submissions`)
      .set(bearer(dept.token))
      .send(results(KPI_PILOT, 4))
      .expect(403);
    await api()
      .post(`${url}/milestones/${pilot!.id}/submissions`)
      .set(bearer(loser.token))
      .send(results(KPI_PILOT, 4))
      .expect(403);
    const wrongKpi = await api()
      .post(`${url}/milestones/${pilot!.id}/submissions`)
      .set(bearer(winner.token))
      .send(results(KPI_SCALE, 4))
      .expect(400);
    expect(wrongKpi.body.code).toBe('MILESTONE_KPI_RESULTS_INVALID');
    await api()
      .post(`${url}/milestones/${pilot!.id}/submissions`)
      .set(bearer(winner.token))
      .send(results(KPI_PILOT, 6))
      .expect(201);
    await api()
      .post(`${url}/milestones/${pilot!.id}/submissions`)
      .set(bearer(winner.token))
      .send(results(KPI_PILOT, 6))
      .expect(409);

    // The firm cannot accept its own deliverable, nor can another department.
    await api().post(`${url}/milestones/${pilot!.id}/accept`).set(bearer(winner.token)).expect(403);
    expect((await api().post(`${url}/milestones/${pilot!.id}/accept`).set(bearer(otherDept.token)).expect(403)).body.code).toBe(
      'ORDER_FORBIDDEN',
    );
    await api().post(`${url}/milestones/${pilot!.id}/return`).set(bearer(dept.token)).send({ reason: 'x' }).expect(400);
    const returned = await api()
      .post(`${url}/milestones/${pilot!.id}/return`)
      .set(bearer(dept.token))
      .send({ reason: 'Thời gian xử lý 6 ngày chưa đạt mục tiêu 5 ngày.' })
      .expect(200);
    expect(returned.body.milestones[0]).toMatchObject({ status: 'returned', rounds: 1 });
    await api()
      .post(`${url}/milestones/${pilot!.id}/submissions`)
      .set(bearer(winner.token))
      .send(results(KPI_PILOT, 4))
      .expect(201);
    const accepted = (await api().post(`${url}/milestones/${pilot!.id}/accept`).set(bearer(dept.token)).expect(200)).body;
    expect(accepted.milestones.map((m: { status: string }) => m.status)).toEqual(['accepted', 'open']);
    await api().post(`${url}/milestones/${pilot!.id}/return`).set(bearer(dept.token)).send({ reason: 'Xem lại' }).expect(409);

    // Every round is kept, with dates and reasons, for the parties only.
    const rounds = (await api().get(`${url}/milestones/${pilot!.id}/submissions`).set(bearer(dept.token)).expect(200)).body.items;
    expect(rounds.map((r: { round: number; decision: string }) => [r.round, r.decision])).toEqual([
      [1, 'returned'],
      [2, 'accepted'],
    ]);
    expect(rounds[0].decisionReason).toBe('Thời gian xử lý 6 ngày chưa đạt mục tiêu 5 ngày.');
    expect(rounds[0].kpiResults).toEqual([{ kpi: KPI_PILOT.name, value: 6, evidence: expect.any(String) }]);
    await api().get(`${url}/milestones/${pilot!.id}/submissions`).set(bearer(loser.token)).expect(403);
    await api().get(`${url}/milestones/${pilot!.id}/submissions`).expect(401);

    // Overdue: past its due date and not accepted.
    await ctx.dataSource.query(`UPDATE order_milestones SET due_date = current_date - 1 WHERE id = $1`, [scale!.id]);
    expect((await api().get(url).expect(200)).body.milestones[1]).toMatchObject({ overdue: true });

    // Returns are bounded (ORDER_MAX_RETURNS, 3 by default): then accept or terminate.
    for (let i = 0; i < 3; i++) {
      await api()
        .post(`${url}/milestones/${scale!.id}/submissions`)
        .set(bearer(winner.token))
        .send(results(KPI_SCALE, 70 + i))
        .expect(201);
      await api()
        .post(`${url}/milestones/${scale!.id}/return`)
        .set(bearer(dept.token))
        .send({ reason: `Chưa đạt (lần ${i + 1})` })
        .expect(200);
    }
    await api()
      .post(`${url}/milestones/${scale!.id}/submissions`)
      .set(bearer(winner.token))
      .send(results(KPI_SCALE, 82))
      .expect(201);
    const limit = await api()
      .post(`${url}/milestones/${scale!.id}/return`)
      .set(bearer(dept.token))
      .send({ reason: 'Chưa đạt' })
      .expect(409);
    expect(limit.body.code).toBe('MILESTONE_RETURN_LIMIT');
    const done = (await api().post(`${url}/milestones/${scale!.id}/accept`).set(bearer(dept.token)).expect(200)).body;
    expect(done).toMatchObject({ status: 'completed' });
    expect(done.milestones.every((m: { overdue: boolean }) => !m.overdue)).toBe(true);
    await api().post(`${url}/terminate`).set(bearer(dept.token)).send({ reason: 'Không còn nhu cầu' }).expect(409);

    const actions = (
      await ctx.dataSource.query<{ action: string }[]>(`SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY seq`, [
        orderId,
      ])
    ).map((r) => r.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'order.created',
        'order.plan_proposed',
        'order.plan_agreed',
        'order.started',
        'milestone.submitted',
        'milestone.returned',
        'milestone.accepted',
        'order.scale_up_unlocked',
        'order.completed',
      ]),
    );
    const mine = (await api().get('/api/v1/me/orders').set(bearer(winner.token)).expect(200)).body.items as { id: string }[];
    expect(mine.map((o) => o.id)).toContain(orderId);
    expect(
      ((await api().get('/api/v1/me/orders').set(bearer(loser.token)).expect(200)).body.items as { id: string }[]).map(
        (o) => o.id,
      ),
    ).not.toContain(orderId);
    expect(
      ((await api().get('/api/v1/me/orders').set(bearer(dept.token)).expect(200)).body.items as { id: string }[]).map(
        (o) => o.id,
      ),
    ).toContain(orderId);
  });

  it('lets only the department terminate an order, with a reason', async () => {
    const { problemId } = await competition();
    await endStandstill(ctx, problemId);
    const orderId = (await api().post(`/api/v1/problems/${problemId}/order`).set(bearer(dept.token)).expect(201)).body
      .id as string;
    await api().post(`/api/v1/orders/${orderId}/terminate`).set(bearer(winner.token)).send({ reason: 'Tự chấm dứt' }).expect(403);
    await api().post(`/api/v1/orders/${orderId}/terminate`).set(bearer(otherDept.token)).send({ reason: 'Chấm dứt' }).expect(403);
    const t = await api()
      .post(`/api/v1/orders/${orderId}/terminate`)
      .set(bearer(dept.token))
      .send({ reason: 'Nhu cầu thay đổi do sáp nhập đơn vị' })
      .expect(200);
    expect(t.body).toMatchObject({ status: 'terminated', terminationReason: 'Nhu cầu thay đổi do sáp nhập đơn vị' });
    await api().post(`/api/v1/orders/${orderId}/agree`).set(bearer(winner.token)).send({ planVersion: 1 }).expect(409);
  });

  /** An order with two single milestones (400M, 500M), agreed by both sides. */
  const startedOrder = async () => {
    const { problemId } = await competition();
    await endStandstill(ctx, problemId);
    const orderId = (await api().post(`/api/v1/problems/${problemId}/order`).set(bearer(dept.token)).expect(201)).body
      .id as string;
    const plan = {
      staged: false,
      milestones: [
        { phase: 'single', deliverable: 'Phân tích, thiết kế', dueDate: '2027-02-28', amount: 400_000_000, kpis: [] },
        { phase: 'single', deliverable: 'Triển khai, đào tạo', dueDate: '2027-05-31', amount: 500_000_000, kpis: [KPI_SCALE] },
      ],
    };
    await api().put(`/api/v1/orders/${orderId}/plan`).set(bearer(dept.token)).send(plan).expect(200);
    await api().post(`/api/v1/orders/${orderId}/agree`).set(bearer(dept.token)).send({ planVersion: 1 }).expect(200);
    const order = (
      await api().post(`/api/v1/orders/${orderId}/agree`).set(bearer(winner.token)).send({ planVersion: 1 }).expect(200)
    ).body;
    return { orderId, problemId, milestones: order.milestones as { id: string; number: number }[] };
  };

  it('changes agreed milestones only by numbered variations agreed by the other side', async () => {
    const { orderId, milestones } = await startedOrder();
    const url = `/api/v1/orders/${orderId}/variations`;
    const delay = {
      reason: 'Dữ liệu đầu vào của các phường bàn giao chậm 1 tháng',
      changes: [
        { milestone: 2, dueDate: '2027-06-30', amount: 450_000_000 },
        { milestone: 1, amount: 450_000_000 },
      ],
    };
    await api().post(url).set(bearer(loser.token)).send(delay).expect(403);
    await api().post(url).set(bearer(otherDept.token)).send(delay).expect(403);
    const unbalanced = await api()
      .post(url)
      .set(bearer(winner.token))
      .send({ ...delay, changes: delay.changes.slice(0, 1) })
      .expect(400);
    expect(unbalanced.body.code).toBe('VARIATION_INVALID');
    const v1 = (await api().post(url).set(bearer(winner.token)).send(delay).expect(201)).body;
    expect(v1).toMatchObject({ number: 1, status: 'proposed', proposedBy: 'firm' });
    expect((await api().post(url).set(bearer(dept.token)).send(delay).expect(409)).body.code).toBe('VARIATION_PENDING');
    // The side that proposed cannot agree to its own variation.
    expect((await api().post(`${url}/1/agree`).set(bearer(winner.token)).expect(403)).body.code).toBe('VARIATION_FORBIDDEN');
    await api().post(`${url}/1/agree`).set(bearer(otherDept.token)).expect(403);
    expect((await api().post(`${url}/1/agree`).set(bearer(dept.token)).expect(200)).body.status).toBe('agreed');
    await api().post(`${url}/1/agree`).set(bearer(dept.token)).expect(409);
    const order = (await api().get(`/api/v1/orders/${orderId}`).expect(200)).body;
    expect(order.milestones.map((m: { dueDate: string; amount: number }) => [m.dueDate, m.amount])).toEqual([
      ['2027-02-28', 450_000_000],
      ['2027-06-30', 450_000_000],
    ]);

    // An accepted milestone is final; a rejected variation changes nothing and keeps its number.
    await api()
      .post(`/api/v1/orders/${orderId}/milestones/${milestones[0]!.id}/submissions`)
      .set(bearer(winner.token))
      .send({ text: 'Hồ sơ thiết kế', kpiResults: [] })
      .expect(201);
    await api().post(`/api/v1/orders/${orderId}/milestones/${milestones[0]!.id}/accept`).set(bearer(dept.token)).expect(200);
    await api()
      .post(url)
      .set(bearer(dept.token))
      .send({ reason: 'Đổi nội dung', changes: [{ milestone: 1, deliverable: 'Khác' }] })
      .expect(400);
    await api()
      .post(url)
      .set(bearer(dept.token))
      .send({ reason: 'Rút ngắn thời gian', changes: [{ milestone: 2, dueDate: '2027-05-15' }] })
      .expect(201);
    await api().post(`${url}/2/reject`).set(bearer(dept.token)).send({ reason: 'Không' }).expect(403);
    expect(
      (await api().post(`${url}/2/reject`).set(bearer(winner.token)).send({ reason: 'Không đủ thời gian đào tạo' }).expect(200))
        .body,
    ).toMatchObject({
      number: 2,
      status: 'rejected',
      rejectionReason: 'Không đủ thời gian đào tạo',
    });
    expect((await api().get(`/api/v1/orders/${orderId}`).expect(200)).body.milestones[1].dueDate).toBe('2027-06-30');
    expect(
      (await api().get(url).set(bearer(dept.token)).expect(200)).body.items.map((v: { number: number; status: string }) => [
        v.number,
        v.status,
      ]),
    ).toEqual([
      [1, 'agreed'],
      [2, 'rejected'],
    ]);
    await api().get(url).set(bearer(loser.token)).expect(403);
    const actions = (
      await ctx.dataSource.query<{ action: string }[]>(`SELECT action FROM audit_log WHERE entity_id = $1`, [orderId])
    ).map((r) => r.action);
    expect(actions).toEqual(
      expect.arrayContaining(['order.variation_proposed', 'order.variation_agreed', 'order.variation_rejected']),
    );
  });

  it('reminds both sides of a milestone falling due once, and of an overdue one again after the period', async () => {
    const { orderId, milestones } = await startedOrder();
    const sweep = () => ctx.app.get(OrderRemindersService).sweep();
    const reminders = async (token: string) =>
      (
        (await api().get('/api/v1/me/notifications?limit=100').set(bearer(token)).expect(200)).body.items as {
          kind: string;
          data: { orderId?: string; reminder?: string };
        }[]
      ).filter((n) => n.kind === 'order.reminder' && n.data.orderId === orderId);
    await sweep();
    expect(await reminders(winner.token)).toHaveLength(0);
    await ctx.dataSource.query(
      `UPDATE order_milestones SET due_date = (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date + 1 WHERE id = $1`,
      [milestones[0]!.id],
    );
    expect((await sweep()).dueSoon).toBeGreaterThanOrEqual(1);
    await sweep();
    expect((await reminders(winner.token)).map((n) => n.data.reminder)).toEqual(['dueSoon']);
    expect((await reminders(dept.token)).map((n) => n.data.reminder)).toEqual(['dueSoon']);
    await ctx.dataSource.query(
      `UPDATE order_milestones SET due_date = (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date - 1 WHERE id = $1`,
      [milestones[0]!.id],
    );
    await sweep();
    await sweep();
    expect((await reminders(winner.token)).map((n) => n.data.reminder).sort()).toEqual(['dueSoon', 'overdue']);
    // After ORDER_REMINDER_DAYS without acceptance, reminded again.
    await ctx.dataSource.query(
      `UPDATE notifications SET created_at = now() - interval '4 days' WHERE kind = 'order.reminder' AND data->>'orderId' = $1`,
      [orderId],
    );
    await sweep();
    expect((await reminders(winner.token)).filter((n) => n.data.reminder === 'overdue')).toHaveLength(2);
    expect((await api().get(`/api/v1/orders/${orderId}`).expect(200)).body.milestones[0].overdue).toBe(true);
  });
});
