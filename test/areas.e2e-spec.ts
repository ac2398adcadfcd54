import { seedAreaReferenceData } from '@app/areas';
import { bearer, createUser, login, startApp, TestContext } from './harness';

const vnToday = () => new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
const dayAfter = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

describe('areas and population figures', () => {
  let ctx: TestContext;
  let admin: string;
  let firmUser: string;

  beforeAll(async () => {
    ctx = await startApp();
    await createUser(ctx, { email: 'admin@test.vn', role: 'admin' });
    await createUser(ctx, { email: 'member@firm.vn', role: 'enterprise' });
    admin = await login(ctx, 'admin@test.vn');
    firmUser = await login(ctx, 'member@firm.vn');
  });
  afterAll(() => ctx.close());

  const reseed = () => ctx.dataSource.transaction((m) => seedAreaReferenceData(m));
  const put = (code: string, asOf: string, body: object, token = admin) =>
    ctx.http.put(`/api/v1/areas/${code}/populations/${asOf}`).set(bearer(token)).send(body);

  it('lists the city and its 114 units publicly, page by page, with the figure in use today', async () => {
    const first = await ctx.http.get('/api/v1/areas?limit=100').expect(200);
    expect(first.body.items).toHaveLength(100);
    const second = await ctx.http.get(`/api/v1/areas?limit=100&cursor=${first.body.nextCursor}`).expect(200);
    expect(second.body).toMatchObject({ nextCursor: null });
    const all = [...first.body.items, ...second.body.items];
    expect(all).toHaveLength(115);
    expect(new Set(all.map((a) => a.code)).size).toBe(115);
    expect(all.find((a) => a.code === '31')).toEqual({
      code: '31',
      name: 'Thành phố Hải Phòng',
      unitType: 'city',
      parentCode: null,
      areaKm2: 3194.72,
      validFrom: '2025-07-01',
      validTo: null,
      formerParentCode: null,
      population: { value: 4_664_124, asOf: '2024-12-31', source: expect.stringContaining('NQ 202/2025/QH15') },
    });
    expect(all.find((a) => a.code === '11311')).toEqual({
      code: '11311',
      name: 'Phường Hồng Bàng',
      unitType: 'ward',
      parentCode: '31',
      areaKm2: null,
      validFrom: '2025-07-01',
      validTo: null,
      formerParentCode: '31-2024',
      population: null,
    });
  });

  it('lists the city as it was on an earlier day: the old city and its 15 districts', async () => {
    const old = await ctx.http.get('/api/v1/areas?inForceOn=2025-06-30&limit=100').expect(200);
    expect(old.body.items.map((a: { code: string }) => a.code).sort()).toEqual(
      ['303', '304', '305', '306', '307', '308', '309', '311', '312', '313', '314', '315', '316', '317', '318', '31-2024'].sort(),
    );
    expect((await ctx.http.get('/api/v1/areas/31-2024').expect(200)).body).toMatchObject({
      validTo: '2025-06-30',
      population: null,
    });
  });

  it('filters by accent-free name, unit type and parent', async () => {
    const byName = await ctx.http.get('/api/v1/areas?q=hong%20bang').expect(200);
    expect(byName.body.items.map((a: { name: string }) => a.name)).toEqual(['Phường Hồng Bàng']);
    const zones = await ctx.http.get('/api/v1/areas?unitType=special_zone').expect(200);
    expect(zones.body.items.map((a: { name: string }) => a.name).sort()).toEqual(['Đặc khu Bạch Long Vĩ', 'Đặc khu Cát Hải']);
    const wards = await ctx.http.get('/api/v1/areas?unitType=ward&parentCode=31&limit=100').expect(200);
    expect(wards.body.items).toHaveLength(45);
    await ctx.http
      .get('/api/v1/areas?q=%25')
      .expect(200)
      .expect((res) => expect(res.body.items).toEqual([]));
  });

  it('shows one area with all its figures, and 404 for an unknown one', async () => {
    const city = await ctx.http.get('/api/v1/areas/31').expect(200);
    expect(city.body.populations).toEqual([
      { value: 4_664_124, asOf: '2024-12-31', source: expect.any(String), recordedBy: null, updatedAt: expect.any(String) },
    ]);
    const missing = await ctx.http.get('/api/v1/areas/99999').expect(404);
    expect(missing.body).toMatchObject({ statusCode: 404, message: expect.stringContaining('99999') });
    expect((await ctx.http.get('/api/v1/areas/not-a-code').expect(400)).body.code).toBe('VALIDATION_FAILED');
  });

  it('lets only admins enter figures, and validates them', async () => {
    expect((await put('11311', '2025-06-30', { population: 50_000, source: 'x' }, firmUser).expect(403)).body.code).toBe(
      'ROLE_FORBIDDEN',
    );
    await ctx.http.put('/api/v1/areas/11311/populations/2025-06-30').send({ population: 50_000, source: 'x' }).expect(401);
    for (const body of [
      { population: 0, source: 'x' },
      { population: -5, source: 'x' },
      { population: 12.5, source: 'x' },
      { population: '50000', source: 'x' },
      { population: 50_000 },
      { population: 50_000, source: '   ' },
      { population: 50_000, source: 'x', recordedBy: 'me' },
    ]) {
      const res = await put('11311', '2025-06-30', body).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    expect((await put('11311', '2025-02-30', { population: 50_000, source: 'x' }).expect(400)).body.code).toBe(
      'VALIDATION_FAILED',
    );
    const future = await put('11311', dayAfter(vnToday()), { population: 50_000, source: 'projection' }).expect(400);
    expect(future.body.code).toBe('DATE_IN_FUTURE');
    expect((await put('99999', '2025-06-30', { population: 50_000, source: 'x' }).expect(404)).body.statusCode).toBe(404);
    const rows = await ctx.dataSource.query(`SELECT count(*)::int AS n FROM area_populations WHERE area_code <> '31'`);
    expect(rows[0].n).toBe(0);
  });

  it('an unchanged figure is not a change: 200, no new audit entry', async () => {
    await put('11329', '2025-06-30', { population: 61_000, source: 'UBND phường Ngô Quyền' }).expect(201);
    const count = async () =>
      (await ctx.dataSource.query(`SELECT count(*)::int AS n FROM audit_log WHERE entity_id = '11329:2025-06-30'`))[0].n;
    const before = await count();
    const again = await put('11329', '2025-06-30', { population: 61_000, source: 'UBND phường Ngô Quyền' }).expect(200);
    expect(again.body).toMatchObject({ value: 61_000 });
    expect(await count()).toBe(before);
  });

  it('deletes a figure (audited); a second delete is 404', async () => {
    await put('11329', '2024-12-31', { population: 60_000, source: 'a typo of a date' }).expect(201);
    await ctx.http.delete('/api/v1/areas/11329/populations/2024-12-31').set(bearer(firmUser)).expect(403);
    await ctx.http.delete('/api/v1/areas/11329/populations/2024-12-31').set(bearer(admin)).expect(204);
    const again = await ctx.http.delete('/api/v1/areas/11329/populations/2024-12-31').set(bearer(admin)).expect(404);
    expect(again.body.code).toBe('AREA_POPULATION_NOT_FOUND');
    const audit = await ctx.http
      .get('/api/v1/audit?entityType=area_population&action=area_population.deleted')
      .set(bearer(admin))
      .expect(200);
    expect(audit.body.items[0]).toMatchObject({ entityId: '11329:2024-12-31', before: { value: 60_000 }, after: null });
  });

  it('re-seeding changes nothing, never overwrites a correction, and does not bring back a deleted figure', async () => {
    expect(await reseed()).toEqual({ areasWritten: 0, populationsInserted: [] });

    await put('31', '2024-12-31', { population: 4_670_000, source: 'Cục Thống kê, hiệu chỉnh' }).expect(200);
    await reseed();
    expect((await ctx.http.get('/api/v1/areas/31').expect(200)).body.population).toMatchObject({ value: 4_670_000 });

    await ctx.http.delete('/api/v1/areas/31/populations/2024-12-31').set(bearer(admin)).expect(204);
    expect((await reseed()).populationsInserted).toEqual([]);
    expect((await ctx.http.get('/api/v1/areas/31').expect(200)).body.population).toBeNull();

    // An admin entering it again is the latest word; from then on seeding is a no-op again.
    await put('31', '2024-12-31', { population: 4_664_124, source: 'NQ 202/2025/QH15' }).expect(201);
    expect((await reseed()).populationsInserted).toEqual([]);
  });

  it('the seed restores the reference figure into an emptied table', async () => {
    await ctx.dataSource.query(`DELETE FROM area_populations WHERE area_code = '31'`);
    expect((await reseed()).populationsInserted).toEqual([
      { areaCode: '31', asOf: '2024-12-31', value: 4_664_124, source: expect.any(String) },
    ]);
  });
});
