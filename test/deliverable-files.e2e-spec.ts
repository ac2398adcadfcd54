import { bearer, createUser, login, startApp, TestContext } from './harness';
import { createDepartmentWithOfficer, createVerifiedEnterprise, TestDepartment, TestFirm } from './factories';
import { award, createPanel, endStandstill, Panel, runCompetition } from './award-fixtures';

const pdf = (label: string) => Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from(`${label}\n`), Buffer.alloc(512, 0x20)]);
const KPI_PILOT = { name: 'Thời gian xử lý hồ sơ (ngày)', target: 5, unit: 'ngày' };
const KPI_SCALE = { name: 'Tỷ lệ hồ sơ trực tuyến (%)', target: 80, unit: '%' };
const results = (kpi: { name: string }, value: number) => ({
  text: 'Báo cáo kết quả và hồ sơ bàn giao',
  kpiResults: [{ kpi: kpi.name, value, evidence: 'Số liệu trích từ hệ thống một cửa' }],
});

/**
 * A deliverable's files: only the order's firm uploads, only while it prepares a round (not before
 * the order starts, not on a locked, submitted or accepted milestone, never into a round already
 * submitted); the department and the firm (and the admins) download, nobody else; never public;
 * uploads and the staff's downloads are audited.
 */
describe('deliverable files', () => {
  let ctx: TestContext;
  let dept: TestDepartment;
  let otherDept: TestDepartment;
  let winner: TestFirm;
  let loser: TestFirm;
  let panel: Panel;
  let adminToken: string;
  let adminId: string;

  beforeAll(async () => {
    ctx = await startApp();
    dept = await createDepartmentWithOfficer(ctx, 'Sở Tài nguyên');
    otherDept = await createDepartmentWithOfficer(ctx, 'Sở Công Thương');
    winner = await createVerifiedEnterprise(ctx, { legalName: 'Công ty Cổ phần Lạch Tray' });
    loser = await createVerifiedEnterprise(ctx, { legalName: 'Công ty TNHH Cát Bi' });
    panel = await createPanel(ctx, 'deliverable-files');
    adminId = await createUser(ctx, { email: 'files-admin@admin.test.vn', role: 'admin' });
    adminToken = await login(ctx, 'files-admin@admin.test.vn');
  });
  afterAll(() => ctx.close());

  const api = () => ctx.http;
  const filesUrl = (orderId: string, milestoneId: string) => `/api/v1/orders/${orderId}/milestones/${milestoneId}/files`;
  const upload = (token: string | null, orderId: string, milestoneId: string, bytes: Buffer, name: string) => {
    const req = api().post(filesUrl(orderId, milestoneId));
    if (token) void req.set(bearer(token));
    return req.attach('file', bytes, name);
  };
  const download = (token: string | null, orderId: string, milestoneId: string, fileId: string) => {
    const req = api().get(`${filesUrl(orderId, milestoneId)}/${fileId}`);
    if (token) void req.set(bearer(token));
    return req.buffer(true);
  };
  const list = async (token: string, orderId: string, milestoneId: string) =>
    (await api().get(filesUrl(orderId, milestoneId)).set(bearer(token)).expect(200)).body.items as {
      id: string;
      fileName: string;
      round: number | null;
    }[];

  /** A placed order with a staged plan, in drafting: its id, problem and the two milestones' ids. */
  async function placedOrder(): Promise<{ orderId: string; problemId: string; pilot: string; scale: string }> {
    const c = await runCompetition(ctx, dept, panel, [
      { firm: winner, price: 900_000_000, score: 8 },
      { firm: loser, price: 850_000_000, score: 7 },
    ]);
    await award(ctx, dept, c.problemId, c.proposals[0]!);
    await endStandstill(ctx, c.problemId);
    const orderId = (await api().post(`/api/v1/problems/${c.problemId}/order`).set(bearer(dept.token)).expect(201)).body
      .id as string;
    const plan = (
      await api()
        .put(`/api/v1/orders/${orderId}/plan`)
        .set(bearer(dept.token))
        .send({
          staged: true,
          milestones: [
            {
              phase: 'pilot',
              deliverable: 'Thí điểm tại 2 phường',
              dueDate: '2027-03-31',
              amount: 300_000_000,
              kpis: [KPI_PILOT],
            },
            {
              phase: 'scale_up',
              deliverable: 'Nhân rộng toàn thành phố',
              dueDate: '2027-06-30',
              amount: 600_000_000,
              kpis: [KPI_SCALE],
            },
          ],
        })
        .expect(200)
    ).body as { milestones: { id: string }[] };
    return { orderId, problemId: c.problemId, pilot: plan.milestones[0]!.id, scale: plan.milestones[1]!.id };
  }
  const start = async (orderId: string) => {
    await api().post(`/api/v1/orders/${orderId}/agree`).set(bearer(dept.token)).send({ planVersion: 1 }).expect(200);
    await api().post(`/api/v1/orders/${orderId}/agree`).set(bearer(winner.token)).send({ planVersion: 1 }).expect(200);
  };

  it('lets only the firm upload, only to the round it prepares, and binds the files to the round it submits', async () => {
    const { orderId, problemId, pilot, scale } = await placedOrder();
    // Before the order starts there is no round to prepare.
    expect((await upload(winner.token, orderId, pilot, pdf('sớm'), 'Sớm.pdf').expect(409)).body.code).toBe(
      'ORDER_STATUS_CONFLICT',
    );
    await start(orderId);

    // The wrong users.
    await upload(null, orderId, pilot, pdf('x'), 'x.pdf').expect(401);
    expect((await upload(dept.token, orderId, pilot, pdf('x'), 'x.pdf').expect(403)).body.code).toBe('ROLE_FORBIDDEN');
    expect((await upload(adminToken, orderId, pilot, pdf('x'), 'x.pdf').expect(403)).body.code).toBe('ROLE_FORBIDDEN');
    expect((await upload(loser.token, orderId, pilot, pdf('x'), 'x.pdf').expect(403)).body.code).toBe('ORDER_FORBIDDEN');
    // A locked scale-up milestone, a file that is not one of the accepted types.
    expect((await upload(winner.token, orderId, scale, pdf('x'), 'x.pdf').expect(409)).body.code).toBe(
      'MILESTONE_STATUS_CONFLICT',
    );
    expect((await upload(winner.token, orderId, pilot, Buffer.from('chỉ là văn bản'), 'a.pdf').expect(415)).body.code).toBe(
      'ATTACHMENT_TYPE_NOT_ALLOWED',
    );

    const report = (await upload(winner.token, orderId, pilot, pdf('báo cáo vòng 1'), 'Báo cáo thí điểm.pdf').expect(201)).body;
    expect(report).toMatchObject({ fileName: 'Báo cáo thí điểm.pdf', mediaType: 'application/pdf', round: null });
    const mistake = (await upload(winner.token, orderId, pilot, pdf('nhầm'), 'Nhầm.pdf').expect(201)).body;
    await api()
      .delete(`${filesUrl(orderId, pilot)}/${mistake.id}`)
      .set(bearer(loser.token))
      .expect(403);
    await api()
      .delete(`${filesUrl(orderId, pilot)}/${mistake.id}`)
      .set(bearer(dept.token))
      .expect(403);
    await api()
      .delete(`${filesUrl(orderId, pilot)}/${mistake.id}`)
      .set(bearer(winner.token))
      .expect(204);

    // A round in preparation is the firm's own: the department sees nothing of it yet.
    expect((await list(winner.token, orderId, pilot)).map((f) => [f.fileName, f.round])).toEqual([
      ['Báo cáo thí điểm.pdf', null],
    ]);
    expect(await list(dept.token, orderId, pilot)).toEqual([]);
    expect((await download(dept.token, orderId, pilot, report.id).expect(404)).body.code).toBe('ATTACHMENT_NOT_FOUND');

    await api()
      .post(`/api/v1/orders/${orderId}/milestones/${pilot}/submissions`)
      .set(bearer(winner.token))
      .send(results(KPI_PILOT, 6))
      .expect(201);
    // Submitted: the round is closed to uploads and removals until the department decides.
    expect((await upload(winner.token, orderId, pilot, pdf('muộn'), 'Muộn.pdf').expect(409)).body.code).toBe(
      'MILESTONE_STATUS_CONFLICT',
    );
    await api()
      .delete(`${filesUrl(orderId, pilot)}/${report.id}`)
      .set(bearer(winner.token))
      .expect(409);
    const round1 = (
      await api().get(`/api/v1/orders/${orderId}/milestones/${pilot}/submissions`).set(bearer(dept.token)).expect(200)
    ).body.items;
    expect(round1).toHaveLength(1);
    expect(round1[0].files.map((f: { id: string; round: number }) => [f.id, f.round])).toEqual([[report.id, 1]]);

    await api()
      .post(`/api/v1/orders/${orderId}/milestones/${pilot}/return`)
      .set(bearer(dept.token))
      .send({ reason: 'Thời gian xử lý 6 ngày chưa đạt mục tiêu.' })
      .expect(200);
    // Returned: the firm prepares round 2; round 1's files stay as they were submitted.
    await api()
      .delete(`${filesUrl(orderId, pilot)}/${report.id}`)
      .set(bearer(winner.token))
      .expect(404);
    const second = (await upload(winner.token, orderId, pilot, pdf('vòng 2'), 'Báo cáo bổ sung.pdf').expect(201)).body;
    await api()
      .post(`/api/v1/orders/${orderId}/milestones/${pilot}/submissions`)
      .set(bearer(winner.token))
      .send(results(KPI_PILOT, 4))
      .expect(201);
    const rounds = (
      await api().get(`/api/v1/orders/${orderId}/milestones/${pilot}/submissions`).set(bearer(dept.token)).expect(200)
    ).body.items as { round: number; files: { id: string }[] }[];
    expect(rounds.map((r) => [r.round, r.files.map((f) => f.id)])).toEqual([
      [1, [report.id]],
      [2, [second.id]],
    ]);
    expect((await list(dept.token, orderId, pilot)).map((f) => [f.fileName, f.round])).toEqual([
      ['Báo cáo thí điểm.pdf', 1],
      ['Báo cáo bổ sung.pdf', 2],
    ]);

    await api().post(`/api/v1/orders/${orderId}/milestones/${pilot}/accept`).set(bearer(dept.token)).expect(200);
    // Accepted: no more files on it.
    expect((await upload(winner.token, orderId, pilot, pdf('sau'), 'Sau.pdf').expect(409)).body.code).toBe(
      'MILESTONE_STATUS_CONFLICT',
    );

    // Never public: neither the public order view nor the public problem shows the files.
    const pub = (await api().get(`/api/v1/problems/${problemId}/order`).expect(200)).body;
    expect(JSON.stringify(pub)).not.toContain('Báo cáo thí điểm.pdf');
    await api().get(filesUrl(orderId, pilot)).expect(401);

    // Every upload and removal is in the audit log, by the firm's member.
    const audit = await ctx.dataSource.query(
      `SELECT action, actor_id FROM audit_log WHERE entity_type = 'order' AND entity_id = $1 AND action LIKE 'milestone.file%' ORDER BY seq`,
      [orderId],
    );
    expect(audit).toEqual([
      { action: 'milestone.file_added', actor_id: winner.memberId },
      { action: 'milestone.file_added', actor_id: winner.memberId },
      { action: 'milestone.file_removed', actor_id: winner.memberId },
      { action: 'milestone.file_added', actor_id: winner.memberId },
    ]);
  });

  it('lets the department, the firm and the admins download, refuses other firms and departments, and audits the staff', async () => {
    const { orderId, pilot } = await placedOrder();
    await start(orderId);
    const bytes = pdf('biên bản nghiệm thu');
    const file = (await upload(winner.token, orderId, pilot, bytes, 'Biên bản.pdf').expect(201)).body;
    // The firm reads its own round in preparation.
    expect(Buffer.compare((await download(winner.token, orderId, pilot, file.id).expect(200)).body as Buffer, bytes)).toBe(0);
    await api()
      .post(`/api/v1/orders/${orderId}/milestones/${pilot}/submissions`)
      .set(bearer(winner.token))
      .send(results(KPI_PILOT, 4))
      .expect(201);

    const got = await download(dept.token, orderId, pilot, file.id).expect(200);
    expect(Buffer.compare(got.body as Buffer, bytes)).toBe(0);
    expect(got.headers['content-type']).toBe('application/pdf');
    expect(got.headers['content-disposition']).toContain("filename*=UTF-8''Bi%C3%AAn%20b%E1%BA%A3n.pdf");
    await download(adminToken, orderId, pilot, file.id).expect(200);
    await download(winner.token, orderId, pilot, file.id).expect(200);

    expect((await download(otherDept.token, orderId, pilot, file.id).expect(403)).body.code).toBe('ORDER_FORBIDDEN');
    expect((await download(loser.token, orderId, pilot, file.id).expect(403)).body.code).toBe('ORDER_FORBIDDEN');
    await download(null, orderId, pilot, file.id).expect(401);
    await api().get(filesUrl(orderId, pilot)).set(bearer(otherDept.token)).expect(403);
    await api().get(filesUrl(orderId, pilot)).set(bearer(loser.token)).expect(403);
    // A file of another milestone is not found under this one.
    const { orderId: otherOrder, pilot: otherPilot } = await placedOrder();
    expect((await download(dept.token, otherOrder, otherPilot, file.id).expect(404)).body.code).toBe('ATTACHMENT_NOT_FOUND');

    const downloads = await ctx.dataSource.query(
      `SELECT actor_id FROM audit_log WHERE entity_type = 'order' AND entity_id = $1 AND action = 'milestone.file_downloaded' ORDER BY seq`,
      [orderId],
    );
    expect(downloads).toEqual([{ actor_id: dept.officerId }, { actor_id: adminId }]);
  });

  it('caps the files of one round', async () => {
    const { orderId, pilot } = await placedOrder();
    await start(orderId);
    for (let i = 1; i <= 10; i++) await upload(winner.token, orderId, pilot, pdf(`tệp ${i}`), `Tệp ${i}.pdf`).expect(201);
    const full = await upload(winner.token, orderId, pilot, pdf('tệp 11'), 'Tệp 11.pdf').expect(409);
    expect(full.body).toMatchObject({ code: 'DELIVERABLE_FILES_FULL', details: { max: 10 } });
  });
});
