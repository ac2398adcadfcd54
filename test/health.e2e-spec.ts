import { startApp, TestContext } from './harness';

describe('health, docs and request ids', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startApp();
  });
  afterAll(() => ctx.close());

  it('reports the database and Redis as up', async () => {
    const res = await ctx.http.get('/api/health').expect(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.info.database.status).toBe('up');
    expect(res.body.info.redis.status).toBe('up');
  });

  it('serves the OpenAPI document with the contract paths', async () => {
    const res = await ctx.http.get('/api/docs-json').expect(200);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/auth/login',
        '/api/v1/auth/refresh',
        '/api/v1/auth/logout',
        '/api/v1/me',
        '/api/v1/users',
        '/api/v1/departments',
        '/api/v1/audit',
        '/api/v1/audit/verify',
      ]),
    );
    await ctx.http.get('/api/docs').expect(200);
  });

  it('echoes a request id, or makes one', async () => {
    const given = await ctx.http.get('/api/health').set('X-Request-Id', 'abc-123');
    expect(given.headers['x-request-id']).toBe('abc-123');
    const made = await ctx.http.get('/api/health');
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sets security headers', async () => {
    const res = await ctx.http.get('/api/health');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeDefined();
  });

  it('answers unknown routes with the error shape', async () => {
    const res = await ctx.http.get('/api/v1/no-such-thing').expect(404);
    expect(res.body).toEqual({ statusCode: 404, code: 'ROUTE_NOT_FOUND', message: expect.any(String) });
  });

  it('sends no CORS headers and answers no preflight without an allowlist (the default)', async () => {
    const origin = 'https://cong.haiphong.gov.vn';
    const res = await ctx.http.get('/api/health/live').set('Origin', origin).expect(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    await ctx.http.options('/api/v1/problems').set('Origin', origin).set('Access-Control-Request-Method', 'GET').expect(404);
  });
});
