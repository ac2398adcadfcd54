import { changeStatus, registerFirm, vnToday } from './enterprise-fixtures';
import { bearer, createUser, login, startApp, TestContext } from './harness';

describe('the indicator tells the truth from day one', () => {
  let ctx: TestContext;
  let admin: string;
  let officer: string;

  beforeAll(async () => {
    ctx = await startApp();
    await createUser(ctx, { email: 'admin@truth.vn', role: 'admin' });
    await createUser(ctx, { email: 'evaluator@truth.vn', role: 'evaluator' });
    admin = await login(ctx, 'admin@truth.vn');
    officer = await login(ctx, 'evaluator@truth.vn');
  });
  afterAll(() => ctx.close());

  const density = (q: string) => ctx.http.get(`/api/v1/indicators/enterprise-density${q}`).expect(200);

  describe('counting from when the activity began', () => {
    it('dates a verification back to the founding date, and counts the firm from then', async () => {
      const firm = await registerFirm(ctx, { enterprise: { foundedOn: '2019-05-01', areaCode: '11311' } });
      const early = await changeStatus(ctx, admin, firm.id, 'verify', { effectiveDate: '2019-04-30' }).expect(400);
      expect(early.body).toMatchObject({
        code: 'EFFECTIVE_DATE_INVALID',
        message: expect.stringContaining('bắt đầu hoạt động công nghệ số'),
        details: { earliest: '2019-05-01', rule: 'activity_start' },
      });
      await changeStatus(ctx, admin, firm.id, 'verify', { effectiveDate: '2019-05-01' }).expect(200);
      const at = async (asOf: string) => (await density(`?asOf=${asOf}&area=11311`)).body.areas[0].enterprises as number;
      expect([await at('2019-04-30'), await at('2019-05-01'), await at('2022-01-01')]).toEqual([0, 1, 1]);
      // A later decision keeps date order after the verification, not after the (recent) registration.
      await changeStatus(ctx, admin, firm.id, 'cease', { effectiveDate: '2019-04-01', reason: 'x' }).expect(400);
      await changeStatus(ctx, admin, firm.id, 'cease', { effectiveDate: '2023-03-01', reason: 'Giải thể' }).expect(200);
      expect(await at('2023-03-01')).toBe(0);
      expect(await at('2023-02-28')).toBe(1);
    });

    it('counts from a later stated start only with its evidence', async () => {
      const bad = await ctx.http
        .post('/api/v1/auth/register-enterprise')
        .send({
          email: 'late@firm.vn',
          password: 'correct horse battery staple',
          fullName: 'Trần Thị Bình',
          enterprise: {
            legalName: 'Công ty TNHH Chuyển đổi Số Muộn',
            taxCode: '0100109106',
            address: 'Số 2 Lạch Tray',
            areaCode: '11329',
            sectors: ['ict'],
            foundedOn: '2010-01-01',
            activityStartedOn: '2021-06-01',
          },
        })
        .expect(400);
      expect(bad.body.details[0].field).toBe('enterprise.activityStartEvidence');
      const firm = await registerFirm(ctx, {
        enterprise: {
          foundedOn: '2010-01-01',
          activityStartedOn: '2021-06-01',
          activityStartEvidence: 'GCN ĐKDN thay đổi lần 5: ngành 6201',
        },
      });
      const res = await changeStatus(ctx, admin, firm.id, 'verify', { effectiveDate: '2015-01-01' }).expect(400);
      expect(res.body.details).toMatchObject({ earliest: '2021-06-01', rule: 'activity_start' });
      await changeStatus(ctx, admin, firm.id, 'verify', { effectiveDate: '2021-06-01' }).expect(200);
    });

    it('without a known start, refuses to date a verification before the registration, and says what to record', async () => {
      const firm = await registerFirm(ctx);
      const res = await changeStatus(ctx, admin, firm.id, 'verify', { effectiveDate: '2020-01-01' }).expect(400);
      expect(res.body.details).toMatchObject({ earliest: vnToday(), rule: 'registration' });
      expect(res.body.message).toMatch(/ngày thành lập/);
    });
  });

  describe('population per unit from a file', () => {
    const csv = [
      'unit,value,as_of,source',
      '31-2024,"2.105.000",2024-12-31,Cục Thống kê (địa giới cũ)',
      'Phường Hồng Bàng,98000,31/12/2024,',
      'quan ngo quyen,170000,2024-12-31,UBND quận',
      'Hồng Bàng,1,2024-12-31,x',
      '11311,99000,2024-12-31,dup',
      'Phường Không Có,5,2024-12-31,x',
      '11329,-3,2024-12-31,x',
      '11329,5000,,x',
    ].join('\n');
    const send = (token: string, commit: boolean) =>
      ctx.http
        .post('/api/v1/areas/population-imports')
        .set(bearer(token))
        .field('commit', String(commit))
        .field('source', 'Niên giám thống kê Hải Phòng 2024')
        .attach('file', Buffer.from(csv), 'dan-so.csv');

    it('reports every row in a dry run and writes nothing', async () => {
      const res = await send(admin, false).expect(200);
      expect(res.body).toMatchObject({ committed: false, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(res.body.rows.map((r: { outcome: string }) => r.outcome)).toEqual([
        'ready',
        'ready',
        'ready',
        'ambiguous_unit', // Phường Hồng Bàng or Quận Hồng Bàng
        'duplicate_in_file',
        'unknown_unit',
        'invalid',
        'missing_dates',
      ]);
      expect(res.body.rows[1]).toMatchObject({
        areaCode: '11311',
        value: 98000,
        asOf: '2024-12-31',
        source: 'Niên giám thống kê Hải Phòng 2024',
      });
      expect(res.body.rows[2]).toMatchObject({ areaCode: '304' });
      const n = await ctx.dataSource.query(
        `SELECT count(*)::int AS n FROM area_populations WHERE area_code IN ('31-2024', '11311', '304')`,
      );
      expect(n[0].n).toBe(0);
    });

    it('is for admins only', async () => {
      expect((await send(officer, true).expect(403)).body.code).toBe('ROLE_FORBIDDEN');
    });

    it('commits the good rows, audited, and the densities appear', async () => {
      const res = await send(admin, true).expect(200);
      expect(res.body.summary).toMatchObject({ ready: 3 });
      const old = (await density('?asOf=2025-03-31')).body;
      expect(old.city).toMatchObject({ areaCode: '31-2024', population: { value: 2_105_000, asOf: '2024-12-31' } });
      const unit = old.areas.find((a: { areaCode: string }) => a.areaCode === '11311');
      expect(unit.population).toMatchObject({ value: 98000 });
      const again = await send(admin, false).expect(200);
      expect(again.body.summary).toMatchObject({ unchanged: 3 });
      const audit = await ctx.http.get('/api/v1/audit?entityType=area_population&limit=1').set(bearer(admin)).expect(200);
      expect(audit.body.items[0]).toMatchObject({ action: 'area_population.imported', after: { sha256: res.body.sha256 } });
    });
  });

  it('publishes its methodology in Vietnamese and English', async () => {
    const vi = (await ctx.http.get('/api/v1/indicators/enterprise-density/methodology').expect(200)).body;
    expect(vi).toMatchObject({ language: 'vi', target: 0.7, boundaryChangeDate: '2025-07-01' });
    expect(vi.sections.map((s: { key: string }) => s.key)).toEqual([
      'what',
      'counted',
      'dates',
      'boundaries',
      'population',
      'vintages',
      'sources',
    ]);
    expect(vi.title).toMatch(/Phương pháp/);
    const en = (
      await ctx.http.get('/api/v1/indicators/enterprise-density/methodology').set('Accept-Language', 'en-US,en;q=0.9').expect(200)
    ).body;
    expect(en.language).toBe('en');
    expect(en.sections.find((s: { key: string }) => s.key === 'vintages').body.join(' ')).toMatch(/knownAt/);
    expect(en.cityPopulations).toContainEqual(expect.objectContaining({ areaCode: '31', value: 4_664_124 }));
    expect((await ctx.http.get('/api/v1/indicators/enterprise-density/methodology?lang=en').expect(200)).body.language).toBe(
      'en',
    );
  });

  it('answers knownAt and says when a figure was revised', async () => {
    const firm = await registerFirm(ctx, { enterprise: { foundedOn: '2024-02-01', areaCode: '11329' } });
    const before = (await density('?asOf=2024-12-31')).body;
    await changeStatus(ctx, admin, firm.id, 'verify', { effectiveDate: '2024-02-01' }).expect(200);
    const after = (await density('?asOf=2024-12-31')).body;
    expect(after.city.enterprises).toBe(before.city.enterprises + 1);
    expect(after.vintage).toMatchObject({
      revised: true,
      lastRevisedOn: vnToday(),
      firstPublishedAt: '2024-12-31T23:59:59.999+07:00',
    });
    expect(after.vintage.firstPublishedEnterprises).toBe(0); // nothing was recorded on the platform back then
    const asKnown = (await density(`?asOf=2024-12-31&knownAt=2025-01-15`)).body;
    expect(asKnown.city.enterprises).toBe(0);
    expect(asKnown.vintage).toMatchObject({ latest: false, revised: false, knownAt: '2025-01-15T23:59:59.999+07:00' });
    // The monthly series answers as known then too.
    const series = (q: string) =>
      ctx.http.get(`/api/v1/indicators/enterprise-density/series?from=2024-10&to=2024-12${q}`).expect(200);
    const known = (await series('&knownAt=2025-01-15')).body;
    expect(known.items.map((p: { enterprises: number }) => p.enterprises)).toEqual([0, 0, 0]);
    const latestSeries = (await series('')).body;
    // No change in October–December 2024: every month end shows today's knowledge of 31 December.
    expect(latestSeries.items.map((p: { enterprises: number }) => p.enterprises)).toEqual(Array(3).fill(after.city.enterprises));
    const future = await ctx.http.get('/api/v1/indicators/enterprise-density?knownAt=2999-01-01').expect(400);
    expect(future.body.code).toBe('DATE_IN_FUTURE');
    expect((await ctx.http.get('/api/v1/indicators/enterprise-density?knownAt=yesterday').expect(400)).body.code).toBe(
      'VALIDATION_FAILED',
    );
  });
});
