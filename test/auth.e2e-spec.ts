import { JwtService } from '@nestjs/jwt';
import { bearer, createUser, login, PASSWORD, startApp, TestContext } from './harness';

describe('authentication', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startApp();
    await createUser(ctx, { email: 'admin@test.vn', role: 'admin' });
    await createUser(ctx, { email: 'eval@test.vn', role: 'evaluator' });
  });
  afterAll(() => ctx.close());

  it('logs in with e-mail and password and returns both tokens and the user', async () => {
    const res = await ctx.http.post('/api/v1/auth/login').send({ email: 'Admin@Test.vn', password: PASSWORD }).expect(200);
    expect(res.body).toMatchObject({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      expiresIn: 900,
      user: { email: 'admin@test.vn', role: 'admin', organizationId: null },
    });
    const me = await ctx.http.get('/api/v1/me').set(bearer(res.body.accessToken)).expect(200);
    expect(me.body).toMatchObject({ email: 'admin@test.vn', role: 'admin' });
    expect(me.body.passwordHash).toBeUndefined();
  });

  it('refuses a wrong password and an unknown e-mail alike', async () => {
    const wrong = await ctx.http
      .post('/api/v1/auth/login')
      .send({ email: 'admin@test.vn', password: 'not the password' })
      .expect(401);
    expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
    const unknown = await ctx.http
      .post('/api/v1/auth/login')
      .send({ email: 'nobody@test.vn', password: 'whatever1' })
      .expect(401);
    expect(unknown.body.code).toBe('INVALID_CREDENTIALS');
    // a successful login resets the failure count
    await login(ctx, 'admin@test.vn');
  });

  it('refuses missing credentials with the error shape', async () => {
    const res = await ctx.http.post('/api/v1/auth/login').send({ email: 'admin@test.vn' }).expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
  });

  it('rejects a forged or missing access token', async () => {
    expect((await ctx.http.get('/api/v1/me').expect(401)).body.code).toBe('UNAUTHENTICATED');
    await ctx.http.get('/api/v1/me').set(bearer('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.bad')).expect(401);
  });

  it('checks a token it accepted before again: refused once expired, altered, or its account disabled', async () => {
    // The API remembers tokens that passed the full check; every limit must still hold on the next use.
    const userId = await createUser(ctx, { email: 'short@test.vn', role: 'evaluator' });
    const jwt = ctx.app.get(JwtService);
    const claims = { sub: userId, role: 'evaluator', org: null };
    const shortLived = await jwt.signAsync(claims, { expiresIn: 2 });
    await ctx.http.get('/api/v1/me').set(bearer(shortLived)).expect(200);
    await ctx.http.get('/api/v1/me').set(bearer(shortLived)).expect(200);
    // The same claims signed with another secret, and the remembered token with one character changed.
    const forged = await jwt.signAsync(claims, { expiresIn: 900, secret: 'not-the-secret-not-the-secret-not-the-secret' });
    await ctx.http.get('/api/v1/me').set(bearer(forged)).expect(401);
    const altered = `${shortLived.slice(0, -2)}${shortLived.at(-2) === 'A' ? 'B' : 'A'}${shortLived.at(-1)}`;
    await ctx.http.get('/api/v1/me').set(bearer(altered)).expect(401);
    // Expiry: jsonwebtoken refuses a token from its `exp` second on; so does the memory.
    const { exp } = jwt.decode<{ exp: number }>(shortLived);
    await new Promise((r) => setTimeout(r, Math.max(0, exp * 1000 - Date.now()) + 50));
    expect((await ctx.http.get('/api/v1/me').set(bearer(shortLived)).expect(401)).body.code).toBe('UNAUTHENTICATED');
    // A remembered, unexpired token stops working the moment its account is disabled.
    const token = await login(ctx, 'short@test.vn');
    await ctx.http.get('/api/v1/me').set(bearer(token)).expect(200);
    const admin = await login(ctx, 'admin@test.vn');
    await ctx.http.post(`/api/v1/users/${userId}/disable`).set(bearer(admin)).expect(200);
    await ctx.http.get('/api/v1/me').set(bearer(token)).expect(401);
  });

  it('rotates refresh tokens and revokes the whole family when an old one is reused', async () => {
    const first = (await ctx.http.post('/api/v1/auth/login').send({ email: 'eval@test.vn', password: PASSWORD }).expect(200))
      .body;
    const second = (await ctx.http.post('/api/v1/auth/refresh').send({ refreshToken: first.refreshToken }).expect(200)).body;
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.user.email).toBe('eval@test.vn');
    await ctx.http.get('/api/v1/me').set(bearer(second.accessToken)).expect(200);

    // An attacker replays the first token: refused, and the legitimate second token dies with it.
    const replay = await ctx.http.post('/api/v1/auth/refresh').send({ refreshToken: first.refreshToken }).expect(401);
    expect(replay.body.code).toBe('REFRESH_TOKEN_REUSED');
    const after = await ctx.http.post('/api/v1/auth/refresh').send({ refreshToken: second.refreshToken }).expect(401);
    expect(after.body.code).toBe('REFRESH_TOKEN_REUSED');

    const audit = await ctx.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'auth.refresh_token_reused'`,
    );
    expect(audit[0].n).toBeGreaterThanOrEqual(1);
  });

  it('refuses a made-up refresh token', async () => {
    const res = await ctx.http
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: '6f1c1a52-2a33-4c4e-9a53-000000000000.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' })
      .expect(401);
    expect(res.body.code).toBe('REFRESH_TOKEN_INVALID');
  });

  it('logs out: the refresh token stops working', async () => {
    const pair = (await ctx.http.post('/api/v1/auth/login').send({ email: 'eval@test.vn', password: PASSWORD }).expect(200)).body;
    await ctx.http.post('/api/v1/auth/logout').send({ refreshToken: pair.refreshToken }).expect(204);
    await ctx.http.post('/api/v1/auth/refresh').send({ refreshToken: pair.refreshToken }).expect(401);
  });

  it('locks an account after repeated failures, even for the right password, then lets it in again', async () => {
    await createUser(ctx, { email: 'target@test.vn', role: 'evaluator' });
    for (let i = 0; i < 4; i++) {
      await ctx.http
        .post('/api/v1/auth/login')
        .send({ email: 'target@test.vn', password: `guess-${i}-xx` })
        .expect(401);
    }
    // The fifth failure locks (LOGIN_MAX_FAILURES=5; lock 2 s in tests).
    await ctx.http.post('/api/v1/auth/login').send({ email: 'target@test.vn', password: 'guess-5-xx' }).expect(401);
    const locked = await ctx.http.post('/api/v1/auth/login').send({ email: 'target@test.vn', password: PASSWORD }).expect(429);
    expect(locked.body.code).toBe('ACCOUNT_LOCKED');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect(locked.body.details.lockedUntil).toBeDefined();

    const audit = await ctx.dataSource.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'auth.account_locked'`);
    expect(audit[0].n).toBeGreaterThanOrEqual(1);

    await new Promise((r) => setTimeout(r, 2200));
    await login(ctx, 'target@test.vn');
  });

  it('slows each further failure down with a longer lock', async () => {
    await createUser(ctx, { email: 'slow@test.vn', role: 'evaluator' });
    await ctx.dataSource.query(`UPDATE users SET failed_login_count = 5 WHERE email = 'slow@test.vn'`);
    const before = Date.now();
    await ctx.http.post('/api/v1/auth/login').send({ email: 'slow@test.vn', password: 'wrong-again' }).expect(401);
    const [{ locked_until }] = await ctx.dataSource.query(`SELECT locked_until FROM users WHERE email = 'slow@test.vn'`);
    // 6th failure: base (2 s) doubled once = 4 s, capped at LOGIN_LOCK_MAX_SECONDS (4 s).
    const lockMs = new Date(locked_until).getTime() - before;
    expect(lockMs).toBeGreaterThan(3000);
    expect(lockMs).toBeLessThan(6000);
  });
});
