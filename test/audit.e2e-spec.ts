import { bearer, createUser, login, startApp, TestContext } from './harness';

describe('audit log', () => {
  let ctx: TestContext;
  let admin: string;

  beforeAll(async () => {
    ctx = await startApp();
    await createUser(ctx, { email: 'admin@test.vn', role: 'admin' });
    admin = await login(ctx, 'admin@test.vn');
    // a few audited changes
    const dept = (
      await ctx.http.post('/api/v1/departments').set(bearer(admin)).send({ name: 'Sở Nội vụ', code: 'SNV' }).expect(201)
    ).body;
    await ctx.http
      .post('/api/v1/users')
      .set(bearer(admin))
      .send({ email: 'o@test.vn', fullName: 'O', role: 'officer', departmentId: dept.id })
      .expect(201);
    await ctx.http.patch(`/api/v1/departments/${dept.id}`).set(bearer(admin)).send({ name: 'Sở Nội vụ Hải Phòng' }).expect(200);
  });
  afterAll(() => ctx.close());

  it('chains each entry to the previous one and verifies', async () => {
    const res = await ctx.http.get('/api/v1/audit?limit=3').set(bearer(admin)).expect(200);
    const [newest, middle, oldest] = res.body.items;
    expect(newest.action).toBe('department.updated');
    expect(newest.prevHash).toBe(middle.hash);
    expect(middle.prevHash).toBe(oldest.hash);
    expect(newest.before).toMatchObject({ name: 'Sở Nội vụ' });
    expect(newest.after).toMatchObject({ name: 'Sở Nội vụ Hải Phòng' });

    const verify = await ctx.http.get('/api/v1/audit/verify').set(bearer(admin)).expect(200);
    expect(verify.body).toMatchObject({ valid: true, firstBroken: null });
    expect(verify.body.checked).toBeGreaterThanOrEqual(3);
  });

  it('the database refuses UPDATE, DELETE and TRUNCATE on the log', async () => {
    await expect(ctx.dataSource.query(`UPDATE audit_log SET action = 'x'`)).rejects.toThrow(/append-only/);
    await expect(ctx.dataSource.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
    await expect(ctx.dataSource.query(`TRUNCATE audit_log`)).rejects.toThrow(/append-only/);
  });

  it('names the first broken link when a row is edited behind the trigger', async () => {
    const [target] = await ctx.dataSource.query(
      `SELECT seq, action FROM audit_log WHERE action = 'user.created' ORDER BY seq DESC LIMIT 1`,
    );
    // Someone with superuser rights bypasses the trigger and rewrites history.
    const tamper = (action: string) =>
      ctx.dataSource.transaction(async (m) => {
        await m.query(`SET LOCAL session_replication_role = replica`);
        await m.query(`UPDATE audit_log SET action = $2 WHERE seq = $1`, [target.seq, action]);
      });
    await tamper('user.viewed');
    try {
      const res = await ctx.http.get('/api/v1/audit/verify').set(bearer(admin)).expect(200);
      expect(res.body.valid).toBe(false);
      expect(res.body.firstBroken).toMatchObject({ seq: String(target.seq), reason: 'hash_mismatch' });
    } finally {
      await tamper(target.action); // put history back for the suites that follow
    }
    const res = await ctx.http.get('/api/v1/audit/verify').set(bearer(admin)).expect(200);
    expect(res.body.valid).toBe(true);
  });

  it('only admins read the log', async () => {
    await createUser(ctx, { email: 'ev@test.vn', role: 'evaluator' });
    const ev = await login(ctx, 'ev@test.vn');
    await ctx.http.get('/api/v1/audit/verify').set(bearer(ev)).expect(403);
  });
});
