import './cors-env';
import { startApp, TestContext } from './harness';

describe('cross-origin reads with an allowlist (CORS_ORIGINS)', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startApp();
  });
  afterAll(() => ctx.close());
  const origin = 'https://cong.haiphong.gov.vn';

  it('answers a preflight and the read for an origin on the list', async () => {
    const preflight = await ctx.http
      .options('/api/v1/problems')
      .set('Origin', origin)
      .set('Access-Control-Request-Method', 'GET')
      .expect(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(origin);
    const res = await ctx.http.get('/api/health/live').set('Origin', origin).expect(200);
    expect(res.headers['access-control-allow-origin']).toBe(origin);
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('gives an origin not on the list no CORS headers', async () => {
    const res = await ctx.http.get('/api/health/live').set('Origin', 'https://evil.example').expect(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});
