import type { AddressInfo } from 'node:net';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';
import { FIRST_LOAD_BUDGET_BYTES, measurePortalBundle } from '../bench/portal-bundle';
import { mailsTo, newTaxCode, withWrongCheckDigit } from './enterprise-fixtures';
import { ProblemDeadlinesService } from '@app/problems';
import {
  createDepartmentWithOfficer,
  createPublishedProblem,
  createVerifiedEnterprise,
  passDeadlineAndGrace,
  TEST_RUBRIC,
  TestDepartment,
} from './factories';
import { bearer, createUser, eventually, login, PASSWORD, startApp, TestContext } from './harness';

/**
 * The portal in a real browser (Debian's Chromium through playwright-core) against the real
 * stack: the API serving the built portal, the worker, PostgreSQL and Redis. Every page opened
 * is scanned with axe-core: a serious or critical WCAG 2.1 A/AA violation fails the test.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
jest.setTimeout(120_000);

describe('portal in the browser', () => {
  let ctx: TestContext;
  let browser: Browser;
  let base: string;
  let problemId: string;
  let enterpriseId: string;
  let department: TestDepartment;
  const problemTitle = 'Số hóa quy trình cấp phép xây dựng tại phường Hồng Bàng';

  beforeAll(async () => {
    ctx = await startApp({ worker: true });
    await ctx.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(ctx.app.getHttpServer().address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });

    department = await createDepartmentWithOfficer(ctx, 'Sở Xây dựng Hải Phòng');
    problemId = await createPublishedProblem(ctx, department, { title: problemTitle, deadlineIn: '10 days' });
    await ctx.dataSource.query(
      `UPDATE problems SET budget_ceiling = 1500000000, duration_months = 6, sector = 'public_administration',
              kpis = '[{"name":"Thời gian xử lý hồ sơ","target":"dưới 5 ngày"}]'::jsonb WHERE id = $1`,
      [problemId],
    );
    // A document the department attached while drafting (the API takes them only then).
    await ctx.dataSource.query(
      `INSERT INTO problem_documents (problem_id, file_name, media_type, size_bytes, sha256, content, uploaded_by)
       VALUES ($1, 'Điều khoản tham chiếu.pdf', 'application/pdf', 2048, repeat('0', 64), $2, $3)`,
      [problemId, Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2039, 0x20)]), department.officerId],
    );
    await createPublishedProblem(ctx, department, {
      title: 'Cảnh báo ngập lụt đô thị theo thời gian thực',
      deadlineIn: '3 days',
    });
    enterpriseId = (
      await createVerifiedEnterprise(ctx, {
        legalName: 'Công ty Cổ phần Công nghệ Cảng Xanh',
        sectors: ['logistics_seaport', 'ict'],
      })
    ).id;
  });

  afterAll(async () => {
    await browser?.close();
    await ctx?.close();
  });

  async function open(path: string, width = 1280): Promise<Page> {
    // axe needs a page in its own context; closing a page closes its context (close()).
    const page = await (await browser.newContext({ viewport: { width, height: 900 } })).newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${base}${path}`);
    return page;
  }

  async function close(page: Page): Promise<void> {
    await page.context().close();
  }

  /** 0 serious or critical WCAG 2.1 A/AA violations on the page as it is now. */
  async function expectAccessible(page: Page): Promise<void> {
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
  }

  it('serves the portal at / and for deep links, with caching headers, and leaves /api alone', async () => {
    const home = await fetch(`${base}/`);
    expect(home.status).toBe(200);
    expect(home.headers.get('cache-control')).toBe('no-cache');
    const html = await home.text();
    expect(html).toContain('<div id="root">');
    const deep = await fetch(`${base}/problems/${problemId}`);
    expect(deep.status).toBe(200);
    expect(await deep.text()).toBe(html);
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const script = await fetch(`${base}${asset}`);
    expect(script.status).toBe(200);
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const unknownApi = await fetch(`${base}/api/v1/no-such-thing`);
    expect(unknownApi.status).toBe(404);
    expect(((await unknownApi.json()) as { code: string }).code).toBe('ROUTE_NOT_FOUND');
  });

  it('keeps the first load of every public page within 200 KB of JavaScript (gzip), each page its own chunk', () => {
    const pages = measurePortalBundle();
    for (const page of pages)
      expect({ page: page.page, withinBudget: page.gzipBytes <= FIRST_LOAD_BUDGET_BYTES }).toEqual({
        page: page.page,
        withinBudget: true,
      });
    // Page chunks differ: no page's code rides along with another's.
    expect(new Set(pages.map((p) => p.chunk)).size).toBe(pages.length);
  });

  it('home: open problems and the city density figure against the 0.7 target, in Vietnamese', async () => {
    const page = await open('/');
    await page.getByRole('heading', { level: 1, name: 'Bài toán của thành phố, giải pháp của doanh nghiệp' }).waitFor();
    await page.getByRole('link', { name: problemTitle }).first().waitFor();
    await page.getByText('Mục tiêu của thành phố: trên 0,7').waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('vi');
    await expectAccessible(page);
    await close(page);
  });

  it('search: accent-insensitive text in a shareable URL; the problem page shows budget, rubric and countdown', async () => {
    const page = await open('/problems');
    await page.getByLabel('Từ khóa').fill('cap phep xay dung');
    await page.getByRole('button', { name: 'Tìm kiếm' }).click();
    await page.waitForURL(/q=cap\+phep\+xay\+dung/);
    const link = page.getByRole('link', { name: problemTitle });
    await link.waitFor();
    await expect(page.getByRole('link', { name: 'Cảnh báo ngập lụt đô thị theo thời gian thực' }).count()).resolves.toBe(0);
    await expectAccessible(page);

    // The same URL opened afresh gives the same search.
    const shared = await open(new URL(page.url()).pathname + new URL(page.url()).search);
    await shared.getByRole('link', { name: problemTitle }).waitFor();
    expect(await shared.getByLabel('Từ khóa').inputValue()).toBe('cap phep xay dung');
    await close(shared);

    await link.click();
    await page.getByRole('heading', { level: 1, name: problemTitle }).waitFor();
    await page.getByText('1.500.000.000 ₫').waitFor();
    await page
      .getByText(/còn 9 ngày 23 giờ|còn 10 ngày 0 giờ/)
      .first()
      .waitFor();
    await page.getByRole('cell', { name: 'Approach' }).waitFor();
    await page.getByRole('cell', { name: '40%' }).waitFor();
    await page.getByText('Thời gian xử lý hồ sơ').waitFor();
    const document = page.getByRole('link', { name: 'Điều khoản tham chiếu.pdf' });
    const [download] = await Promise.all([page.waitForEvent('download'), document.click()]);
    expect(download.suggestedFilename()).toBe('Điều khoản tham chiếu.pdf');
    await expectAccessible(page);
    await close(page);
  });

  it('an unknown problem shows the API error as a sentence, not a code', async () => {
    const page = await open('/problems/00000000-0000-4000-8000-000000000000');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).not.toMatch(/PROBLEM_NOT_FOUND|^\s*$/);
    await close(page);
  });

  it('enterprise directory and firm page', async () => {
    const page = await open('/enterprises');
    await page.getByRole('link', { name: 'Công ty Cổ phần Công nghệ Cảng Xanh' }).click();
    await page.waitForURL(`${base}/enterprises/${enterpriseId}`);
    await page.getByRole('heading', { level: 1, name: 'Công ty Cổ phần Công nghệ Cảng Xanh' }).waitFor();
    await page.getByText('Logistics và cảng biển, Công nghệ thông tin – truyền thông').waitFor();
    await expectAccessible(page);
    await close(page);
  });

  it('indicator dashboard: every commune-level unit in a sortable table, chart, CSV, sources', async () => {
    const [{ count }] = await ctx.dataSource.query<[{ count: number }]>(
      `SELECT count(*)::int AS count FROM areas WHERE unit_type <> 'city' AND valid_to IS NULL`,
    );
    const page = await open('/indicators');
    const rows = page.locator('table').first().locator('tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(count);
    await page.getByRole('button', { name: 'Đơn vị' }).click();
    const firstTwo = await rows.locator('td:first-child').allTextContents();
    expect(firstTwo.slice(0, 5)).toEqual([...firstTwo].sort((a, b) => a.localeCompare(b, 'vi')).slice(0, 5));
    const csv = await fetch(
      `${base}${await page.getByRole('link', { name: 'Tải bảng theo đơn vị (CSV)' }).getAttribute('href')}`,
    );
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const chart = await page
      .getByRole('img', { name: /Biểu đồ đường/ })
      .evaluate((img) => (img as unknown as { complete: boolean; naturalWidth: number }).naturalWidth > 0);
    expect(chart).toBe(true);
    await page.getByRole('heading', { name: 'Nguồn số liệu dân số' }).waitFor();
    await expectAccessible(page);
    await close(page);
  });

  it('the language switch shows English and persists across a reload', async () => {
    const page = await open('/problems');
    await page.getByRole('heading', { level: 1, name: 'Tìm bài toán' }).waitFor();
    await page.getByLabel('Ngôn ngữ').selectOption('en');
    await page.getByRole('heading', { level: 1, name: 'Find a problem' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Find a problem' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await expectAccessible(page);
    await close(page);
  });

  it('the set-password link of a real account mail opens the portal page; the person then signs in and out', async () => {
    const adminEmail = 'admin-portal@marketplace.test.vn';
    await createUser(ctx, { email: adminEmail, role: 'admin' });
    const admin = await login(ctx, adminEmail);
    const [dept] = await ctx.dataSource.query<{ id: string }[]>(`SELECT id FROM organizations WHERE kind = 'department' LIMIT 1`);
    const since = Date.now() - 1000;
    const email = 'nguyen.van.an@xaydung.haiphong.gov.vn';
    await ctx.http
      .post('/api/v1/users')
      .set(bearer(admin))
      .send({ email, fullName: 'Nguyễn Văn An', role: 'officer', departmentId: dept!.id })
      .expect(201);
    const mail = await eventually(async () => (await mailsTo(email, since, '/set-password?token='))[0]);
    const link = new URL(/https?:\/\/\S+\/set-password\?token=[^\s"<>]+/.exec(mail)![0]);

    const page = await open(link.pathname + link.search);
    await page.getByRole('heading', { level: 1, name: 'Đặt mật khẩu' }).waitFor();
    await expectAccessible(page);
    await page.getByLabel('Mật khẩu mới').fill('short');
    await page.getByLabel('Nhập lại mật khẩu').fill('short');
    await page.getByRole('button', { name: 'Lưu mật khẩu' }).click();
    await page.getByText('Mật khẩu phải dài từ 8 đến 128 ký tự.').waitFor();
    await page.getByLabel('Mật khẩu mới').fill('Cang Lach Huyen 2026 an toan');
    await page.getByLabel('Nhập lại mật khẩu').fill('Cang Lach Huyen 2026 an toan');
    await page.getByRole('button', { name: 'Lưu mật khẩu' }).click();
    await page.getByRole('status').getByText('Đã lưu mật khẩu').waitFor();

    await page.getByRole('main').getByRole('link', { name: 'Đăng nhập' }).click();
    await page.getByLabel('Thư điện tử').fill(email);
    await page.getByLabel('Mật khẩu').fill('wrong password!');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).not.toContain('INVALID_CREDENTIALS');
    await expectAccessible(page);
    await page.getByLabel('Mật khẩu').fill('Cang Lach Huyen 2026 an toan');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByText('Nguyễn Văn An').waitFor();

    // Nothing script-readable holds a token; the refresh cookie is HttpOnly and restores the session.
    const stored = String(await page.evaluate('JSON.stringify({ ...localStorage, ...sessionStorage }) + document.cookie'));
    expect(stored).not.toMatch(/eyJ|hpsm_refresh/);
    const [cookie] = (await page.context().cookies()).filter((c) => c.name === 'hpsm_refresh');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/v1/auth' });
    await page.reload();
    await page.getByText('Nguyễn Văn An').waitFor();

    // Switching the language while signed in saves it as the user's preference.
    await page.getByLabel('Ngôn ngữ').selectOption('en');
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await eventually(async () => {
      const [row] = await ctx.dataSource.query<{ language: string }[]>(`SELECT language FROM users WHERE email = $1`, [email]);
      return row!.language === 'en';
    });

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('banner').getByRole('link', { name: 'Sign in' }).waitFor();
    await page.reload();
    await page.getByRole('banner').getByRole('link', { name: 'Sign in' }).waitFor();
    expect((await page.context().cookies()).filter((c) => c.name === 'hpsm_refresh')).toEqual([]);
    await close(page);
  });

  it('a firm registers in the browser: the tax code is checked as typed, a duplicate is refused with a sentence', async () => {
    const taxCode = newTaxCode();
    const fill = async (page: Page, code: string, email: string) => {
      await page.getByLabel('Mã số thuế').fill(code);
      await page.getByLabel('Tên doanh nghiệp theo đăng ký').fill('Công ty TNHH Phần mềm Đồ Sơn');
      await page.getByLabel('Địa chỉ trụ sở').fill('Số 12 Lạch Tray, Ngô Quyền');
      await page.getByLabel('Phường, xã, đặc khu của trụ sở').selectOption({ index: 1 });
      await page.getByLabel('Logistics và cảng biển').check();
      await page.getByLabel('Họ và tên').fill('Trần Thị Bình');
      await page.getByLabel('Thư điện tử').fill(email);
      await page.getByLabel('Mật khẩu').fill('Do Son 2026 an toan');
    };
    const page = await open('/register');
    await page.getByRole('heading', { level: 1, name: 'Đăng ký doanh nghiệp công nghệ số' }).waitFor();
    await page.getByLabel('Mã số thuế').fill(withWrongCheckDigit(taxCode));
    await page.getByText('Chữ số kiểm tra không khớp').waitFor();
    await page.getByLabel('Mã số thuế').fill('12345');
    await page.getByText('Mã số thuế gồm 10 chữ số').waitFor();
    await expectAccessible(page);
    const since = Date.now();
    await fill(page, taxCode, 'binh@doson-software.vn');
    await page.getByRole('button', { name: 'Gửi đăng ký' }).click();
    await page.getByRole('status').getByText('Chúng tôi đã gửi thư đến binh@doson-software.vn').waitFor();
    expect(await ctx.dataSource.query(`SELECT 1 FROM enterprises WHERE tax_code = $1`, [taxCode])).toEqual([]);
    // The link in the real mail opens the confirmation page; the firm exists once the button is pressed.
    const mail = await eventually(async () => (await mailsTo('binh@doson-software.vn', since, '/register/confirm?token='))[0]);
    const link = new URL(/https?:\/\/\S+\/register\/confirm\?token=[^\s"<>]+/.exec(mail)![0]);
    await page.goto(`${base}${link.pathname}${link.search}`);
    await page.getByRole('heading', { level: 1, name: 'Xác nhận đăng ký doanh nghiệp' }).waitFor();
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Xác nhận đăng ký' }).click();
    await page.getByRole('status').getByText(`mã số thuế ${taxCode}`).waitFor();
    const [firm] = await ctx.dataSource.query<{ status: string }[]>(`SELECT status FROM enterprises WHERE tax_code = $1`, [
      taxCode,
    ]);
    expect(firm!.status).toBe('pending');
    await close(page);

    const again = await open('/register');
    await again.getByRole('heading', { level: 1 }).waitFor();
    await fill(again, taxCode, 'other@doson-software.vn');
    await again.getByRole('button', { name: 'Gửi đăng ký' }).click();
    await again.getByRole('alert').getByText(`Doanh nghiệp có mã số thuế ${taxCode} đã được đăng ký.`).waitFor();
    await close(again);
  });

  async function signIn(page: Page, email: string): Promise<void> {
    await page.getByLabel('Thư điện tử').fill(email);
    await page.getByLabel('Mật khẩu').fill(PASSWORD);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
  }

  it('a firm follows its proposal: unread count in the header, notification to the proposal, printable receipt; another firm sees nothing', async () => {
    const firm = await createVerifiedEnterprise(ctx, { legalName: 'Công ty TNHH Giải pháp Số Lạch Tray' });
    const rival = await createVerifiedEnterprise(ctx, { legalName: 'Công ty Cổ phần Đối thủ' });
    const submitted = await ctx.http
      .post(`/api/v1/problems/${problemId}/proposals`)
      .set(bearer(firm.token))
      .send({
        approach: 'Số hóa toàn bộ hồ sơ cấp phép trên cổng một cửa',
        solution: 'Nền tảng tiếp nhận hồ sơ trực tuyến tích hợp bản đồ quy hoạch',
        plan: 'Giai đoạn 1: khảo sát; giai đoạn 2: triển khai',
        team: 'Trưởng nhóm: Trần Thị Bình; 6 kỹ sư',
        price: 1_250_000_000,
        durationMonths: 6,
        references: [],
      })
      .expect(201);
    const proposalId = submitted.body.id as string;
    const sha = submitted.body.receipt.sha256 as string;
    await eventually(async () => {
      const [row] = await ctx.dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM notifications WHERE user_id = $1`,
        [firm.memberId],
      );
      return row!.n > 0;
    });

    // The mailed link opens the proposal page, which asks to sign in and comes back.
    const page = await open(`/proposals/${proposalId}`);
    await page.getByRole('heading', { level: 1, name: 'Cần đăng nhập' }).waitFor();
    await expectAccessible(page);
    await page.getByRole('main').getByRole('link', { name: 'Đăng nhập' }).click();
    await signIn(page, firm.memberEmail);
    await page.getByRole('heading', { level: 1, name: 'Đề xuất của Công ty TNHH Giải pháp Số Lạch Tray' }).waitFor();
    await page.getByRole('cell', { name: sha }).waitFor();
    await page.getByText('1.250.000.000 ₫').waitFor();
    await expectAccessible(page);

    const count = page.getByRole('banner').getByRole('link', { name: /Thông báo/ });
    await count.getByText('1').waitFor();
    await count.click();
    await page.getByRole('heading', { level: 1, name: 'Thông báo' }).waitFor();
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Đánh dấu đã đọc' }).first().click();
    await page.getByText('0 thông báo chưa đọc.').waitFor();
    await page.getByRole('link', { name: 'Đề xuất của tôi' }).click();
    await page.getByRole('link', { name: problemTitle }).click();
    await page.waitForURL(`${base}/proposals/${proposalId}`);

    await page.getByRole('link', { name: 'Doanh nghiệp của tôi' }).click();
    await page.waitForURL(`${base}/enterprises/${firm.id}/status`);
    await page.getByText('Đã xác minh').first().waitFor();
    await page.getByLabel('Điện thoại').fill('0225 3555 888');
    await page.getByRole('button', { name: 'Lưu hồ sơ' }).click();
    await page.getByRole('status').getByText('Đã lưu hồ sơ.').waitFor();
    const since = Date.now() - 1000;
    await page.getByLabel('Họ và tên').fill('Ngô Thị Hoa');
    await page.getByLabel('Thư điện tử', { exact: true }).fill('hoa@lachtray-digital.vn');
    await page.getByRole('button', { name: 'Gửi lời mời' }).click();
    await page
      .getByRole('table', { name: 'Lời mời đang chờ nhận' })
      .getByRole('cell', { name: 'hoa@lachtray-digital.vn' })
      .waitFor();
    const invitation = await eventually(async () => (await mailsTo('hoa@lachtray-digital.vn', since, '/invitation?token='))[0]);
    const [profile] = await ctx.dataSource.query<{ phone: string }[]>(`SELECT phone FROM enterprises WHERE id = $1`, [firm.id]);
    expect(profile!.phone).toBe('0225 3555 888');
    await expectAccessible(page);
    await close(page);

    // The colleague opens the mailed link, chooses a password and is a member.
    const joinLink = new URL(/https?:\/\/\S+\/invitation\?token=[^\s"<>]+/.exec(invitation)![0]);
    const join = await open(joinLink.pathname + joinLink.search);
    await join.getByRole('heading', { level: 1, name: 'Nhận lời mời tham gia doanh nghiệp' }).waitFor();
    await expectAccessible(join);
    await join.getByLabel('Mật khẩu mới').fill('Lach Tray ke toan 2026');
    await join.getByLabel('Nhập lại mật khẩu').fill('Lach Tray ke toan 2026');
    await join.getByRole('button', { name: 'Lưu mật khẩu' }).click();
    await join.getByRole('status').getByText('Bạn đã tham gia doanh nghiệp.').waitFor();
    const [hoa] = await ctx.dataSource.query<{ organization_id: string; org_role: string }[]>(
      `SELECT organization_id, org_role FROM users WHERE email = 'hoa@lachtray-digital.vn'`,
    );
    expect(hoa).toEqual({ organization_id: firm.id, org_role: 'member' });
    await close(join);

    // Another firm opening the same address sees an error sentence and nothing of the bid.
    const other = await open('/sign-in');
    await signIn(other, rival.memberEmail);
    await other.getByRole('banner').getByText(rival.memberEmail.split('@')[0]!).waitFor();
    await other.goto(`${base}/proposals/${proposalId}`);
    await other.getByRole('alert').waitFor();
    const text = await other.locator('main').textContent();
    expect(text).not.toContain(sha);
    expect(text).not.toContain('Số hóa toàn bộ hồ sơ');
    await close(other);
  });

  it('after an amendment the firm confirms its bid from the proposal page and gets a receipt', async () => {
    const firm = await createVerifiedEnterprise(ctx, { legalName: 'Công ty TNHH Xác Nhận Đồ Sơn' });
    const amended = await createPublishedProblem(ctx, department, { title: 'Bài toán có sửa đổi', deadlineIn: '10 days' });
    const submitted = await ctx.http
      .post(`/api/v1/problems/${amended}/proposals`)
      .set(bearer(firm.token))
      .send({
        approach: 'Cách tiếp cận',
        solution: 'Giải pháp',
        plan: 'Kế hoạch',
        team: 'Nhóm',
        price: 800_000_000,
        durationMonths: 4,
      })
      .expect(201);
    await ctx.http
      .post(`/api/v1/problems/${amended}/amendments`)
      .set(bearer(department.token))
      .send({ reason: 'Bổ sung chỉ tiêu', changes: { expectedResults: 'Giảm 60% thời gian xử lý' } })
      .expect(201);
    const page = await open('/sign-in');
    await signIn(page, firm.memberEmail);
    await page.getByRole('banner').getByText(firm.memberEmail.split('@')[0]!).waitFor();
    await page.goto(`${base}/proposals/${submitted.body.id}`);
    await page.getByText('Hồ sơ bài toán đã được sửa đổi sau khi bạn nộp').waitFor();
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Xác nhận giữ nguyên đề xuất theo sửa đổi lần 1' }).click();
    await page.getByRole('status').getByText('Đã xác nhận giữ nguyên đề xuất theo sửa đổi lần 1').waitFor();
    await page.getByRole('button', { name: /Xác nhận giữ nguyên/ }).waitFor({ state: 'detached' });
    await page.getByRole('cell', { name: 'Bản công bố' }).waitFor();
    const [row] = await ctx.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM proposal_confirmations WHERE proposal_id = $1 AND amendment_number = 1`,
      [submitted.body.id],
    );
    expect(row!.n).toBe(1);
    await close(page);
  });

  it("a firm's journey by clicking: ask, submit with attachments and a progress bar, receipt, revise, withdraw", async () => {
    const firm = await createVerifiedEnterprise(ctx, { legalName: 'Công ty Cổ phần Dữ liệu Bạch Đằng' });
    const page = await open('/sign-in');
    await signIn(page, firm.memberEmail);
    await page.getByRole('banner').getByRole('link', { name: 'Đề xuất của tôi' }).waitFor();
    await page.goto(`${base}/problems/${problemId}`);

    await page.getByLabel('Đặt câu hỏi (công khai, không hiện tên doanh nghiệp)').fill('Hệ thống hiện tại có API mở không?');
    await page.getByRole('button', { name: 'Gửi câu hỏi' }).click();
    await page.getByText('Hệ thống hiện tại có API mở không?').waitFor();

    await page.getByRole('button', { name: 'Theo dõi bài toán' }).click();
    await page.getByRole('button', { name: 'Đang theo dõi (bấm để bỏ)' }).waitFor();
    const [follow] = await ctx.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM problem_followers WHERE problem_id = $1`,
      [problemId],
    );
    expect(follow!.n).toBe(1);
    // The page knows it is followed when it is opened again.
    await page.reload();
    await page.getByRole('button', { name: 'Đang theo dõi (bấm để bỏ)' }).waitFor();

    await page.getByRole('link', { name: 'Dành cho tôi' }).click();
    await page.getByRole('heading', { level: 1, name: 'Dành cho doanh nghiệp của tôi' }).waitFor();
    await page.getByLabel('Hành chính công').check();
    await page.getByLabel('Từ khóa (phân cách bằng dấu phẩy)').fill('cấp phép, xây dựng');
    await page.getByRole('button', { name: 'Lưu lựa chọn' }).click();
    await page.getByRole('status').getByText('Đã lưu.').waitFor();
    await expectAccessible(page);
    await page.goto(`${base}/problems/${problemId}`);
    await page.getByRole('link', { name: 'Nộp đề xuất cho bài toán này' }).click();
    await page.getByRole('heading', { level: 1, name: 'Nộp đề xuất' }).waitFor();
    await page.getByRole('button', { name: 'Nộp đề xuất' }).click();
    await page.getByText('Nhập số tiền là số nguyên dương').waitFor();
    await page.getByLabel('Cách tiếp cận').fill('Khảo sát quy trình, số hóa hồ sơ, kết nối cổng dịch vụ công');
    await page.getByLabel('Giải pháp').fill('Nền tảng tiếp nhận hồ sơ trực tuyến');
    await page.getByLabel('Kế hoạch thực hiện').fill('Tháng 1–2: khảo sát; tháng 3–6: triển khai');
    await page.getByLabel('Nhân sự thực hiện').fill('Trưởng nhóm: Lê Văn Cường; 5 kỹ sư');
    await page.getByLabel('Giá đề xuất (đồng, số nguyên)').fill('1200000000');
    await page.getByLabel('Thời gian thực hiện (tháng)').fill('6');
    await page.getByLabel('Tệp đính kèm').setInputFiles([
      { name: 'thuyet-minh.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n% thuyết minh\n%%EOF\n') },
      { name: 'cai-dat.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ') },
    ]);
    await page.getByText('cai-dat.exe: chỉ chấp nhận PDF, DOCX, XLSX, ZIP, PNG và JPEG.').waitFor();
    await page.getByRole('progressbar', { name: 'Tiến độ tải lên thuyet-minh.pdf' }).waitFor();
    await eventually(async () => (await page.getByRole('button', { name: 'Nộp đề xuất' }).isEnabled()) || null);
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Nộp đề xuất' }).click();

    await page.getByRole('heading', { level: 1, name: 'Đề xuất của Công ty Cổ phần Dữ liệu Bạch Đằng' }).waitFor();
    const [row] = await ctx.dataSource.query<{ id: string; sha256: string; version: number }[]>(
      `SELECT p.id, v.content_sha256 AS sha256, p.current_version AS version
         FROM proposals p JOIN proposal_versions v ON v.proposal_id = p.id AND v.version = p.current_version WHERE p.enterprise_id = $1`,
      [firm.id],
    );
    expect(row!.version).toBe(1);
    await page.getByRole('cell', { name: row!.sha256 }).waitFor();
    const [attached] = await ctx.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM proposal_attachments WHERE enterprise_id = $1 AND proposal_id IS NOT NULL`,
      [firm.id],
    );
    expect(attached!.n).toBe(1);

    await page.getByRole('link', { name: 'Sửa và nộp lại' }).click();
    await page.getByRole('heading', { level: 1, name: 'Nộp lại đề xuất (phiên bản 2)' }).waitFor();
    await page.getByLabel('Giá đề xuất (đồng, số nguyên)').fill('1100000000');
    await page.getByRole('button', { name: 'Nộp lại' }).click();
    await page.getByText('1.100.000.000 ₫').waitFor();
    await page.getByRole('table').filter({ hasText: 'Mã băm SHA-256' }).locator('tbody tr').nth(1).waitFor();

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Rút đề xuất' }).click();
    await page.getByText('Đã rút').waitFor();
    await close(page);
  });

  it('after the award the firm reads its own per-criterion scores, comments and rank, and nothing of the other bid', async () => {
    const awardedId = await createPublishedProblem(ctx, department, {
      title: 'Số hóa thủ tục cấp phép xây dựng',
      deadlineIn: '10 days',
    });
    const evaluators = [];
    for (const i of [1, 2, 3]) {
      const email = `chuyengia${i}@portal.test.vn`;
      evaluators.push({
        id: await createUser(ctx, { email, role: 'evaluator', fullName: `Chuyên gia ${i}` }),
        token: await login(ctx, email),
      });
    }
    await ctx.http
      .put(`/api/v1/problems/${awardedId}/panel`)
      .set(bearer(department.token))
      .send({ members: evaluators.map((e, i) => ({ userId: e.id, chair: i === 0 })) })
      .expect(200);
    const winner = await createVerifiedEnterprise(ctx, { legalName: 'Công ty TNHH Phần mềm Đồ Sơn' });
    const loser = await createVerifiedEnterprise(ctx, { legalName: 'Công ty Cổ phần Kiến An Số' });
    const bid = (firm: { token: string }, approach: string, price: number) =>
      ctx.http
        .post(`/api/v1/problems/${awardedId}/proposals`)
        .set(bearer(firm.token))
        .send({ approach, solution: 'Cổng nộp hồ sơ', plan: 'Sáu tháng', team: 'Năm kỹ sư', price, durationMonths: 6 })
        .expect(201);
    const win = (await bid(winner, 'Tái thiết kế quy trình cấp phép', 1_750_000_000)).body.id as string;
    const lose = (await bid(loser, 'BÍ MẬT CỦA ĐỐI THỦ', 900_000_000)).body.id as string;
    await passDeadlineAndGrace(ctx, awardedId);
    await ctx.app.get(ProblemDeadlinesService).sweep();
    for (const e of evaluators) {
      const bidders = await ctx.http.get(`/api/v1/problems/${awardedId}/bidders`).set(bearer(e.token)).expect(200);
      await ctx.http
        .post(`/api/v1/problems/${awardedId}/conflict-declarations`)
        .set(bearer(e.token))
        .send({
          declarations: bidders.body.items.map((b: { enterpriseId: string }) => ({
            enterpriseId: b.enterpriseId,
            conflict: false,
          })),
        })
        .expect(200);
      for (const [proposalId, value] of [
        [win, 8],
        [lose, 6.5],
      ] as const) {
        const scores = TEST_RUBRIC.criteria.map((c) => ({
          criterion: c.key,
          score: value,
          comment: `Nhận xét ${c.name} ${value}`,
        }));
        await ctx.http.put(`/api/v1/proposals/${proposalId}/scores`).set(bearer(e.token)).send({ scores }).expect(200);
        await ctx.http.post(`/api/v1/proposals/${proposalId}/scores/submit`).set(bearer(e.token)).expect(200);
      }
    }
    await ctx.http
      .post(`/api/v1/problems/${awardedId}/award`)
      .set(bearer(department.token))
      .send({ proposalId: win })
      .expect(200);

    // The public result on the problem page.
    const page = await open(`/problems/${awardedId}`);
    await page.getByText('Thành phố đặt hàng Công ty TNHH Phần mềm Đồ Sơn với giá 1.750.000.000 ₫').waitFor();
    await expectAccessible(page);
    await close(page);

    // The losing firm's debrief: its own scores per criterion with comments, its rank; not the winner's bid.
    const mine = await open(`/sign-in?next=${encodeURIComponent(`/proposals/${lose}`)}`);
    await signIn(mine, loser.memberEmail);
    await mine.getByRole('heading', { name: 'Kết quả chấm điểm đề xuất của bạn' }).waitFor();
    await mine.getByText('Xếp hạng 2/2.').waitFor();
    await mine.getByRole('cell', { name: 'Nhận xét Approach 6.5' }).first().waitFor();
    await expectAccessible(mine);
    const text = await mine.locator('main').textContent();
    expect(text).not.toContain('Tái thiết kế quy trình cấp phép');
    expect(text).not.toContain('1.750.000.000');
    await close(mine);
  });
});
