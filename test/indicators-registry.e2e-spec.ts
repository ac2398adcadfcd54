import { activeFromHistory } from './density-fixtures';
import { changeStatus, registerFirm, vnToday } from './enterprise-fixtures';
import { createUser, login, startApp, TestContext } from './harness';

/**
 * The indicator against the registry's own endpoints: what verify/suspend/reinstate/cease write
 * is what the indicator counts. (A transition may not predate the firm's registration, so this
 * runs on today's date; the dated cases are in indicators.e2e-spec.ts.)
 */
describe('enterprise-density indicator over the registry endpoints', () => {
  let ctx: TestContext;
  let admin: string;

  beforeAll(async () => {
    ctx = await startApp();
    await createUser(ctx, { email: 'admin@test.vn', role: 'admin' });
    admin = await login(ctx, 'admin@test.vn');
  });
  afterAll(() => ctx.close());

  it('counts a firm while verified: after verification and reinstatement, not after suspension or cessation', async () => {
    const firm = await registerFirm(ctx, { enterprise: { areaCode: '11311', sectors: ['ict', 'health'] } });
    const other = await registerFirm(ctx, { enterprise: { areaCode: '11674', sectors: ['ict'] } });
    await changeStatus(ctx, admin, other.id, 'verify').expect(200);

    const check = async (expected: number) => {
      const body = (await ctx.http.get('/api/v1/indicators/enterprise-density?groupBy=sector').expect(200)).body;
      const history = await activeFromHistory(ctx, vnToday());
      const area = (code: string) => body.areas.find((a: { areaCode: string }) => a.areaCode === code).enterprises;
      const sector = (s: string) => body.sectors.find((x: { sector: string }) => x.sector === s).enterprises;
      expect({
        firm: area('11311'),
        other: area('11674'),
        city: body.city.enterprises,
        ict: sector('ict'),
        health: sector('health'),
      }).toEqual({
        firm: expected,
        other: 1,
        city: expected + 1,
        ict: expected + 1,
        health: expected,
      });
      expect(area('11311')).toBe(history.get('11311') ?? 0);
    };

    await check(0); // pending
    await changeStatus(ctx, admin, firm.id, 'verify').expect(200);
    await check(1);
    await changeStatus(ctx, admin, firm.id, 'suspend', { reason: 'Hồ sơ thiếu' }).expect(200);
    await check(0);
    await changeStatus(ctx, admin, firm.id, 'reinstate').expect(200);
    await check(1);
    await changeStatus(ctx, admin, firm.id, 'cease', { reason: 'Giải thể' }).expect(200);
    await check(0);
  });
});
