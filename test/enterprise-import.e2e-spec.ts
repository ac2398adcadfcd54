import ExcelJS from 'exceljs';
import { parseCsv } from '@app/common';
import { countActive, generateList, HEADER, importTaxCode, MERGER, REF_UNITS } from './import-fixtures';
import { registerAndConfirm, registrationBody, vnToday } from './enterprise-fixtures';
import { bearer, createUser, eventually, login, startApp, TestContext } from './harness';

interface ImportView {
  id: string;
  status: string;
  sha256: string;
  summary: Record<string, number> | null;
  progress: { processedRows: number; totalRows: number | null };
}

describe('baseline import of the official list', () => {
  let ctx: TestContext;
  let admin: string;
  let officer: string;
  const list = generateList(10_000);

  beforeAll(async () => {
    ctx = await startApp({ worker: true });
    await createUser(ctx, { email: 'admin@import.vn', role: 'admin' });
    await createUser(ctx, { email: 'evaluator@import.vn', role: 'evaluator' });
    admin = await login(ctx, 'admin@import.vn');
    officer = await login(ctx, 'evaluator@import.vn');
  });
  afterAll(() => ctx.close());

  const upload = (
    token: string,
    body: Buffer | string,
    name = 'danh-sach.csv',
    source = 'Sở KH&CN Hải Phòng, danh sách 06/2024',
  ) =>
    ctx.http
      .post('/api/v1/enterprise-imports')
      .set(bearer(token))
      .field('source', source)
      .attach('file', Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'), name);
  const get = async (id: string) =>
    (await ctx.http.get(`/api/v1/enterprise-imports/${id}`).set(bearer(admin)).expect(200)).body as ImportView;
  const until = (id: string, status: string) =>
    eventually(async () => {
      const v = await get(id);
      if (v.status === 'failed') throw new Error(`import failed: ${JSON.stringify(v)}`);
      return v.status === status ? v : null;
    }, 60_000);
  const firms = async () => (await ctx.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM enterprises`))[0]!.n;
  const density = (q: string) => ctx.http.get(`/api/v1/indicators/enterprise-density${q}`).expect(200);

  let firstImportId: string;

  it('checks 10,000 rows in a dry run that writes nothing, reporting every kind of bad row', async () => {
    const res = await upload(admin, list.csv).expect(202);
    expect(res.body).toMatchObject({ status: 'validating', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    firstImportId = res.body.id;
    const done = await until(firstImportId, 'validated');
    expect(done.progress).toEqual({ processedRows: 10_000, totalRows: 10_000 });
    expect(done.summary).toEqual(list.expected);
    expect(await firms()).toBe(0); // nothing written before the commit

    const rows = (outcome: string) =>
      ctx.http.get(`/api/v1/enterprise-imports/${firstImportId}/rows?outcome=${outcome}&limit=3`).set(bearer(admin)).expect(200);
    const ambiguous = (await rows('ambiguous_unit')).body.items[0];
    expect(ambiguous.problems[0]).toMatchObject({
      field: 'unit',
      suggestions: expect.arrayContaining([
        expect.objectContaining({ code: '10888' }),
        expect.objectContaining({ code: '10903' }),
      ]),
    });
    const unknown = (await rows('unknown_unit')).body.items[0];
    expect(unknown.problems[0]).toMatchObject({ field: 'unit', code: 'unknown' });
    expect((await rows('invalid_tax_code')).body.items[0].problems[0]).toMatchObject({ field: 'taxCode', code: 'check_digit' });
    // Each problem is worded in the reader's language (Vietnamese by default).
    expect((await rows('invalid_tax_code')).body.items[0].problems[0].message).toBe(
      'Mã số thuế bị nhập sai: chữ số thứ 10 không khớp với chín chữ số đầu.',
    );
    const inEnglish = await ctx.http
      .get(`/api/v1/enterprise-imports/${firstImportId}/rows?outcome=invalid_tax_code&limit=1`)
      .set(bearer(admin))
      .set('Accept-Language', 'en')
      .expect(200);
    expect(inEnglish.body.items[0].problems[0].message).toMatch(/10th digit does not match/);
    expect((await rows('duplicate_in_file')).body.items[0].problems[0]).toMatchObject({ code: 'duplicate' });
    expect((await rows('missing_dates')).body.items[0].problems[0]).toMatchObject({ field: 'foundedOn', code: 'missing' });
    // The whole report as a CSV for Excel: one line per row of the file.
    const report = await ctx.http.get(`/api/v1/enterprise-imports/${firstImportId}/report.csv`).set(bearer(admin)).expect(200);
    expect(report.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = parseCsv(report.text);
    expect(lines[0]).toEqual(['row', 'outcome', 'tax_code', 'unit_code', 'problems', 'suggested_units']);
    expect(lines).toHaveLength(10_001);
    expect(lines.filter((l) => l[1] === 'ambiguous_unit')[0]![5]).toMatch(
      /10888 Xã Cẩm Giang; 10903 Xã Cẩm Giàng|10903 Xã Cẩm Giàng; 10888 Xã Cẩm Giang/,
    );
    await ctx.http.get(`/api/v1/enterprise-imports/${firstImportId}/report.csv`).set(bearer(officer)).expect(403);
    const page = await ctx.http.get(`/api/v1/enterprise-imports/${firstImportId}/rows?limit=100`).set(bearer(admin)).expect(200);
    expect(page.body.items[0]).toMatchObject({
      rowNumber: 2,
      outcome: 'ready',
      record: expect.objectContaining({ sectors: expect.any(Array) }),
    });
  });

  it('is for admins only', async () => {
    expect((await upload(officer, list.csv.slice(0, 2000)).expect(403)).body.code).toBe('ROLE_FORBIDDEN');
    await ctx.http.get(`/api/v1/enterprise-imports/${firstImportId}`).set(bearer(officer)).expect(403);
    await ctx.http.post(`/api/v1/enterprise-imports/${firstImportId}/commit`).set(bearer(officer)).expect(403);
    await ctx.http.get(`/api/v1/enterprise-imports/${firstImportId}`).expect(401);
  });

  it('refuses files it cannot read, at once', async () => {
    const missing = await upload(admin, 'ten,dia_chi\nA,B\n').expect(400);
    expect(missing.body).toMatchObject({ code: 'IMPORT_FILE_INVALID', details: { missingColumns: ['taxCode', 'unit'] } });
    expect((await upload(admin, Buffer.from('PK\u0003\u0004garbage'), 'list.xlsx').expect(400)).body.code).toBe(
      'IMPORT_FILE_INVALID',
    );
    const noSource = await ctx.http
      .post('/api/v1/enterprise-imports')
      .set(bearer(admin))
      .attach('file', Buffer.from(list.csv.slice(0, 500)), 'a.csv')
      .expect(400);
    expect(noSource.body.details[0].field).toBe('source');
  });

  it('commits the ready rows as verified (imported) firms, counted from when their activity began', async () => {
    const committing = await ctx.http.post(`/api/v1/enterprise-imports/${firstImportId}/commit`).set(bearer(admin)).expect(202);
    expect(committing.body.status).toBe('committing');
    expect(
      (await ctx.http.post(`/api/v1/enterprise-imports/${firstImportId}/commit`).set(bearer(admin)).expect(409)).body.code,
    ).toBe('IMPORT_STATUS_CONFLICT');
    const done = await until(firstImportId, 'committed');
    expect(done.summary).toMatchObject({ created: list.good.length });
    expect(await firms()).toBe(list.good.length);

    // The indicator against the independent count, before and after the merger, city and per unit.
    for (const asOf of ['2015-06-30', '2020-12-31', '2024-06-30', '2025-06-30', MERGER, '2025-12-31', '2026-06-30']) {
      const body = (await density(`?asOf=${asOf}`)).body;
      const want = countActive(list.good, asOf);
      expect({ asOf, boundary: body.boundary.code, city: body.city.enterprises }).toEqual({
        asOf,
        boundary: asOf < MERGER ? '31-2024' : '31',
        city: want.city,
      });
      const got = Object.fromEntries(
        body.areas
          .filter((a: { enterprises: number }) => a.enterprises)
          .map((a: { areaCode: string; enterprises: number }) => [a.areaCode, a.enterprises]),
      );
      expect(got).toEqual(Object.fromEntries(want.byUnit));
    }
    // A unit of former Hải Dương was not part of the city before the merger.
    const hd = REF_UNITS.find((u) => u.formerProvince === '30')!.code;
    expect((await ctx.http.get(`/api/v1/indicators/enterprise-density?asOf=2025-06-30&area=${hd}`).expect(400)).body.code).toBe(
      'AREA_OUTSIDE_BOUNDARY',
    );

    // Listed in the directory as imported, and audited with the file's hash and source.
    const firm = list.good[0];
    const dir = await ctx.http.get(`/api/v1/enterprises?q=${encodeURIComponent('hai phong cong nghe so')}&limit=5`).expect(200);
    expect(dir.body.items[0]).toMatchObject({ status: 'verified', origin: 'imported' });
    const audit = await ctx.http.get('/api/v1/audit?entityType=enterprise_import&limit=5').set(bearer(admin)).expect(200);
    expect(audit.body.items[0]).toMatchObject({
      action: 'enterprise_import.committed',
      entityId: firstImportId,
      after: { sha256: done.sha256, source: 'Sở KH&CN Hải Phòng, danh sách 06/2024' },
    });
    const [row] = await ctx.dataSource.query(`SELECT status, origin, import_id FROM enterprises WHERE tax_code = $1`, [
      firm!.taxCode,
    ]);
    expect(row).toMatchObject({ origin: 'imported', import_id: firstImportId });
  });

  it('re-imports the same list without duplicating anyone', async () => {
    const again = (await upload(admin, list.csv).expect(202)).body;
    const validated = await until(again.id, 'validated');
    expect(validated.summary).toMatchObject({ unchanged: list.good.length });
    expect(validated.summary?.ready).toBeUndefined();
    await ctx.http.post(`/api/v1/enterprise-imports/${again.id}/commit`).set(bearer(admin)).expect(202);
    await until(again.id, 'committed');
    expect(await firms()).toBe(list.good.length);
  });

  it('keeps a published vintage unchanged after a later import backfills 2025, and says the figure was revised', async () => {
    const asOf = '2025-12-31';
    const before = (await density(`?asOf=${asOf}`)).body;
    const knownAt = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));

    // A later list: firms founded in 2025, two of them in former Hải Dương, one ceased; plus an update of a known firm.
    const hp = REF_UNITS.find((u) => u.formerProvince === '31')!;
    const hd = REF_UNITS.find((u) => u.formerProvince === '30')!;
    const moved = list.good.find((g) => g.end === null && g.start < '2024-01-01')!;
    const backfill = [
      [importTaxCode(), 'Công ty Cổ phần Điện tử Hải Phòng', 'Số 5 Lê Lợi', hp.code, 'ict', '2025-03-10', '', '', '', ''],
      [importTaxCode(), 'Công ty TNHH Số hóa Xứ Đông', 'Số 9 Trần Hưng Đạo', hd.name, 'ict', '2025-02-01', '', '', '', ''],
      [
        importTaxCode(),
        'Công ty TNHH Dữ liệu Biển',
        'Số 2 Cát Bà',
        'Đặc khu Cát Hải',
        'ict',
        '2025-01-15',
        '',
        'ceased',
        '2025-11-30',
        '',
      ],
      [moved.taxCode, 'Công ty TNHH Công nghệ số (đổi tên)', 'Số 1 mới', hd.code, 'ict', moved.start, '', '', '', ''],
    ];
    const csv = [HEADER, ...backfill].map((r) => r.map((c) => `"${c}"`).join(',')).join('\n');
    const imp = (await upload(admin, csv, 'bo-sung.csv', 'Sở KH&CN, danh sách bổ sung 2026').expect(202)).body;
    expect((await until(imp.id, 'validated')).summary).toEqual({ ready: 3, update: 1 });
    await ctx.http.post(`/api/v1/enterprise-imports/${imp.id}/commit`).set(bearer(admin)).expect(202);
    await until(imp.id, 'committed');

    // After the merger the whole city counts: two active new firms (the third ceased on 30 November); the move stays inside.
    const expectedNow = before.city.enterprises + 2;
    const latest = (await density(`?asOf=${asOf}`)).body;
    expect(latest.city.enterprises).toBe(expectedNow);
    expect(latest.vintage).toMatchObject({ latest: true, revised: true, lastRevisedOn: vnToday() });

    // Exactly what was shown before the backfill, counts and densities alike.
    const vintage = (await density(`?asOf=${asOf}&knownAt=${encodeURIComponent(knownAt)}`)).body;
    expect(vintage.city).toEqual(before.city);
    expect(vintage.areas).toEqual(before.areas);
    expect(vintage.vintage).toMatchObject({ latest: false });
    // Before the merger, the Hải Dương firm is not in the city; the Hải Phòng one is.
    const june = (await density('?asOf=2025-06-30')).body;
    const juneBefore = (await density(`?asOf=2025-06-30&knownAt=${encodeURIComponent(knownAt)}`)).body;
    // Old city on 30 June 2025: + the Hải Phòng firm, + the Cát Hải firm (ceased only in November), − the moved firm if it was in the old city.
    const movedWasInOldCity = countActive([moved], '2025-06-30').city;
    expect(june.city.enterprises - juneBefore.city.enterprises).toBe(2 - movedWasInOldCity);
  });

  it('reads XLSX files, dates as Excel dates', async () => {
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('DN');
    sheet.addRow(HEADER);
    sheet.addRow([
      importTaxCode(),
      'Công ty TNHH Excel',
      'Số 3 Văn Cao',
      'Phường Gia Viên',
      'ict',
      new Date(Date.UTC(2018, 4, 2)),
      null,
      null,
      null,
      null,
    ]);
    sheet.addRow([importTaxCode(), 'Công ty TNHH Thiếu ngày', 'Số 4 Văn Cao', '11359', 'ict', null, null, null, null, null]);
    // Pre-July-2025 names: Máy Chai went wholly into Phường Ngô Quyền; Đông Khê was split (NQ 1669 Điều 1 khoản 10, 11).
    sheet.addRow([
      importTaxCode(),
      'Công ty TNHH Máy Chai Số',
      'Số 5 Máy Chai',
      'Phường Máy Chai',
      'ict',
      '2016-01-04',
      null,
      null,
      null,
      null,
    ]);
    sheet.addRow([
      importTaxCode(),
      'Công ty TNHH Đông Khê Số',
      'Số 6 Đông Khê',
      'Phường Đông Khê',
      'ict',
      '2016-01-04',
      null,
      null,
      null,
      null,
    ]);
    const bytes = Buffer.from(await wb.xlsx.writeBuffer());
    const imp = (await upload(admin, bytes, 'danh-sach.xlsx').expect(202)).body;
    expect(imp.format).toBe('xlsx');
    expect((await until(imp.id, 'validated')).summary).toEqual({ ready: 2, missing_dates: 1, ambiguous_unit: 1 });
    const rows = await ctx.http.get(`/api/v1/enterprise-imports/${imp.id}/rows`).set(bearer(admin)).expect(200);
    expect(rows.body.items[0].record).toMatchObject({ areaCode: '11359', foundedOn: '2018-05-02' });
    expect(rows.body.items[2].record).toMatchObject({ areaCode: '11329' });
    expect(rows.body.items[3].problems[0].suggestions.map((u: { code: string }) => u.code)).toEqual(['11329', '11359']);
  });

  it("lets the firm's owner claim its imported record: a claim, not a 409, decided by an admin", async () => {
    const firm = list.good[1];
    const body = registrationBody({ taxCode: firm!.taxCode });
    const res = await registerAndConfirm(ctx, body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ enterprise: { status: 'verified', taxCode: firm!.taxCode }, claim: { status: 'pending' } });
    const claimant = await login(ctx, body.email);
    const enterpriseId = res.body.enterprise.id;
    const claimId = res.body.claim.id;

    // Before approval the claimant cannot act for the firm, nor approve themselves.
    expect(
      (
        await ctx.http
          .patch(`/api/v1/enterprises/${enterpriseId}`)
          .set(bearer(claimant))
          .send({ website: 'https://x.vn' })
          .expect(403)
      ).body.code,
    ).toBe('ENTERPRISE_FORBIDDEN');
    await ctx.http
      .post(`/api/v1/enterprises/${enterpriseId}/claims/${claimId}/approve`)
      .set(bearer(claimant))
      .send({})
      .expect(403);
    await ctx.http.get(`/api/v1/enterprises/${enterpriseId}/claims`).set(bearer(officer)).expect(403);

    const approved = await ctx.http
      .post(`/api/v1/enterprises/${enterpriseId}/claims/${claimId}/approve`)
      .set(bearer(admin))
      .send({})
      .expect(200);
    expect(approved.body).toMatchObject({ status: 'approved', user: { email: body.email } });
    await ctx.http
      .patch(`/api/v1/enterprises/${enterpriseId}`)
      .set(bearer(claimant))
      .send({ website: 'https://firm.vn' })
      .expect(200);
    const view = (await ctx.http.get(`/api/v1/enterprises/${enterpriseId}`).expect(200)).body;
    expect(view).toMatchObject({ origin: 'imported', claimed: true, website: 'https://firm.vn' });

    // Claimed: a further registration with the tax code is a duplicate again, and the import leaves it alone.
    const dup = await ctx.http
      .post('/api/v1/auth/register-enterprise')
      .send(registrationBody({ taxCode: firm!.taxCode }))
      .expect(409);
    expect(dup.body.code).toBe('TAX_CODE_TAKEN');
    expect(
      (
        await ctx.http
          .post(`/api/v1/enterprises/${enterpriseId}/claims/${claimId}/approve`)
          .set(bearer(admin))
          .send({})
          .expect(409)
      ).body.code,
    ).toBe('CLAIM_STATUS_CONFLICT');
  });
});
