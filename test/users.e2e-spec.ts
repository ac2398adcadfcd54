import { cityIso } from '@app/common';
import { bearer, CITY_TIME, createUser, instant, login, PASSWORD, startApp, TestContext } from './harness';

describe('admin: departments and staff accounts', () => {
  let ctx: TestContext;
  let admin: string;
  let adminId: string;

  beforeAll(async () => {
    ctx = await startApp();
    adminId = await createUser(ctx, { email: 'admin@test.vn', role: 'admin' });
    admin = await login(ctx, 'admin@test.vn');
  });
  afterAll(() => ctx.close());

  it('creates a department, refuses a duplicate code, and lists departments publicly', async () => {
    const res = await ctx.http.post('/api/v1/departments').set(bearer(admin)).send({ name: 'Sở Y tế', code: 'syt' }).expect(201);
    expect(res.body).toEqual({ id: expect.any(String), name: 'Sở Y tế', code: 'SYT' });
    const dup = await ctx.http
      .post('/api/v1/departments')
      .set(bearer(admin))
      .send({ name: 'Sở Y tế 2', code: 'SYT' })
      .expect(409);
    expect(dup.body.code).toBe('DEPARTMENT_CODE_TAKEN');
    const list = await ctx.http.get('/api/v1/departments').expect(200);
    expect(list.body.items.map((d: { code: string }) => d.code)).toContain('SYT');
    expect(list.body.nextCursor).toBeNull();
    await ctx.http.post('/api/v1/departments').set(bearer(admin)).send({ name: 'Ban Quản lý Khu kinh tế' }).expect(201);
    const page = await ctx.http.get('/api/v1/departments?limit=1').expect(200);
    expect(page.body.items.map((d: { name: string }) => d.name)).toEqual(['Ban Quản lý Khu kinh tế']);
    const next = await ctx.http.get(`/api/v1/departments?limit=1&cursor=${page.body.nextCursor}`).expect(200);
    expect(next.body).toEqual({ items: [expect.objectContaining({ name: 'Sở Y tế' })], nextCursor: null });
  });

  it('creates an officer in a department; an officer without one is refused', async () => {
    const dept = (await ctx.http.post('/api/v1/departments').set(bearer(admin)).send({ name: 'Sở Xây dựng' }).expect(201)).body;
    const noDept = await ctx.http
      .post('/api/v1/users')
      .set(bearer(admin))
      .send({ email: 'o1@test.vn', fullName: 'Nguyễn Văn A', role: 'officer' })
      .expect(400);
    expect(noDept.body.code).toBe('DEPARTMENT_REQUIRED');
    const officer = await ctx.http
      .post('/api/v1/users')
      .set(bearer(admin))
      .send({
        email: 'O1@test.vn',
        fullName: 'Nguyễn Văn A',
        role: 'officer',
        departmentId: dept.id,
        password: 'officer-password',
      })
      .expect(201);
    expect(officer.body).toMatchObject({ email: 'o1@test.vn', role: 'officer', organizationId: dept.id, status: 'active' });
    await login(ctx, 'o1@test.vn', 'officer-password');

    const dup = await ctx.http
      .post('/api/v1/users')
      .set(bearer(admin))
      .send({ email: 'o1@TEST.vn', fullName: 'Someone', role: 'evaluator' })
      .expect(409);
    expect(dup.body.code).toBe('EMAIL_TAKEN');
  });

  it('refuses to create enterprise accounts or short passwords through /users', async () => {
    const ent = await ctx.http
      .post('/api/v1/users')
      .set(bearer(admin))
      .send({ email: 'e@test.vn', fullName: 'E', role: 'enterprise' })
      .expect(400);
    expect(ent.body.code).toBe('VALIDATION_FAILED');
    const short = await ctx.http
      .post('/api/v1/users')
      .set(bearer(admin))
      .send({ email: 'short@test.vn', fullName: 'S', role: 'evaluator', password: 'short' })
      .expect(400);
    expect(short.body.details[0].field).toBe('password');
  });

  it('changes a role, and the change is audited with before and after', async () => {
    const user = (
      await ctx.http
        .post('/api/v1/users')
        .set(bearer(admin))
        .send({ email: 'ev@test.vn', fullName: 'Trần Thị B', role: 'evaluator' })
        .expect(201)
    ).body;
    const changed = await ctx.http.patch(`/api/v1/users/${user.id}`).set(bearer(admin)).send({ role: 'admin' }).expect(200);
    expect(changed.body.role).toBe('admin');
    const audit = await ctx.http.get(`/api/v1/audit?entityType=user&entityId=${user.id}`).set(bearer(admin)).expect(200);
    const actions = audit.body.items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(['user.role_changed', 'user.created']);
    const roleChange = audit.body.items[0];
    expect(roleChange).toMatchObject({ actorId: adminId, before: { role: 'evaluator' }, after: { role: 'admin' } });

    // Every instant the API returns is Hai Phong time with its offset (+07:00), not UTC ("Z").
    const [row] = await ctx.dataSource.query(`SELECT created_at FROM users WHERE id = $1`, [user.id]);
    expect(user.createdAt).toMatch(CITY_TIME);
    expect(user.createdAt).toBe(cityIso(row.created_at));
    expect(changed.body.createdAt).toBe(user.createdAt);
    expect(roleChange.occurredAt).toMatch(CITY_TIME);
    // The audit log's stored snapshots keep the UTC form they were written with: the same instant.
    expect(roleChange.before.createdAt).toMatch(/Z$/);
    expect(instant(roleChange.before.createdAt)).toBe(instant(user.createdAt));
  });

  it('disables an account: login refused, live tokens refused, sessions revoked', async () => {
    const id = await createUser(ctx, { email: 'gone@test.vn', role: 'evaluator' });
    const pair = (await ctx.http.post('/api/v1/auth/login').send({ email: 'gone@test.vn', password: PASSWORD }).expect(200)).body;
    await ctx.http.post(`/api/v1/users/${id}/disable`).set(bearer(admin)).expect(200);
    await ctx.http.get('/api/v1/me').set(bearer(pair.accessToken)).expect(401);
    await ctx.http.post('/api/v1/auth/refresh').send({ refreshToken: pair.refreshToken }).expect(401);
    const res = await ctx.http.post('/api/v1/auth/login').send({ email: 'gone@test.vn', password: PASSWORD }).expect(401);
    expect(res.body.code).toBe('ACCOUNT_DISABLED');
    const audit = await ctx.http.get(`/api/v1/audit?action=user.disabled&entityId=${id}`).set(bearer(admin)).expect(200);
    expect(audit.body.items).toHaveLength(1);

    await ctx.http.post(`/api/v1/users/${id}/enable`).set(bearer(admin)).expect(200);
    await login(ctx, 'gone@test.vn');
  });

  it('an admin cannot disable themself', async () => {
    const res = await ctx.http.post(`/api/v1/users/${adminId}/disable`).set(bearer(admin)).expect(400);
    expect(res.body.code).toBe('CANNOT_DISABLE_SELF');
  });

  it('lists users with filters and a stable cursor', async () => {
    for (let i = 0; i < 5; i++) await createUser(ctx, { email: `page${i}@test.vn`, role: 'evaluator' });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: { email: string }[]; nextCursor: string | null } } = await ctx.http
        .get('/api/v1/users')
        .query({ role: 'evaluator', q: 'page', limit: 2, ...(cursor ? { cursor } : {}) })
        .set(bearer(admin))
        .expect(200);
      seen.push(...res.body.items.map((u) => u.email));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual(['page0@test.vn', 'page1@test.vn', 'page2@test.vn', 'page3@test.vn', 'page4@test.vn']);
    const bad = await ctx.http.get('/api/v1/users?cursor=garbage').set(bearer(admin)).expect(400);
    expect(bad.body.code).toBe('INVALID_CURSOR');
    await ctx.http.get('/api/v1/users?limit=101').set(bearer(admin)).expect(400);
  });
});
