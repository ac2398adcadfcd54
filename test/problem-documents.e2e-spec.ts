import { bearer, startApp, TestContext } from './harness';
import {
  createDepartmentWithOfficer,
  createPublishedProblem,
  createVerifiedEnterprise,
  TestDepartment,
  TestFirm,
} from './factories';

const PDF = Buffer.concat([
  Buffer.from('%PDF-1.7\n'),
  Buffer.from('Điều khoản tham chiếu — dữ liệu mẫu\n'),
  Buffer.alloc(2048, 0x20),
]);

describe('problem documents: attached to a draft, public with the problem, frozen once published', () => {
  let ctx: TestContext;
  let deptA: TestDepartment;
  let deptB: TestDepartment;
  let firm: TestFirm;

  beforeAll(async () => {
    ctx = await startApp();
    deptA = await createDepartmentWithOfficer(ctx);
    deptB = await createDepartmentWithOfficer(ctx);
    firm = await createVerifiedEnterprise(ctx);
  });
  afterAll(() => ctx.close());

  const upload = (token: string | null, problemId: string, bytes: Buffer, name = 'Điều khoản tham chiếu.pdf') => {
    const req = ctx.http.post(`/api/v1/problems/${problemId}/documents`);
    if (token) void req.set(bearer(token));
    return req.attach('file', bytes, name);
  };

  it('only the department attaches; a draft’s documents are as hidden as the draft; the public reads them once published', async () => {
    const problemId = await createPublishedProblem(ctx, deptA, { status: 'draft' });
    const added = await upload(deptA.token, problemId, PDF).expect(201);
    expect(added.body).toEqual({
      id: expect.any(String),
      fileName: 'Điều khoản tham chiếu.pdf',
      mediaType: 'application/pdf',
      sizeBytes: PDF.length,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      uploadedAt: expect.any(String),
    });
    const docId = added.body.id as string;

    // Nobody but the department (and admins) learns a draft or its documents exist.
    await ctx.http.get(`/api/v1/problems/${problemId}/documents`).expect(404);
    await ctx.http.get(`/api/v1/problems/${problemId}/documents/${docId}`).expect(404);
    await ctx.http.get(`/api/v1/problems/${problemId}/documents`).set(bearer(deptB.token)).expect(404);
    await ctx.http.get(`/api/v1/problems/${problemId}/documents/${docId}`).set(bearer(firm.token)).expect(404);
    expect((await upload(deptB.token, problemId, PDF).expect(404)).body.code).toBe('PROBLEM_NOT_FOUND');
    expect((await upload(firm.token, problemId, PDF).expect(403)).body.code).toBe('ROLE_FORBIDDEN');
    await upload(null, problemId, PDF).expect(401);
    expect(
      (await ctx.http.get(`/api/v1/problems/${problemId}/documents`).set(bearer(deptA.token)).expect(200)).body,
    ).toHaveLength(1);

    // The type is decided by the bytes.
    const fake = await upload(deptA.token, problemId, Buffer.from('MZ not really a pdf'), 'tai-lieu.pdf').expect(415);
    expect(fake.body.code).toBe('ATTACHMENT_TYPE_NOT_ALLOWED');

    // Published: everyone reads them; nothing may be added or removed any more.
    await ctx.dataSource.query(`UPDATE problems SET status = 'published', published_at = now() WHERE id = $1`, [problemId]);
    const list = await ctx.http.get(`/api/v1/problems/${problemId}/documents`).expect(200);
    expect(list.body.map((d: { id: string }) => d.id)).toEqual([docId]);
    const file = await ctx.http
      .get(`/api/v1/problems/${problemId}/documents/${docId}`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(Buffer.compare(file.body as Buffer, PDF)).toBe(0);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(file.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('Điều khoản tham chiếu.pdf')}`);
    expect((await upload(deptA.token, problemId, PDF).expect(409)).body.code).toBe('PROBLEM_NOT_EDITABLE');
    expect(
      (await ctx.http.delete(`/api/v1/problems/${problemId}/documents/${docId}`).set(bearer(deptA.token)).expect(409)).body.code,
    ).toBe('PROBLEM_NOT_EDITABLE');

    // A document is found only under its own problem.
    const other = await createPublishedProblem(ctx, deptA);
    expect((await ctx.http.get(`/api/v1/problems/${other}/documents/${docId}`).expect(404)).body.code).toBe(
      'ATTACHMENT_NOT_FOUND',
    );

    const audit = await ctx.dataSource.query(
      `SELECT action, actor_id FROM audit_log WHERE entity_type = 'problem' AND entity_id = $1 AND action LIKE 'problem.document%'`,
      [problemId],
    );
    expect(audit).toEqual([{ action: 'problem.document_added', actor_id: deptA.officerId }]);
  });

  it('the department removes a document from a draft, and another department cannot', async () => {
    const problemId = await createPublishedProblem(ctx, deptA, { status: 'draft' });
    const docId = (await upload(deptA.token, problemId, PDF).expect(201)).body.id as string;
    await ctx.http.delete(`/api/v1/problems/${problemId}/documents/${docId}`).set(bearer(deptB.token)).expect(404);
    await ctx.http.delete(`/api/v1/problems/${problemId}/documents/${docId}`).set(bearer(deptA.token)).expect(204);
    expect((await ctx.http.get(`/api/v1/problems/${problemId}/documents`).set(bearer(deptA.token)).expect(200)).body).toEqual([]);
    expect(
      (await ctx.http.delete(`/api/v1/problems/${problemId}/documents/${docId}`).set(bearer(deptA.token)).expect(404)).body.code,
    ).toBe('ATTACHMENT_NOT_FOUND');
  });
});
