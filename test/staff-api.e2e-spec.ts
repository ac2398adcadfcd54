import { createDepartmentWithOfficer, createVerifiedEnterprise } from './factories';
import { bearer, createUser, login, startApp, TestContext } from './harness';

/** GET /evaluators: the officer's panel picker sees active evaluators' names and e-mails, nobody else's account. */
describe('evaluators for panel picking', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await startApp();
  });
  afterAll(() => ctx.close());

  it('gives an officer the active evaluators only, with name and e-mail and nothing more', async () => {
    const dept = await createDepartmentWithOfficer(ctx);
    const active = await createUser(ctx, { email: 'chuyengia.an@test.vn', role: 'evaluator', fullName: 'Trần Thị An' });
    const disabled = await createUser(ctx, { email: 'chuyengia.nghi@test.vn', role: 'evaluator', fullName: 'Lê Văn Nghỉ' });
    await ctx.dataSource.query(`UPDATE users SET status = 'disabled' WHERE id = $1`, [disabled]);
    await createUser(ctx, { email: 'admin.khac@test.vn', role: 'admin' });

    const res = await ctx.http.get('/api/v1/evaluators').set(bearer(dept.token)).expect(200);
    expect(res.body).toEqual({
      items: [{ id: active, fullName: 'Trần Thị An', email: 'chuyengia.an@test.vn' }],
      nextCursor: null,
    });
    const search = await ctx.http.get('/api/v1/evaluators?q=tran thi').set(bearer(dept.token)).expect(200);
    expect(search.body.items.map((e: { id: string }) => e.id)).toEqual([active]);
  });

  it('refuses a firm, an evaluator and an anonymous caller', async () => {
    const firm = await createVerifiedEnterprise(ctx);
    await ctx.http.get('/api/v1/evaluators').set(bearer(firm.token)).expect(403);
    await createUser(ctx, { email: 'chuyengia.binh@test.vn', role: 'evaluator' });
    await ctx.http
      .get('/api/v1/evaluators')
      .set(bearer(await login(ctx, 'chuyengia.binh@test.vn')))
      .expect(403);
    await ctx.http.get('/api/v1/evaluators').expect(401);
  });
});

describe('competition rules', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startApp();
  });
  afterAll(() => ctx.close());

  it('tells anyone the configured rules the portal explains before publishing and amending', async () => {
    const res = await ctx.http.get('/api/v1/competition-rules').expect(200);
    expect(res.body).toEqual({
      problemMinOpenDays: Number(process.env.PROBLEM_MIN_OPEN_DAYS ?? 9),
      clarificationCloseDays: Number(process.env.CLARIFICATION_CLOSE_DAYS ?? 3),
      amendmentMinRemainingDays: Number(process.env.AMENDMENT_MIN_REMAINING_DAYS ?? 3),
      panelMinSize: Number(process.env.PANEL_MIN_SIZE ?? 3),
      scoreDisagreementThreshold: Number(process.env.SCORE_DISAGREEMENT_THRESHOLD ?? 20),
    });
  });
});
