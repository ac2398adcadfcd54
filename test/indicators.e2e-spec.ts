import { parseCsv } from '@app/common';
import { activeFromHistory, insertFirm } from './density-fixtures';
import { bearer, createDepartment, createUser, login, startApp, TestContext } from './harness';

const CITY_POPULATION = 4_664_124;
/** The old city (before 1 July 2025) has no reference figure: the suite enters one as an admin would. */
const OLD_CITY = '31-2024';
const OLD_CITY_POPULATION = 2_105_000;
const MERGER = '2025-07-01';
const HONG_BANG = '11311'; // Phường Hồng Bàng
const NGO_QUYEN = '11329'; // Phường Ngô Quyền
const AN_HUNG = '11674'; // Xã An Hưng

/** Today in Hai Phong (UTC+7, no daylight saving), computed here independently of the code under test. */
const vnToday = () => new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
const dayAfter = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
const per1000 = (n: number, population: number) => Math.round((n / population) * 1000 * 10_000) / 10_000;

/** Dates around every transition below: the day before, the day itself. */
const CHECK_DATES = [
  '2024-01-19',
  '2024-01-20',
  '2024-02-29',
  '2024-03-01',
  '2024-06-09',
  '2024-06-10',
  '2024-09-14',
  '2024-09-15',
  '2024-12-30',
  '2024-12-31',
  '2025-01-31',
  '2025-02-01',
  '2025-08-30',
  '2025-08-31',
  '2025-12-31',
];

describe('enterprise-density indicator', () => {
  let ctx: TestContext;
  let admin: string;
  let officer: string;

  beforeAll(async () => {
    ctx = await startApp();
    await createUser(ctx, { email: 'admin@test.vn', role: 'admin' });
    await createUser(ctx, { email: 'officer@test.vn', role: 'officer', organizationId: await createDepartment(ctx) });
    admin = await login(ctx, 'admin@test.vn');
    officer = await login(ctx, 'officer@test.vn');
    await ctx.http
      .put(`/api/v1/areas/${OLD_CITY}/populations/2024-12-31`)
      .set(bearer(admin))
      .send({ population: OLD_CITY_POPULATION, source: 'Cục Thống kê Hải Phòng, niên giám 2024 (địa giới cũ)' })
      .expect(201);

    // verified → suspended → reinstated → ceased
    await insertFirm(ctx, {
      areaCode: HONG_BANG,
      sectors: ['ict', 'ecommerce'],
      registeredOn: '2024-02-01',
      transitions: [
        { to: 'verified', on: '2024-03-01' },
        { to: 'suspended', on: '2024-09-15' },
        { to: 'verified', on: '2025-02-01' },
        { to: 'ceased', on: '2025-08-31' },
      ],
    });
    await insertFirm(ctx, {
      areaCode: HONG_BANG,
      sectors: ['ict'],
      registeredOn: '2024-06-01',
      transitions: [{ to: 'verified', on: '2024-06-10' }],
    });
    // the same day as the reinstatement above: the deltas of one day add up
    await insertFirm(ctx, {
      areaCode: HONG_BANG,
      sectors: ['logistics_seaport'],
      registeredOn: '2025-01-10',
      transitions: [{ to: 'verified', on: '2025-02-01' }],
    });
    await insertFirm(ctx, {
      areaCode: NGO_QUYEN,
      sectors: ['smart_tourism'],
      registeredOn: '2024-01-02',
      transitions: [
        { to: 'verified', on: '2024-01-20' },
        { to: 'ceased', on: '2024-12-31' },
      ],
    });
    await insertFirm(ctx, { areaCode: NGO_QUYEN, sectors: ['ict'], registeredOn: '2024-02-01', transitions: [] }); // pending: never counted
    await insertFirm(ctx, {
      areaCode: AN_HUNG,
      sectors: ['health'],
      registeredOn: '2024-03-20',
      transitions: [{ to: 'rejected', on: '2024-04-01' }],
    });
    await insertFirm(ctx, {
      areaCode: AN_HUNG,
      sectors: ['smart_agriculture'],
      registeredOn: '2024-02-15',
      transitions: [{ to: 'verified', on: '2024-03-01' }],
    });
  });
  afterAll(() => ctx.close());

  const density = (query: string) => ctx.http.get(`/api/v1/indicators/enterprise-density${query}`);

  it('counts each area and the city on every date as the status history says, before and after each transition', async () => {
    for (const asOf of CHECK_DATES) {
      const expected = await activeFromHistory(ctx, asOf);
      const res = await density(`?asOf=${asOf}`).expect(200);
      const body = res.body;
      expect({ asOf, body: body.asOf }).toEqual({ asOf, body: asOf });
      // Before the merger the city is the old one: the 50 units formed from its territory.
      expect(body.areas).toHaveLength(asOf < MERGER ? 50 : 114);
      expect(body.boundary.code).toBe(asOf < MERGER ? OLD_CITY : '31');
      const got = Object.fromEntries(
        body.areas
          .filter((a: { enterprises: number }) => a.enterprises !== 0)
          .map((a: { areaCode: string; enterprises: number }) => [a.areaCode, a.enterprises]),
      );
      expect({ asOf, counts: got }).toEqual({ asOf, counts: Object.fromEntries([...expected].filter(([, n]) => n !== 0)) });
      const total = [...expected.values()].reduce((s, n) => s + n, 0);
      expect({ asOf, city: body.city.enterprises }).toEqual({ asOf, city: total });
    }
  });

  it('matches hand-worked counts at the turning points', async () => {
    const count = async (asOf: string) => {
      const body = (await density(`?asOf=${asOf}`).expect(200)).body;
      const of = (code: string) => body.areas.find((a: { areaCode: string }) => a.areaCode === code).enterprises;
      return [body.city.enterprises, of(HONG_BANG), of(NGO_QUYEN), of(AN_HUNG)];
    };
    expect(await count('2024-01-19')).toEqual([0, 0, 0, 0]);
    expect(await count('2024-03-01')).toEqual([3, 1, 1, 1]); // verification counts from its effective day
    expect(await count('2024-09-15')).toEqual([3, 1, 1, 1]); // one suspended, one verified in between
    expect(await count('2024-12-31')).toEqual([2, 1, 0, 1]); // cessation stops the count on its day
    expect(await count('2025-02-01')).toEqual([4, 3, 0, 1]); // reinstated + a new firm on the same day
    expect(await count('2025-08-31')).toEqual([3, 2, 0, 1]);
  });

  it('states the city figure it used, computes density and progress, and uses the later figure for earlier dates', async () => {
    const body = (await density('?asOf=2025-08-30').expect(200)).body;
    expect(body.target).toBe(0.7);
    expect(body.city).toEqual({
      areaCode: '31',
      name: 'Thành phố Hải Phòng',
      enterprises: 4,
      population: { value: CITY_POPULATION, asOf: '2024-12-31', source: expect.stringContaining('NQ 202/2025/QH15') },
      density: per1000(4, CITY_POPULATION),
      progress: Math.round((((4 / CITY_POPULATION) * 1000) / 0.7) * 10_000) / 10_000,
    });
    // Before the merger: the old city and its own figure, never the merged 2024 figure.
    const old = (await density('?asOf=2025-02-01').expect(200)).body;
    expect(old.city).toMatchObject({
      areaCode: OLD_CITY,
      enterprises: 4,
      population: { value: OLD_CITY_POPULATION, asOf: '2024-12-31' },
      density: per1000(4, OLD_CITY_POPULATION),
    });
    // No figure on or before mid-2024: the earliest later one is used, and its date says so.
    const early = (await density('?asOf=2024-06-30').expect(200)).body;
    expect(early.city.population.asOf).toBe('2024-12-31');
    expect(early.city).toMatchObject({ enterprises: 4, density: per1000(4, OLD_CITY_POPULATION) });
  });

  it('shows counts without a density where an area has no population figure, and says why', async () => {
    const res = await density(`?asOf=2025-02-01&area=${HONG_BANG}`).expect(200);
    expect(res.body.areas).toEqual([
      {
        areaCode: HONG_BANG,
        name: 'Phường Hồng Bàng',
        unitType: 'ward',
        enterprises: 3,
        population: null,
        density: null,
        reason: expect.stringMatching(/no population figure is recorded/i),
      },
    ]);
    expect(res.body.city.enterprises).toBe(4); // the city stays whole
    const city = (await density(`?asOf=2025-02-01&area=${OLD_CITY}`).expect(200)).body;
    expect(city.areas).toHaveLength(50);
    expect(city.city).toMatchObject({ areaCode: OLD_CITY, enterprises: 4 });
  });

  it('reflects a population entered and then corrected by an admin, audits both, and refuses non-admins', async () => {
    const put = (token: string | null, body: object) => {
      const req = ctx.http.put(`/api/v1/areas/${HONG_BANG}/populations/2025-01-01`);
      return (token ? req.set(bearer(token)) : req).send(body);
    };
    await put(null, { population: 40_000, source: 'x' }).expect(401);
    const forbidden = await put(officer, { population: 40_000, source: 'Điều tra dân số' }).expect(403);
    expect(forbidden.body.code).toBe('ROLE_FORBIDDEN');

    const created = await put(admin, { population: 40_000, source: 'UBND phường Hồng Bàng, báo cáo 2025' }).expect(201);
    expect(created.body).toMatchObject({ value: 40_000, asOf: '2025-01-01', source: 'UBND phường Hồng Bàng, báo cáo 2025' });
    let area = (await density(`?asOf=2025-02-01&area=${HONG_BANG}`).expect(200)).body.areas[0];
    expect(area).toMatchObject({ enterprises: 3, population: { value: 40_000, asOf: '2025-01-01' }, density: 0.075 });
    expect(area.reason).toBeUndefined();

    await put(admin, { population: 50_000, source: 'UBND phường Hồng Bàng, số liệu đã hiệu chỉnh' }).expect(200);
    area = (await density(`?asOf=2025-02-01&area=${HONG_BANG}`).expect(200)).body.areas[0];
    expect(area).toMatchObject({ population: { value: 50_000 }, density: 0.06 });

    const audit = await ctx.http.get('/api/v1/audit?entityType=area_population&limit=5').set(bearer(admin)).expect(200);
    const [corrected, entered] = audit.body.items;
    expect(corrected).toMatchObject({
      action: 'area_population.corrected',
      entityId: `${HONG_BANG}:2025-01-01`,
      before: { areaCode: HONG_BANG, value: 40_000, asOf: '2025-01-01' },
      after: { value: 50_000, source: 'UBND phường Hồng Bàng, số liệu đã hiệu chỉnh' },
    });
    expect(entered).toMatchObject({ action: 'area_population.created', before: null, after: { value: 40_000 } });
    const figures = await ctx.dataSource.query(`SELECT population FROM area_populations WHERE area_code = $1`, [HONG_BANG]);
    expect(figures).toEqual([{ population: 50_000 }]);
  });

  it('adds city-wide sector counts with groupBy=sector, every sector listed', async () => {
    const body = (await density('?asOf=2025-08-30&groupBy=sector').expect(200)).body;
    expect(body.sectors).toHaveLength(11);
    const bySector = Object.fromEntries(
      body.sectors.map((s: { sector: string; enterprises: number }) => [s.sector, s.enterprises]),
    );
    expect(bySector).toMatchObject({
      ict: 2,
      ecommerce: 1,
      logistics_seaport: 1,
      smart_agriculture: 1,
      smart_tourism: 0,
      health: 0,
    });
    expect(body.sectors[0]).toEqual({ sector: 'ict', enterprises: 2 }); // busiest first
    expect((await density('?asOf=2025-08-30').expect(200)).body.sectors).toBeUndefined();
    // Sector deltas carry no unit, so before the merger they are not split by city: said, not invented.
    const old = (await density('?asOf=2025-02-01&groupBy=sector').expect(200)).body;
    expect(old.sectors).toBeUndefined();
    expect(old.sectorsReason).toMatch(/2025-07-01/);
  });

  it('gives the same answer about the past after today changes', async () => {
    // knownAt "now" moves by itself; everything else must stay.
    const stable = (body: { vintage?: { knownAt?: string }; knownAt?: string }) => ({
      ...body,
      knownAt: undefined,
      vintage: body.vintage && { ...body.vintage, knownAt: undefined },
    });
    const before = stable((await density('?asOf=2025-08-30&groupBy=sector').expect(200)).body);
    const series = stable(
      (await ctx.http.get('/api/v1/indicators/enterprise-density/series?from=2024-01&to=2024-12').expect(200)).body,
    );
    await insertFirm(ctx, {
      areaCode: NGO_QUYEN,
      sectors: ['ict'],
      registeredOn: vnToday(),
      transitions: [{ to: 'verified', on: vnToday() }],
    });
    expect(stable((await density('?asOf=2025-08-30&groupBy=sector').expect(200)).body)).toEqual(before);
    expect(
      stable((await ctx.http.get('/api/v1/indicators/enterprise-density/series?from=2024-01&to=2024-12').expect(200)).body),
    ).toEqual(series);
    // … while today's answer moves
    const today = (await density('').expect(200)).body;
    expect(today.asOf).toBe(vnToday());
    expect(today.city.enterprises).toBe([...(await activeFromHistory(ctx, vnToday())).values()].reduce((s, n) => s + n, 0));
    expect(today.city.enterprises).toBe(4);
  });

  describe('monthly series', () => {
    const series = (query: string) => ctx.http.get(`/api/v1/indicators/enterprise-density/series${query}`);

    it('gives month-end values that match the history, across month and leap-day boundaries', async () => {
      const body = (await series('?from=2023-12&to=2025-09').expect(200)).body;
      expect(body).toMatchObject({ areaCode: '31', name: 'Thành phố Hải Phòng', target: 0.7, from: '2023-12', to: '2025-09' });
      expect(body.items).toHaveLength(22);
      expect(body.items.slice(2, 4).map((p: { month: string; asOf: string }) => [p.month, p.asOf])).toEqual([
        ['2024-02', '2024-02-29'],
        ['2024-03', '2024-03-31'],
      ]);
      for (const point of body.items) {
        const expected = [...(await activeFromHistory(ctx, point.asOf)).values()].reduce((s, n) => s + n, 0);
        expect({ month: point.month, enterprises: point.enterprises }).toEqual({ month: point.month, enterprises: expected });
        const population = point.asOf < MERGER ? OLD_CITY_POPULATION : CITY_POPULATION;
        expect(point.boundary).toBe(point.asOf < MERGER ? OLD_CITY : '31');
        expect(point.population).toMatchObject({ value: population, asOf: '2024-12-31' });
        expect(point.density).toBe(per1000(expected, population));
      }
      const at = (month: string) => body.items.find((p: { month: string }) => p.month === month).enterprises;
      expect([at('2024-02'), at('2024-03'), at('2024-11'), at('2024-12'), at('2025-07'), at('2025-08')]).toEqual([
        1, 3, 3, 2, 4, 3,
      ]);
    });

    it('follows one area, with no density where it has no population', async () => {
      const body = (await series(`?from=2024-08&to=2024-10&area=${NGO_QUYEN}`).expect(200)).body;
      expect(body).toMatchObject({ areaCode: NGO_QUYEN, name: 'Phường Ngô Quyền' });
      expect(body.items.map((p: { enterprises: number; density: number | null }) => [p.enterprises, p.density])).toEqual([
        [1, null],
        [1, null],
        [1, null],
      ]);
      expect(body.items[0].reason).toMatch(/no population figure/i);
    });

    it('ends the current month at today, and defaults to the last 12 months', async () => {
      const body = (await series('').expect(200)).body;
      expect(body.items).toHaveLength(12);
      expect(body.items[11]).toMatchObject({ month: vnToday().slice(0, 7), asOf: vnToday() });
    });

    it('refuses a range backwards, too long, or in the future', async () => {
      const back = await series('?from=2025-06&to=2025-01').expect(400);
      expect(back.body).toEqual({
        statusCode: 400,
        code: 'SERIES_RANGE_INVALID',
        message: expect.any(String),
        details: expect.any(Object),
      });
      expect((await series('?from=2010-01&to=2025-01').expect(400)).body.code).toBe('SERIES_RANGE_INVALID');
      const [y, m] = vnToday().split('-').map(Number);
      const nextMonth = m === 12 ? `${y! + 1}-01` : `${y}-${String(m! + 1).padStart(2, '0')}`;
      expect((await series(`?to=${nextMonth}`).expect(400)).body.code).toBe('DATE_IN_FUTURE');
      expect((await series('?from=2025-13').expect(400)).body.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('CSV', () => {
    it('exports the snapshot as CSV that parses and matches the JSON, by ?format=csv or Accept', async () => {
      const json = (await density('?asOf=2025-08-30').expect(200)).body;
      const viaQuery = await density('?asOf=2025-08-30&format=csv').expect(200);
      const viaAccept = await density('?asOf=2025-08-30').set('Accept', 'text/csv').expect(200);
      for (const res of [viaQuery, viaAccept]) {
        expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
        expect(res.headers['content-disposition']).toBe('attachment; filename="enterprise-density_31_2025-08-30.csv"');
      }
      expect(viaAccept.text).toBe(viaQuery.text);
      const [header, ...rows] = parseCsv(viaQuery.text);
      expect(header).toEqual([
        'as_of',
        'area_code',
        'name',
        'unit_type',
        'enterprises',
        'population',
        'population_as_of',
        'population_source',
        'density_per_1000',
        'target_per_1000',
        'progress',
        'note',
      ]);
      expect(rows).toHaveLength(115);
      const record = (row: string[]) => Object.fromEntries(header!.map((h, i) => [h, row[i]]));
      expect(record(rows[0]!)).toEqual({
        as_of: '2025-08-30',
        area_code: '31',
        name: 'Thành phố Hải Phòng',
        unit_type: 'city',
        enterprises: String(json.city.enterprises),
        population: String(CITY_POPULATION),
        population_as_of: '2024-12-31',
        population_source: json.city.population.source,
        density_per_1000: String(json.city.density),
        target_per_1000: '0.7',
        progress: String(json.city.progress),
        note: '',
      });
      json.areas.forEach(
        (a: { areaCode: string; name: string; enterprises: number; density: number | null; reason?: string }, i: number) => {
          const r = record(rows[i + 1]!);
          expect([
            r.area_code,
            r.name,
            Number(r.enterprises),
            r.density_per_1000 === '' ? null : Number(r.density_per_1000),
            r.note || undefined,
          ]).toEqual([a.areaCode, a.name, a.enterprises, a.density, a.reason]);
        },
      );
      // JSON stays the default, and ?format=json wins over Accept
      const again = (await density('?asOf=2025-08-30&format=json').set('Accept', 'text/csv').expect(200)).body;
      expect({ ...again, vintage: { ...again.vintage, knownAt: 0 } }).toEqual({
        ...json,
        vintage: { ...json.vintage, knownAt: 0 },
      });
    });

    it('exports the series and the sector table as CSV', async () => {
      const json = (await ctx.http.get('/api/v1/indicators/enterprise-density/series?from=2024-11&to=2025-02').expect(200)).body;
      const res = await ctx.http
        .get('/api/v1/indicators/enterprise-density/series?from=2024-11&to=2025-02&format=csv')
        .expect(200);
      expect(res.headers['content-disposition']).toBe('attachment; filename="enterprise-density-series_31_2024-11_2025-02.csv"');
      const [header, ...rows] = parseCsv(res.text);
      expect(header!.slice(0, 5)).toEqual(['month', 'as_of', 'area_code', 'name', 'enterprises']);
      expect(rows.map((r) => [r[0], r[1], Number(r[4]), Number(r[header!.indexOf('density_per_1000')])])).toEqual(
        json.items.map((p: { month: string; asOf: string; enterprises: number; density: number }) => [
          p.month,
          p.asOf,
          p.enterprises,
          p.density,
        ]),
      );
      const sectors = parseCsv((await density('?asOf=2025-08-30&groupBy=sector&format=csv').expect(200)).text);
      expect(sectors[0]).toEqual(['as_of', 'sector', 'enterprises']);
      expect(sectors).toContainEqual(['2025-08-30', 'ict', '2']);
    });
  });

  it('draws the series as an SVG chart with the target line', async () => {
    const res = await ctx.http.get('/api/v1/indicators/enterprise-density/chart?from=2024-01&to=2025-06').expect(200);
    expect(res.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    const svg = res.text ?? res.body.toString('utf8');
    expect(svg).toContain('<svg');
    expect(svg).toContain('mục tiêu 0,7'); // Vietnamese unless asked otherwise
    expect(svg.match(/<circle/g)).toHaveLength(18);
    // An <img> cannot send Accept-Language: ?lang= chooses, and the header works for API callers.
    const en = await ctx.http.get('/api/v1/indicators/enterprise-density/chart?from=2024-01&to=2025-06&lang=en').expect(200);
    expect(en.text ?? en.body.toString('utf8')).toContain('target 0.7');
    const header = await ctx.http
      .get('/api/v1/indicators/enterprise-density/chart?from=2024-01&to=2025-06')
      .set('Accept-Language', 'en')
      .expect(200);
    expect(header.text ?? header.body.toString('utf8')).toContain('Digital-technology enterprises per 1,000 population');
  });

  describe('validation', () => {
    it('refuses a future asOf with 400 and the error shape', async () => {
      const res = await density(`?asOf=${dayAfter(vnToday())}`).expect(400);
      expect(res.body).toEqual({
        statusCode: 400,
        code: 'DATE_IN_FUTURE',
        message: expect.stringContaining('tương lai'),
        details: { asOf: dayAfter(vnToday()), today: vnToday() },
      });
    });

    it.each(['2025-02-30', '2025-2-01', '01/02/2025', 'yesterday', '20250201'])('refuses asOf=%p as not a date', async (asOf) => {
      const res = await density(`?asOf=${encodeURIComponent(asOf)}`).expect(400);
      expect(res.body).toMatchObject({
        statusCode: 400,
        code: 'VALIDATION_FAILED',
        details: [expect.objectContaining({ field: 'asOf' })],
      });
    });

    it('refuses unknown parameters and groupings, and answers 404 for an unknown area', async () => {
      expect((await density('?asOf=2025-01-01&limit=5').expect(400)).body.code).toBe('VALIDATION_FAILED');
      expect((await density('?groupBy=department').expect(400)).body.code).toBe('VALIDATION_FAILED');
      const unknown = await density('?area=99999').expect(404);
      expect(unknown.body).toMatchObject({ statusCode: 404, message: expect.stringContaining('99999') });
      await ctx.http.get('/api/v1/indicators/enterprise-density/series?area=99999').expect(404);
    });
  });
});
