import { bearer, createUser, startApp, TestContext } from './harness';

/**
 * The portal's session: the refresh token only in an HttpOnly, SameSite=Strict cookie scoped to
 * /api/v1/auth, usable only with the X-Portal-Session header (CSRF), rotated on each refresh,
 * and the JSON body contract unchanged for API clients.
 */
describe('portal session cookie', () => {
  let ctx: TestContext;
  const email = 'cookie-user@firm.test.vn';
  const PORTAL = { 'X-Portal-Session': '1' };

  beforeAll(async () => {
    ctx = await startApp();
    await createUser(ctx, { email, role: 'enterprise' });
  });
  afterAll(() => ctx.close());

  function cookieOf(res: { headers: Record<string, unknown> }): string {
    const header = ([] as string[]).concat((res.headers['set-cookie'] as string[] | string | undefined) ?? []);
    const line = header.find((c) => c.startsWith('hpsm_refresh='));
    if (!line) throw new Error(`no refresh cookie in ${JSON.stringify(header)}`);
    return line;
  }
  const pair = (line: string) => line.split(';')[0]!;

  async function portalLogin(): Promise<string> {
    const res = await ctx.http
      .post('/api/v1/auth/login')
      .set(PORTAL)
      .send({ email, password: 'correct horse battery staple' })
      .expect(200);
    expect(res.body.refreshToken).toBeUndefined();
    expect(res.body.accessToken).toEqual(expect.any(String));
    return cookieOf(res);
  }

  it('login with the portal header sets an HttpOnly, SameSite=Strict cookie on the auth path and keeps the token out of the body', async () => {
    const line = await portalLogin();
    expect(line).toMatch(/HttpOnly/i);
    expect(line).toMatch(/SameSite=Strict/i);
    expect(line).toMatch(/Path=\/api\/v1\/auth(;|$)/);
    expect(line).toMatch(/Max-Age=\d+/);
    // PUBLIC_URL is localhost in tests: no Secure flag, so http://localhost works in development.
    expect(line).not.toMatch(/Secure/i);
  });

  it('API clients keep the JSON contract: both tokens in the body, no cookie', async () => {
    const res = await ctx.http.post('/api/v1/auth/login').send({ email, password: 'correct horse battery staple' }).expect(200);
    expect(res.body.refreshToken).toEqual(expect.any(String));
    expect(res.headers['set-cookie']).toBeUndefined();
    const refreshed = await ctx.http.post('/api/v1/auth/refresh').send({ refreshToken: res.body.refreshToken }).expect(200);
    expect(refreshed.body.refreshToken).toEqual(expect.any(String));
  });

  it('refuses the cookie without the portal header (a cross-site request): 403 CSRF_CHECK_FAILED, and the session survives', async () => {
    const cookie = pair(await portalLogin());
    const forged = await ctx.http.post('/api/v1/auth/refresh').set('Cookie', cookie).send({}).expect(403);
    expect(forged.body.code).toBe('CSRF_CHECK_FAILED');
    const forgedLogout = await ctx.http.post('/api/v1/auth/logout').set('Cookie', cookie).send({}).expect(403);
    expect(forgedLogout.body.code).toBe('CSRF_CHECK_FAILED');
    // The genuine portal still refreshes with it: the forged calls revoked nothing.
    await ctx.http.post('/api/v1/auth/refresh').set(PORTAL).set('Cookie', cookie).send({}).expect(200);
  });

  it('refresh rotates the cookie; presenting the old one again revokes the whole session and clears the cookie', async () => {
    const first = pair(await portalLogin());
    const rotated = await ctx.http.post('/api/v1/auth/refresh').set(PORTAL).set('Cookie', first).send({}).expect(200);
    const second = pair(cookieOf(rotated));
    expect(second).not.toBe(first);
    expect(rotated.body.refreshToken).toBeUndefined();
    await ctx.http.get('/api/v1/me').set(bearer(rotated.body.accessToken)).expect(200);

    const reused = await ctx.http.post('/api/v1/auth/refresh').set(PORTAL).set('Cookie', first).send({}).expect(401);
    expect(reused.body.code).toBe('REFRESH_TOKEN_REUSED');
    expect(cookieOf(reused)).toMatch(/hpsm_refresh=;|Max-Age=0|Expires=Thu, 01 Jan 1970/);
    const after = await ctx.http.post('/api/v1/auth/refresh').set(PORTAL).set('Cookie', second).send({}).expect(401);
    expect(after.body.code).toBe('REFRESH_TOKEN_REUSED');
  });

  it('logout from the portal revokes the cookie session and clears the cookie', async () => {
    const cookie = pair(await portalLogin());
    const out = await ctx.http.post('/api/v1/auth/logout').set(PORTAL).set('Cookie', cookie).send({}).expect(204);
    expect(cookieOf(out)).toMatch(/hpsm_refresh=;/);
    const res = await ctx.http.post('/api/v1/auth/refresh').set(PORTAL).set('Cookie', cookie).send({}).expect(401);
    expect(res.body.code).toMatch(/REFRESH_TOKEN_(REUSED|INVALID)/);
  });

  it('refresh with neither a body token nor a cookie is 401 REFRESH_TOKEN_INVALID', async () => {
    const res = await ctx.http.post('/api/v1/auth/refresh').set(PORTAL).send({}).expect(401);
    expect(res.body.code).toBe('REFRESH_TOKEN_INVALID');
  });
});
