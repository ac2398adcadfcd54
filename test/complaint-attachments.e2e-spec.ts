import { bearer, createUser, login, startApp, TestContext } from './harness';
import { createDepartmentWithOfficer, createVerifiedEnterprise, TestDepartment, TestFirm } from './factories';
import { award, createPanel, endStandstill, Panel, runCompetition } from './award-fixtures';

const PDF = Buffer.concat([
  Buffer.from('%PDF-1.7\n'),
  Buffer.from('Biên bản đo kiểm nhân sự chủ chốt\n'),
  Buffer.alloc(1024, 0x20),
]);
const GROUNDS = 'Hồ sơ trúng tuyển không có chứng chỉ của nhân sự chủ chốt như bài toán yêu cầu.';

/**
 * A complaint's evidence: only the complaining firm attaches, while the complaint is pending and the
 * standstill runs; only its parties read the files, also once the complaint is decided and public; audited.
 */
describe('complaint attachments', () => {
  let ctx: TestContext;
  let dept: TestDepartment;
  let otherDept: TestDepartment;
  let winner: TestFirm;
  let loser: TestFirm;
  let panel: Panel;
  let adminToken: string;

  beforeAll(async () => {
    ctx = await startApp();
    dept = await createDepartmentWithOfficer(ctx, 'Sở Xây dựng');
    otherDept = await createDepartmentWithOfficer(ctx, 'Sở Y tế');
    winner = await createVerifiedEnterprise(ctx);
    loser = await createVerifiedEnterprise(ctx);
    panel = await createPanel(ctx, 'complaint-files');
    await createUser(ctx, { email: 'reviewer@files.test.vn', role: 'admin' });
    adminToken = await login(ctx, 'reviewer@files.test.vn');
  });
  afterAll(() => ctx.close());

  const upload = (token: string | null, complaintId: string, bytes: Buffer, name = 'Biên bản.pdf') => {
    const req = ctx.http.post(`/api/v1/complaints/${complaintId}/attachments`);
    if (token) void req.set(bearer(token));
    return req.attach('file', bytes, name);
  };
  const download = (token: string | null, complaintId: string, attachmentId: string) => {
    const req = ctx.http.get(`/api/v1/complaints/${complaintId}/attachments/${attachmentId}`);
    if (token) void req.set(bearer(token));
    return req.buffer(true);
  };

  async function complaint(): Promise<{ problemId: string; complaintId: string }> {
    const c = await runCompetition(ctx, dept, panel, [
      { firm: winner, price: 900_000_000, score: 8 },
      { firm: loser, price: 800_000_000, score: 7 },
    ]);
    await award(ctx, dept, c.problemId, c.proposals[0]!);
    const res = await ctx.http
      .post(`/api/v1/problems/${c.problemId}/complaints`)
      .set(bearer(loser.token))
      .send({ grounds: GROUNDS })
      .expect(201);
    return { problemId: c.problemId, complaintId: res.body.id as string };
  }

  it('the complaining firm attaches; nobody else can; only its parties read the files, before and after the decision', async () => {
    const { problemId, complaintId } = await complaint();

    // Everyone but the complaining firm is refused: the winner, the department, another department, the admin, no one.
    expect((await upload(winner.token, complaintId, PDF).expect(404)).body.code).toBe('COMPLAINT_NOT_FOUND');
    expect((await upload(dept.token, complaintId, PDF).expect(403)).body.code).toBe('ROLE_FORBIDDEN');
    expect((await upload(otherDept.token, complaintId, PDF).expect(403)).body.code).toBe('ROLE_FORBIDDEN');
    expect((await upload(adminToken, complaintId, PDF).expect(403)).body.code).toBe('ROLE_FORBIDDEN');
    await upload(null, complaintId, PDF).expect(401);
    // The type is decided by the bytes, not the name.
    expect((await upload(loser.token, complaintId, Buffer.from('MZ not a pdf at all'), 'x.pdf').expect(415)).body.code).toBe(
      'ATTACHMENT_TYPE_NOT_ALLOWED',
    );

    const added = await upload(loser.token, complaintId, PDF).expect(201);
    expect(added.body).toMatchObject({ fileName: 'Biên bản.pdf', mediaType: 'application/pdf', sizeBytes: PDF.length });
    const attachmentId = added.body.id as string;

    // The complaint lists it; its parties download it; the public and the winner do not, yet.
    const pending = await ctx.http.get(`/api/v1/complaints/${complaintId}`).set(bearer(dept.token)).expect(200);
    expect(pending.body.attachments).toEqual([expect.objectContaining({ id: attachmentId, sha256: added.body.sha256 })]);
    expect((await download(dept.token, complaintId, attachmentId).expect(200)).body).toEqual(PDF);
    expect((await download(loser.token, complaintId, attachmentId).expect(200)).body).toEqual(PDF);
    expect((await download(adminToken, complaintId, attachmentId).expect(200)).body).toEqual(PDF);
    expect((await download(null, complaintId, attachmentId).expect(404)).body.code).toBe('COMPLAINT_NOT_FOUND');
    expect((await download(winner.token, complaintId, attachmentId).expect(404)).body.code).toBe('COMPLAINT_NOT_FOUND');
    expect((await download(otherDept.token, complaintId, attachmentId).expect(404)).body.code).toBe('COMPLAINT_NOT_FOUND');

    // Once decided, the complaint is public but its evidence is not (files and their names may
    // carry personal data): the public and other firms neither list nor download it; the parties
    // still do. No more files.
    await ctx.http
      .post(`/api/v1/complaints/${complaintId}/dismiss`)
      .set(bearer(adminToken))
      .send({ reason: 'Chứng chỉ đã nộp kèm hồ sơ năng lực.' })
      .expect(200);
    for (const token of [null, winner.token, otherDept.token])
      expect((await download(token, complaintId, attachmentId).expect(404)).body.code).toBe('COMPLAINT_NOT_FOUND');
    const listed = await ctx.http.get(`/api/v1/problems/${problemId}/complaints`).expect(200);
    expect(listed.body.items[0]).toMatchObject({ id: complaintId, status: 'dismissed', attachments: [] });
    expect(JSON.stringify(listed.body)).not.toContain('Biên bản');
    const publicOne = await ctx.http.get(`/api/v1/complaints/${complaintId}`).expect(200);
    expect(publicOne.body.attachments).toEqual([]);
    const forDept = await ctx.http.get(`/api/v1/problems/${problemId}/complaints`).set(bearer(dept.token)).expect(200);
    expect(forDept.body.items[0].attachments.map((a: { id: string }) => a.id)).toEqual([attachmentId]);
    expect((await download(loser.token, complaintId, attachmentId).expect(200)).body).toEqual(PDF);
    expect((await upload(loser.token, complaintId, PDF).expect(409)).body.code).toBe('COMPLAINT_STATUS_CONFLICT');

    const actions = await ctx.dataSource.query<{ action: string }[]>(
      `SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY seq`,
      [complaintId],
    );
    expect(actions.map((a) => a.action)).toEqual(['complaint.filed', 'complaint.attachment_added', 'complaint.dismissed']);
  });

  it('refuses a file after the standstill, as late as a complaint would be', async () => {
    const { problemId, complaintId } = await complaint();
    await endStandstill(ctx, problemId);
    expect((await upload(loser.token, complaintId, PDF).expect(409)).body.code).toBe('COMPLAINT_PERIOD_CLOSED');
  });
});
