import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { bearer, startApp, TestContext } from './harness';
import { phoneReader, signedInOnPhone } from './portal-phone';
import { createDepartmentWithOfficer, createVerifiedEnterprise, TestDepartment, TestFirm } from './factories';
import { createPanel, Panel } from './award-fixtures';
import { catalogueEntry } from './catalogue-fixtures';

/**
 * Issue 16 item 6 in a real browser at a phone's width (390 px): an officer of another department
 * picks two catalogue entries of one sector and starts a mini-competition, which opens in the
 * problem editor; once published, the public page names the invited firms, an invited firm may bid
 * and an uninvited one is told it cannot. Every page is scanned with axe-core.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
jest.setTimeout(300_000);

describe('portal: a mini-competition among catalogue firms', () => {
  let ctx: TestContext;
  let browser: Browser;
  let base: string;
  let source: TestDepartment;
  let buyer: TestDepartment;
  let firmA: TestFirm;
  let firmB: TestFirm;
  let outsider: TestFirm;
  let panel: Panel;

  beforeAll(async () => {
    ctx = await startApp();
    await ctx.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(ctx.app.getHttpServer().address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    source = await createDepartmentWithOfficer(ctx, 'Sở Tài nguyên và Môi trường');
    buyer = await createDepartmentWithOfficer(ctx, 'Ủy ban nhân dân phường Ngô Quyền');
    firmA = await createVerifiedEnterprise(ctx, { legalName: 'Công ty Cổ phần Dữ liệu Cảng' });
    firmB = await createVerifiedEnterprise(ctx, { legalName: 'Công ty TNHH Bản đồ Số' });
    outsider = await createVerifiedEnterprise(ctx, { legalName: 'Công ty TNHH Chưa Kiểm Chứng' });
    panel = await createPanel(ctx, 'portal-mini');
    await catalogueEntry(ctx, source, panel, firmA, outsider, 'yes', 'Quan trắc môi trường tự động');
    await catalogueEntry(ctx, source, panel, firmB, outsider, 'partly', 'Bản đồ số quan trắc môi trường');
  });

  afterAll(async () => {
    await browser?.close();
    await ctx?.close();
  });

  const signedIn = (email: string, path: string): Promise<Page> => signedInOnPhone(browser, base, email, path);

  const expectReadable = phoneReader('mini-competition');

  it('starts from the catalogue, lands in the editor, and only the listed firms may bid', async () => {
    // ── The officer picks two entries of one kind on /catalogue ──
    const officer = await signedIn(buyer.officerEmail, '/catalogue');
    await officer.getByText('Chọn lĩnh vực (loại điểm nghẽn)', { exact: false }).waitFor();
    await officer.getByLabel('Lĩnh vực').selectOption('ict');
    await officer.getByLabel('Mời Công ty Cổ phần Dữ liệu Cảng vào chào giá cạnh tranh').check();
    const start = officer.getByRole('button', { name: 'Tạo bài toán chào giá cạnh tranh' });
    // One firm is no competition.
    expect(await start.isDisabled()).toBe(true);
    await officer.getByLabel('Mời Công ty TNHH Bản đồ Số vào chào giá cạnh tranh').check();
    await officer.getByText('Doanh nghiệp được mời: Công ty Cổ phần Dữ liệu Cảng, Công ty TNHH Bản đồ Số').waitFor();
    await officer
      .getByLabel('Lý do tổ chức chào giá cạnh tranh (công khai)')
      .fill('Hai giải pháp quan trắc đã được kiểm chứng; cạnh tranh giữa hai doanh nghiệp để có giá tốt nhất cho phường.');
    await expectReadable(officer);
    await start.click();
    await officer.waitForURL(/\/office\/problems\/[0-9a-f-]+\/edit$/);
    const problemId = /problems\/([0-9a-f-]+)\/edit/.exec(officer.url())![1]!;
    // The draft, prefilled from the newest entry, shows whom it is restricted to.
    await officer.getByRole('heading', { name: 'Chào giá cạnh tranh giữa các doanh nghiệp trong danh mục' }).waitFor();
    await officer.getByRole('link', { name: 'Công ty TNHH Bản đồ Số' }).waitFor();
    await expectReadable(officer);
    await ctx.http.post(`/api/v1/problems/${problemId}/publish`).set(bearer(buyer.token)).expect(200);

    // ── The public sees a mini-competition among the listed firms ──
    const problemPath = `/problems/${problemId}`;
    const pub = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    await pub.goto(`${base}${problemPath}`);
    await pub.getByText('Chỉ các doanh nghiệp có giải pháp đã được kiểm chứng sau đây được nộp hồ sơ:').waitFor();
    await pub.getByRole('link', { name: 'Công ty Cổ phần Dữ liệu Cảng' }).waitFor();
    await expectReadable(pub);

    // ── An invited firm may bid; an uninvited one is told it cannot ──
    const invited = await signedIn(firmA.memberEmail, problemPath);
    await invited.getByRole('link', { name: 'Nộp đề xuất cho bài toán này' }).waitFor();
    const other = await signedIn(outsider.memberEmail, problemPath);
    await other.getByText('không nằm trong danh sách được mời', { exact: false }).waitFor();
    expect(await other.getByRole('link', { name: 'Nộp đề xuất cho bài toán này' }).count()).toBe(0);
    await expectReadable(other);
  });
});
