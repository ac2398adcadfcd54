import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import releaseSchema from '../libs/ocds/schema/release-schema.json';
import packageSchema from '../libs/ocds/schema/release-package-schema.json';
import { bearer, createUser, startApp, TestContext } from './harness';
import {
  createDepartmentWithOfficer,
  createPublishedProblem,
  createVerifiedEnterprise,
  TestDepartment,
  TestFirm,
} from './factories';
import { award, createPanel, endStandstill, Panel, runCompetition } from './award-fixtures';

const PROBLEM_KPIS = [
  { name: 'Thời gian cấp phép (ngày)', target: '≤ 7 ngày' },
  { name: 'Tỷ lệ hồ sơ nộp trực tuyến (%)', target: '≥ 80%' },
];

describe('outcome, track record and the catalogue of proven solutions', () => {
  let ctx: TestContext;
  let dept: TestDepartment;
  let otherDept: TestDepartment;
  let winner: TestFirm;
  let loser: TestFirm;
  let panel: Panel;

  beforeAll(async () => {
    ctx = await startApp();
    dept = await createDepartmentWithOfficer(ctx, 'Sở Xây dựng');
    otherDept = await createDepartmentWithOfficer(ctx, 'UBND phường Lê Chân');
    winner = await createVerifiedEnterprise(ctx, { legalName: 'Công ty Cổ phần Kiến An' });
    loser = await createVerifiedEnterprise(ctx, { legalName: 'Công ty TNHH An Dương' });
    panel = await createPanel(ctx, 'outcome');
    await createUser(ctx, { email: 'outcome-admin@admin.test.vn', role: 'admin' });
  });
  afterAll(() => ctx.close());

  const api = () => ctx.http;

  /** A competition, an order with one milestone agreed, delivered and accepted. */
  async function completedOrder(): Promise<{ problemId: string; orderId: string }> {
    const c = await runCompetition(ctx, dept, panel, [
      { firm: winner, price: 600_000_000, score: 9 },
      { firm: loser, price: 550_000_000, score: 7 },
    ]);
    await ctx.dataSource.query(`UPDATE problems SET kpis = $2::jsonb WHERE id = $1`, [c.problemId, JSON.stringify(PROBLEM_KPIS)]);
    await award(ctx, dept, c.problemId, c.proposals[0]!);
    await endStandstill(ctx, c.problemId);
    const orderId = (await api().post(`/api/v1/problems/${c.problemId}/order`).set(bearer(dept.token)).expect(201)).body
      .id as string;
    const plan = {
      staged: false,
      milestones: [
        { phase: 'single', deliverable: 'Hệ thống cấp phép trực tuyến', dueDate: '2027-06-30', amount: 600_000_000, kpis: [] },
      ],
    };
    await api().put(`/api/v1/orders/${orderId}/plan`).set(bearer(winner.token)).send(plan).expect(200);
    await api().post(`/api/v1/orders/${orderId}/agree`).set(bearer(winner.token)).send({ planVersion: 1 }).expect(200);
    const started = (
      await api().post(`/api/v1/orders/${orderId}/agree`).set(bearer(dept.token)).send({ planVersion: 1 }).expect(200)
    ).body;
    const m = started.milestones[0].id as string;
    await api()
      .post(`/api/v1/orders/${orderId}/milestones/${m}/submissions`)
      .set(bearer(winner.token))
      .send({ text: 'Bàn giao hệ thống', kpiResults: [] })
      .expect(201);
    // Before completion there is no outcome to record.
    await api().post(`/api/v1/orders/${orderId}/outcome`).set(bearer(dept.token)).send(outcome('yes')).expect(409);
    expect(
      (await api().post(`/api/v1/orders/${orderId}/milestones/${m}/accept`).set(bearer(dept.token)).expect(200)).body.status,
    ).toBe('completed');
    return { problemId: c.problemId, orderId };
  }
  const outcome = (solved: 'yes' | 'partly' | 'no') => ({
    solved,
    explanation: 'Thời gian cấp phép giảm từ 20 xuống 6 ngày; tỷ lệ nộp trực tuyến đạt 72%, chưa đạt mục tiêu 80%.',
    kpis: [
      { kpi: PROBLEM_KPIS[0]!.name, baseline: 20, target: 7, achieved: 6, unit: 'ngày', direction: 'lower' },
      { kpi: PROBLEM_KPIS[1]!.name, baseline: 10, target: 80, achieved: 72, unit: '%', direction: 'higher' },
    ],
  });

  it('records "was the bottleneck solved?" per KPI of the problem, by the department only, once; the firm adds its statement; the problem page shows it', async () => {
    const { problemId, orderId } = await completedOrder();
    const url = `/api/v1/orders/${orderId}/outcome`;
    await api().post(url).set(bearer(winner.token)).send(outcome('yes')).expect(403);
    expect((await api().post(url).set(bearer(otherDept.token)).send(outcome('yes')).expect(403)).body.code).toBe(
      'ORDER_FORBIDDEN',
    );
    const missing = await api()
      .post(url)
      .set(bearer(dept.token))
      .send({ ...outcome('yes'), kpis: outcome('yes').kpis.slice(0, 1) })
      .expect(400);
    expect(missing.body.code).toBe('OUTCOME_KPIS_INVALID');
    await api()
      .post(url)
      .set(bearer(dept.token))
      .send({ ...outcome('yes'), solved: 'maybe' })
      .expect(400);
    expect(
      (await api().post(`${url}/statement`).set(bearer(winner.token)).send({ statement: 'Sớm quá' }).expect(409)).body.code,
    ).toBe('OUTCOME_NOT_RECORDED');

    const recorded = (await api().post(url).set(bearer(dept.token)).send(outcome('partly')).expect(200)).body;
    expect(recorded.outcome).toMatchObject({ solved: 'partly', firmStatement: null });
    expect(recorded.outcome.kpis.map((k: { met: boolean }) => k.met)).toEqual([true, false]);
    expect((await api().post(url).set(bearer(dept.token)).send(outcome('yes')).expect(409)).body.code).toBe('OUTCOME_EXISTS');

    await api().post(`${url}/statement`).set(bearer(dept.token)).send({ statement: 'Thay lời doanh nghiệp' }).expect(403);
    await api().post(`${url}/statement`).set(bearer(loser.token)).send({ statement: 'Không công bằng' }).expect(403);
    const statement = 'Tỷ lệ nộp trực tuyến phụ thuộc việc tuyên truyền của phường; hệ thống sẵn sàng cho 100% hồ sơ.';
    await api().post(`${url}/statement`).set(bearer(winner.token)).send({ statement }).expect(200);

    // Public on the problem's page: progress and outcome, without the bid's plan text.
    const pub = (await api().get(`/api/v1/problems/${problemId}/order`).expect(200)).body;
    expect(pub).toMatchObject({ status: 'completed', plan: null, outcome: { solved: 'partly', firmStatement: statement } });
    const actions = (
      await ctx.dataSource.query<{ action: string }[]>(`SELECT action FROM audit_log WHERE entity_id = $1`, [orderId])
    ).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['order.outcome_recorded', 'order.firm_statement']));

    // Open data: the contract (value, period, milestones) and its implementation, through the official 1.1.5 schema.
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    ajv.addSchema(releaseSchema, releaseSchema.id);
    const validate = ajv.compile(packageSchema);
    const pkg = (await api().get(`/api/v1/ocds/releases?problemId=${problemId}`).expect(200)).body;
    expect(validate(pkg)).toBe(true);
    expect(validate.errors ?? []).toEqual([]);
    type Contract = {
      awardID: string;
      status: string;
      value: { amount: number };
      period?: { endDate?: string };
      milestones?: { status: string }[];
      implementation?: { milestones: { status: string; dateMet?: string }[] };
    };
    const releases = pkg.releases as { id: string; tag: string[]; contracts?: Contract[] }[];
    const contract = releases.find((r) => r.tag[0] === 'contract');
    expect(contract?.contracts?.[0]).toMatchObject({
      status: 'active',
      value: { amount: 600_000_000 },
      period: { endDate: '2027-06-30T23:59:59+07:00' },
      milestones: [{ status: 'scheduled' }],
    });
    expect(contract?.contracts?.[0]!.awardID).toBe(
      (releases.find((r) => r.tag.includes('award')) as { awards: { id: string }[] } | undefined)?.awards[0]!.id,
    );
    const implementation = releases.filter((r) => r.tag[0] === 'implementation');
    expect(implementation).toHaveLength(1);
    expect(implementation[0]!.contracts?.[0]).toMatchObject({
      status: 'terminated',
      implementation: { milestones: [{ status: 'met', dateMet: expect.any(String) }] },
    });
  });

  it('lists solved orders in the catalogue; another department re-orders directly with a justification under the price ceiling; the firm’s track record counts it', async () => {
    const { orderId } = await completedOrder();
    await api().post(`/api/v1/orders/${orderId}/outcome`).set(bearer(dept.token)).send(outcome('yes')).expect(200);
    // An order answered "no" is not a catalogue entry.
    const failed = await completedOrder();
    await api().post(`/api/v1/orders/${failed.orderId}/outcome`).set(bearer(dept.token)).send(outcome('no')).expect(200);

    const catalogue = (await api().get('/api/v1/catalogue').expect(200)).body.items as { orderId: string }[];
    expect(catalogue.map((e) => e.orderId)).toContain(orderId);
    expect(catalogue.map((e) => e.orderId)).not.toContain(failed.orderId);
    await api().get(`/api/v1/catalogue/${failed.orderId}`).expect(404);
    const entry = (await api().get(`/api/v1/catalogue/${orderId}`).expect(200)).body;
    expect(entry).toMatchObject({
      enterprise: { id: winner.id },
      department: { id: dept.id },
      price: 600_000_000,
      solved: 'yes',
      deliverables: ['Hệ thống cấp phép trực tuyến'],
      reorders: 0,
      reorderPriceCeiling: 600_000_000,
    });

    const reorder = {
      title: 'Cấp phép xây dựng trực tuyến cho phường Lê Chân',
      justification:
        'Giải pháp đã giảm thời gian cấp phép của Sở Xây dựng từ 20 xuống 6 ngày; phường có cùng quy trình và dữ liệu.',
      price: 550_000_000,
    };
    const url = `/api/v1/catalogue/${orderId}/reorders`;
    await api().post(url).set(bearer(winner.token)).send(reorder).expect(403);
    await api().post(url).send(reorder).expect(401);
    const above = await api()
      .post(url)
      .set(bearer(otherDept.token))
      .send({ ...reorder, price: 600_000_001 })
      .expect(400);
    expect(above.body).toMatchObject({ code: 'REORDER_PRICE_ABOVE_CEILING', details: { ceiling: 600_000_000 } });
    await api()
      .post(url)
      .set(bearer(otherDept.token))
      .send({ ...reorder, justification: 'Vì tốt' })
      .expect(400);
    expect(
      (await api().post(`/api/v1/catalogue/${failed.orderId}/reorders`).set(bearer(otherDept.token)).send(reorder).expect(404))
        .body.code,
    ).toBe('CATALOGUE_ENTRY_NOT_FOUND');
    const placed = (await api().post(url).set(bearer(otherDept.token)).send(reorder).expect(201)).body;
    expect(placed).toMatchObject({
      problemId: null,
      sourceOrderId: orderId,
      title: reorder.title,
      justification: reorder.justification,
      price: 550_000_000,
      status: 'drafting',
      enterprise: { id: winner.id },
      department: { id: otherDept.id },
    });
    // The re-order is agreed and run like any order, by its own department only.
    await api()
      .put(`/api/v1/orders/${placed.id}/plan`)
      .set(bearer(dept.token))
      .send({
        staged: false,
        milestones: [{ phase: 'single', deliverable: 'Triển khai', dueDate: '2027-09-30', amount: 550_000_000, kpis: [] }],
      })
      .expect(403);
    expect(
      (
        await api()
          .put(`/api/v1/orders/${placed.id}/plan`)
          .set(bearer(otherDept.token))
          .send({
            staged: false,
            milestones: [{ phase: 'single', deliverable: 'Triển khai', dueDate: '2027-09-30', amount: 550_000_000, kpis: [] }],
          })
          .expect(200)
      ).body.planVersion,
    ).toBe(1);
    expect((await api().get(`/api/v1/catalogue/${orderId}`).expect(200)).body.reorders).toBe(1);
    const mine = (await api().get('/api/v1/me/orders').set(bearer(otherDept.token)).expect(200)).body.items as { id: string }[];
    expect(mine.map((o) => o.id)).toEqual([placed.id]);

    const record = (await api().get(`/api/v1/enterprises/${winner.id}/track-record`).expect(200)).body;
    expect(record).toMatchObject({ completedOrders: 3, acceptedMilestones: 3, onTimeMilestones: 3, onTimeRate: 1 });
    expect(record.kpisRecorded).toBe(6);
    expect(record.kpisMet).toBe(3);
    expect(record.solved).toEqual({ yes: 1, partly: 1, no: 1 });
    expect(record.delivered).toHaveLength(3);
    // Matching: the department sees each suggested firm's record; a proven firm ranks first between equal fits.
    const fresh = await createPublishedProblem(ctx, dept);
    const suggested = (await api().get(`/api/v1/problems/${fresh}/suggested-enterprises`).set(bearer(dept.token)).expect(200))
      .body.items as {
      enterpriseId: string;
      completedOrders: number;
      solvedOrders: number;
      onTimeRate: number | null;
      kpiAchievementRate: number | null;
    }[];
    expect(suggested.find((f) => f.enterpriseId === winner.id)).toMatchObject({
      completedOrders: 3,
      solvedOrders: 2,
      onTimeRate: 1,
      kpiAchievementRate: 0.5,
    });
    expect(suggested.find((f) => f.enterpriseId === loser.id)).toMatchObject({
      completedOrders: 0,
      solvedOrders: 0,
      onTimeRate: null,
      kpiAchievementRate: null,
    });
    // The firm's recommended problems say where it has already solved a bottleneck (two in this sector).
    const recommended = (await api().get('/api/v1/me/recommended-problems').set(bearer(winner.token)).expect(200)).body.items as {
      id: string;
      provenInSector: number;
    }[];
    expect(recommended.find((p) => p.id === fresh)?.provenInSector).toBe(2);
    const forLoser = (await api().get('/api/v1/me/recommended-problems').set(bearer(loser.token)).expect(200)).body.items as {
      id: string;
      provenInSector: number;
    }[];
    expect(forLoser.find((p) => p.id === fresh)?.provenInSector).toBe(0);
    const none = (await api().get(`/api/v1/enterprises/${loser.id}/track-record`).expect(200)).body;
    expect(none).toMatchObject({ completedOrders: 0, onTimeRate: null, kpiAchievementRate: null });
  });

  it('records an accepted milestone as paid by the ordering department only, once; OCDS publishes the transaction', async () => {
    const { problemId, orderId } = await completedOrder();
    const order = (await api().get(`/api/v1/orders/${orderId}`).expect(200)).body;
    const m = order.milestones[0].id as string;
    expect(order.milestones[0].paidAt).toBeNull();
    const pay = (token: string) => api().post(`/api/v1/orders/${orderId}/milestones/${m}/paid`).set(bearer(token));
    // The firm cannot record its own payment, nor can another department.
    expect((await pay(winner.token).expect(403)).body.code).toBe('ROLE_FORBIDDEN');
    expect((await pay(otherDept.token).expect(403)).body.code).toBe('ORDER_FORBIDDEN');
    const paid = (await pay(dept.token).expect(200)).body;
    expect(paid.milestones[0].paidAt).toEqual(expect.any(String));
    expect((await pay(dept.token).expect(409)).body.code).toBe('MILESTONE_STATUS_CONFLICT');
    const actions = (
      await ctx.dataSource.query<{ action: string }[]>(`SELECT action FROM audit_log WHERE entity_id = $1`, [orderId])
    ).map((r) => r.action);
    expect(actions.filter((a) => a === 'milestone.paid')).toHaveLength(1);

    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    ajv.addSchema(releaseSchema, releaseSchema.id);
    const validate = ajv.compile(packageSchema);
    const pkg = (await api().get(`/api/v1/ocds/releases?problemId=${problemId}`).expect(200)).body;
    expect(validate(pkg)).toBe(true);
    expect(validate.errors ?? []).toEqual([]);
    type Party = { id: string; roles: string[] };
    const releases = pkg.releases as {
      tag: string[];
      parties: Party[];
      contracts?: { implementation?: { transactions?: { value: object; payer: { id: string }; payee: { id: string } }[] } }[];
    }[];
    const last = releases.filter((r) => r.tag[0] === 'implementation').pop()!;
    const [transaction] = last.contracts?.[0]!.implementation?.transactions ?? [];
    expect(transaction).toMatchObject({ value: { amount: 600_000_000, currency: 'VND' } });
    expect(last.parties.find((p) => p.id === transaction!.payer.id)?.roles).toContain('payer');
    expect(last.parties.find((p) => p.id === transaction!.payee.id)?.roles).toContain('payee');
  });
});
