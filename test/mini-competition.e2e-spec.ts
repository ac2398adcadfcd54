import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { randomUUID } from 'node:crypto';
import releaseSchema from '../libs/ocds/schema/release-schema.json';
import packageSchema from '../libs/ocds/schema/release-package-schema.json';
import { bearer, createUser, login, startApp, TestContext } from './harness';
import { createDepartmentWithOfficer, createVerifiedEnterprise, TestDepartment, TestFirm } from './factories';
import { award, bidAndScore, createPanel, endStandstill, Panel } from './award-fixtures';
import { catalogueEntry } from './catalogue-fixtures';

/**
 * Issue 16 item 6, second half: where several catalogue entries solve one kind of bottleneck, a
 * department runs a mini-competition among their firms — an ordinary problem, restricted to them.
 */
describe('mini-competition among catalogue firms', () => {
  let ctx: TestContext;
  let source: TestDepartment;
  let buyer: TestDepartment;
  let firmA: TestFirm;
  let firmB: TestFirm;
  let outsider: TestFirm;
  let panel: Panel;
  let adminToken: string;
  /** e1: A solved; e2: B partly; e3: A again; eNo: B, not solved; eHealth: B, another sector. */
  const e: Record<'e1' | 'e2' | 'e3' | 'eNo' | 'eHealth', string> = { e1: '', e2: '', e3: '', eNo: '', eHealth: '' };
  const justification =
    'Ba giải pháp đã được kiểm chứng cho cùng điểm nghẽn; cạnh tranh giữa các doanh nghiệp này để có giá tốt nhất.';

  beforeAll(async () => {
    ctx = await startApp();
    source = await createDepartmentWithOfficer(ctx, 'Sở Xây dựng');
    buyer = await createDepartmentWithOfficer(ctx, 'UBND phường Hồng Bàng');
    firmA = await createVerifiedEnterprise(ctx, { legalName: 'Công ty Cổ phần Giải pháp A' });
    firmB = await createVerifiedEnterprise(ctx, { legalName: 'Công ty TNHH Công nghệ B' });
    outsider = await createVerifiedEnterprise(ctx, { legalName: 'Công ty TNHH Ngoài Danh Mục' });
    panel = await createPanel(ctx, 'mini');
    await createUser(ctx, { email: 'mini-admin@admin.test.vn', role: 'admin' });
    adminToken = await login(ctx, 'mini-admin@admin.test.vn');
    e.e1 = (await catalogueEntry(ctx, source, panel, firmA, outsider, 'yes')).orderId;
    e.e2 = (await catalogueEntry(ctx, source, panel, firmB, outsider, 'partly')).orderId;
    e.e3 = (await catalogueEntry(ctx, source, panel, firmA, outsider, 'yes')).orderId;
    e.eNo = (await catalogueEntry(ctx, source, panel, firmB, outsider, 'no')).orderId;
    const health = await catalogueEntry(ctx, source, panel, firmB, outsider, 'yes');
    await ctx.dataSource.query(`UPDATE problems SET sector = 'health' WHERE id = $1`, [health.problemId]);
    e.eHealth = health.orderId;
  });
  afterAll(() => ctx.close());

  const api = () => ctx.http;
  const start = (token: string, entryOrderIds: string[], why = justification) =>
    api().post('/api/v1/catalogue/mini-competitions').set(bearer(token)).send({ entryOrderIds, justification: why });

  it('is started by a department officer only, from solved entries of one kind, of at least two verified firms', async () => {
    // The wrong users: a firm (even a listed one) and an admin.
    expect((await start(firmA.token, [e.e1, e.e2]).expect(403)).body.code).toBe('ROLE_FORBIDDEN');
    expect((await start(adminToken, [e.e1, e.e2]).expect(403)).body.code).toBe('ROLE_FORBIDDEN');
    await api()
      .post('/api/v1/catalogue/mini-competitions')
      .send({ entryOrderIds: [e.e1, e.e2], justification })
      .expect(401);
    // Not an entry: an order answered "not solved", or no order at all.
    const notSolved = await start(buyer.token, [e.e1, e.eNo]).expect(404);
    expect(notSolved.body).toMatchObject({ code: 'CATALOGUE_ENTRY_NOT_FOUND', details: { entryOrderIds: [e.eNo] } });
    expect((await start(buyer.token, [e.e1, randomUUID()]).expect(404)).body.code).toBe('CATALOGUE_ENTRY_NOT_FOUND');
    // Another kind of bottleneck.
    expect((await start(buyer.token, [e.e1, e.eHealth]).expect(400)).body.code).toBe('MINI_COMPETITION_MIXED_KINDS');
    // Two entries of one firm are no competition: the direct re-order is the way.
    const oneFirm = await start(buyer.token, [e.e1, e.e3]).expect(400);
    expect(oneFirm.body.code).toBe('MINI_COMPETITION_TOO_FEW_FIRMS');
    expect(oneFirm.body.message).toMatch(/ít nhất hai doanh nghiệp/);
    expect((await start(buyer.token, [e.e1]).expect(400)).body.code).toBe('VALIDATION_FAILED');
    expect((await start(buyer.token, [e.e1, e.e2], 'Vì cần').expect(400)).body.code).toBe('VALIDATION_FAILED');
    // A firm no longer verified cannot be invited.
    await ctx.dataSource.query(`UPDATE enterprises SET status = 'suspended' WHERE id = $1`, [firmB.id]);
    try {
      expect((await start(buyer.token, [e.e1, e.e2]).expect(403)).body.code).toBe('ENTERPRISE_NOT_VERIFIED');
    } finally {
      await ctx.dataSource.query(`UPDATE enterprises SET status = 'verified' WHERE id = $1`, [firmB.id]);
    }
    const none = await ctx.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM mini_competitions`);
    expect(none[0]!.n).toBe(0);
  });

  it('runs as an ordinary problem open only to the listed firms, and its order cites the winning entry', async () => {
    // Any department may start one — here another department than the one that used the solutions.
    const draft = (await start(buyer.token, [e.e1, e.e3, e.e2]).expect(201)).body;
    const problemId = draft.id as string;
    expect(draft).toMatchObject({ status: 'draft', departmentId: buyer.id, sector: 'ict' });
    expect(draft.miniCompetition).toEqual({
      justification,
      firms: [
        { id: firmA.id, name: 'Công ty Cổ phần Giải pháp A', entryOrderIds: [e.e1, e.e3] },
        { id: firmB.id, name: 'Công ty TNHH Công nghệ B', entryOrderIds: [e.e2] },
      ],
    });
    // A draft is the department's working paper: not public, not editable by the source department.
    await api().get(`/api/v1/problems/${problemId}`).expect(404);
    await api().patch(`/api/v1/problems/${problemId}`).set(bearer(source.token)).send({ title: 'Chiếm quyền' }).expect(403);
    // The officer edits it in the usual editor; the firms cannot be changed through it.
    const title = 'Số hoá cấp phép xây dựng tại phường Hồng Bàng';
    await api().patch(`/api/v1/problems/${problemId}`).set(bearer(buyer.token)).send({ title }).expect(200);
    await api()
      .patch(`/api/v1/problems/${problemId}`)
      .set(bearer(buyer.token))
      .send({ miniCompetition: { firms: [{ id: outsider.id }] } })
      .expect(400);
    await api().post(`/api/v1/problems/${problemId}/publish`).set(bearer(buyer.token)).expect(200);

    // Public, and it says it is a mini-competition among the listed firms.
    const pub = (await api().get(`/api/v1/problems/${problemId}`).expect(200)).body;
    expect(pub).toMatchObject({ status: 'published', title });
    expect(pub.miniCompetition.firms.map((f: { name: string }) => f.name)).toEqual([
      'Công ty Cổ phần Giải pháp A',
      'Công ty TNHH Công nghệ B',
    ]);
    // The list is fixed, even for the database's own writers.
    await expect(
      ctx.dataSource.query(`UPDATE mini_competition_entries SET enterprise_id = $2 WHERE problem_id = $1`, [
        problemId,
        outsider.id,
      ]),
    ).rejects.toThrow(/fixed/);
    // Audited: the start (entries, firms, justification) and the publication (the invited firms).
    const audit = await ctx.dataSource.query<{ action: string; after: Record<string, unknown> }[]>(
      `SELECT action, after FROM audit_log WHERE entity_id = $1 ORDER BY occurred_at`,
      [problemId],
    );
    expect(audit.find((a) => a.action === 'problem.miniCompetitionStarted')?.after).toEqual({
      justification,
      entryOrderIds: [e.e1, e.e3, e.e2],
      enterpriseIds: [firmA.id, firmB.id],
    });
    expect(audit.find((a) => a.action === 'problem.published')?.after).toMatchObject({
      invitedEnterpriseIds: [firmA.id, firmB.id],
    });
    // The listed firms are invited (and told); the outsider is not.
    const invitations = async (token: string) =>
      (
        (await api().get('/api/v1/me/notifications?limit=100').set(bearer(token)).expect(200)).body.items as {
          kind: string;
          title: string;
          data: { problemId?: string };
        }[]
      ).filter((n) => n.kind === 'problem.invitation' && n.data.problemId === problemId);
    expect(await invitations(firmA.token)).toHaveLength(1);
    expect((await invitations(firmB.token))[0]?.title).toMatch(/chào giá cạnh tranh/);
    expect(await invitations(outsider.token)).toHaveLength(0);
    // Nor can the department invite the outsider afterwards: it would be invited to a bid it cannot make.
    const invite = await api()
      .post(`/api/v1/problems/${problemId}/invitations`)
      .set(bearer(buyer.token))
      .send({ enterpriseIds: [outsider.id] })
      .expect(409);
    expect(invite.body).toMatchObject({ code: 'MINI_COMPETITION_FIRMS_FIXED', details: { enterpriseIds: [outsider.id] } });
    expect(await invitations(outsider.token)).toHaveLength(0);

    // Only the listed firms may bid: a verified outsider gets a clear 403.
    const bid = {
      approach: 'Thiết kế rồi triển khai',
      solution: 'Nền tảng',
      plan: 'Ba tháng',
      team: 'Năm kỹ sư',
      price: 1,
      durationMonths: 3,
    };
    const refused = await api().post(`/api/v1/problems/${problemId}/proposals`).set(bearer(outsider.token)).send(bid).expect(403);
    expect(refused.body.code).toBe('NOT_INVITED_TO_BID');
    expect(refused.body.message).toMatch(/không nằm trong danh sách được mời/);
    const en = await api()
      .post(`/api/v1/problems/${problemId}/proposals`)
      .set(bearer(outsider.token))
      .set('Accept-Language', 'en')
      .send(bid)
      .expect(403);
    expect(en.body.message).toMatch(/not one of those invited/);
    // Nor can it store the files of a bid it may not make.
    const file = await api()
      .post(`/api/v1/problems/${problemId}/attachments`)
      .set(bearer(outsider.token))
      .attach('file', Buffer.from('%PDF-1.4\n% ho so\n%%EOF\n'), { filename: 'ho-so.pdf', contentType: 'application/pdf' })
      .expect(403);
    expect(file.body.code).toBe('NOT_INVITED_TO_BID');

    // Evaluation, award, standstill and the order work unchanged.
    const [pa, pb] = await bidAndScore(ctx, buyer, panel, problemId, [
      { firm: firmA, price: 500_000_000, score: 6 },
      { firm: firmB, price: 450_000_000, score: 9 },
    ]);
    expect(pa).toBeDefined();
    await award(ctx, buyer, problemId, pb!);
    await endStandstill(ctx, problemId);
    const order = (await api().post(`/api/v1/problems/${problemId}/order`).set(bearer(buyer.token)).expect(201)).body;
    expect(order).toMatchObject({ enterprise: { id: firmB.id }, sourceOrderId: e.e2, problemId });
    // The catalogue shows the entry was ordered again.
    expect((await api().get(`/api/v1/catalogue/${e.e2}`).expect(200)).body.reorders).toBe(1);
    expect((await api().get(`/api/v1/catalogue/${e.e1}`).expect(200)).body.reorders).toBe(0);

    // Open data: a selective tender with the department's rationale, through the official 1.1.5 schema.
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    ajv.addSchema(releaseSchema, releaseSchema.id);
    const validate = ajv.compile(packageSchema);
    const pkg = (await api().get(`/api/v1/ocds/releases?problemId=${problemId}`).expect(200)).body;
    expect(validate(pkg)).toBe(true);
    expect(validate.errors ?? []).toEqual([]);
    const tender = (pkg.releases as { tag: string[]; tender: Record<string, unknown> }[]).find((r) =>
      r.tag.includes('tender'),
    )!.tender;
    expect(tender).toMatchObject({ procurementMethod: 'selective', procurementMethodRationale: justification });
    expect(tender.procurementMethodDetails).toMatch(/danh mục giải pháp/);
  });

  it('leaves open problems open to every verified firm', async () => {
    const entry = await catalogueEntry(ctx, source, panel, outsider, firmA, 'yes');
    const pub = (await api().get(`/api/v1/problems/${entry.problemId}`).expect(200)).body;
    expect(pub.miniCompetition).toBeNull();
    const order = (await api().get(`/api/v1/orders/${entry.orderId}`).expect(200)).body;
    expect(order.sourceOrderId).toBeNull();
  });
});
