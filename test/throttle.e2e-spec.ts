import './low-rate-limit';
import { startApp, TestContext } from './harness';

describe('rate limit on the auth routes', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startApp();
  });
  afterAll(() => ctx.close());

  it('refuses the fourth login attempt within the window with RATE_LIMITED', async () => {
    for (let i = 0; i < 3; i++) {
      await ctx.http.post('/api/v1/auth/login').send({ email: 'x@test.vn', password: 'whatever-1' }).expect(401);
    }
    const res = await ctx.http.post('/api/v1/auth/login').send({ email: 'x@test.vn', password: 'whatever-1' }).expect(429);
    expect(res.body.code).toBe('RATE_LIMITED');
  });

  it('is not bypassed by a forged X-Forwarded-For: no proxy is trusted unless TRUST_PROXY says so', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await ctx.http
        .post('/api/v1/auth/login')
        .set('X-Forwarded-For', `203.0.113.${i + 10}`)
        .send({ email: 'y@test.vn', password: 'whatever-1' });
      statuses.push(res.status);
    }
    // The window from the test above still counts this client: every forged address is refused.
    expect(statuses).toEqual([429, 429, 429, 429, 429, 429]);
  });

  it('does not limit other routes', async () => {
    for (let i = 0; i < 5; i++) await ctx.http.get('/api/health').expect(200);
  });
});
