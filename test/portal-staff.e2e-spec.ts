import type { AddressInfo } from 'node:net';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { ProblemDeadlinesService } from '@app/problems';
import { mailsTo, newTaxCode } from './enterprise-fixtures';
import { createDepartmentWithOfficer, passDeadlineAndGrace } from './factories';
import { bearer, createUser, eventually, login, PASSWORD, startApp, TestContext } from './harness';

/**
 * A whole competition through the portal, clicking only, in Debian's Chromium against the real
 * stack: an administrator creates a department, an officer and evaluators; four firms register and
 * are verified; the officer publishes; firms ask and bid; the deadline passes (moved in the database
 * and closed by the deadline sweep, as the worker's job would); one evaluator declares a conflict and
 * a fourth is added; scores disagree and the chair records a consensus; the officer awards; then each
 * party's view. Every staff page opened is scanned with axe.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
jest.setTimeout(900_000);

const STAFF_PASSWORD = 'Cau Rao hai nam 2026 vung chac';
const CRITERIA = [
  { name: 'Giải pháp kỹ thuật', weight: '40' },
  { name: 'Năng lực đội ngũ', weight: '30' },
  { name: 'Chi phí hợp lý', weight: '30' },
];

/** A datetime-local value in Hai Phong time, `days` from now. */
function cityInput(days: number): string {
  return new Date(Date.now() + days * 86_400_000 + 7 * 3_600_000).toISOString().slice(0, 16);
}

describe('a whole competition in the browser', () => {
  let ctx: TestContext;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    ctx = await startApp({ worker: true });
    await ctx.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(ctx.app.getHttpServer().address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  });

  afterAll(async () => {
    await browser?.close();
    await ctx?.close();
  });

  /** A person's own browser context; every confirmation dialog is accepted, as the person would. */
  async function person(path = '/sign-in', width = 1280): Promise<Page> {
    const page = await (await browser.newContext({ viewport: { width, height: 900 } })).newPage();
    page.setDefaultTimeout(30_000);
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto(`${base}${path}`);
    return page;
  }

  async function signIn(page: Page, email: string, password = STAFF_PASSWORD): Promise<void> {
    await page.goto(`${base}/sign-in`);
    await page.getByLabel('Thư điện tử').fill(email);
    await page.getByLabel('Mật khẩu').fill(password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
  }

  async function go(page: Page, path: string): Promise<void> {
    await page.goto(`${base}${path}`);
  }

  /** 0 serious or critical WCAG 2.1 A/AA violations on the page as it is now. */
  async function expectAccessible(page: Page): Promise<void> {
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${page.url()} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual(
      [],
    );
  }

  /** The set-password mail's link, followed in the browser. */
  async function setPasswordFromMail(email: string, since: number): Promise<void> {
    const mail = await eventually(async () => (await mailsTo(email, since, '/set-password?token='))[0]);
    const link = new URL(/https?:\/\/\S+\/set-password\?token=[^\s"<>]+/.exec(mail)![0]);
    const page = await person(link.pathname + link.search);
    await page.getByLabel('Mật khẩu mới').fill(STAFF_PASSWORD);
    await page.getByLabel('Nhập lại mật khẩu').fill(STAFF_PASSWORD);
    await page.getByRole('button', { name: 'Lưu mật khẩu' }).click();
    await page.getByRole('status').getByText('Đã lưu mật khẩu').or(page.getByRole('alert')).first().waitFor();
    expect({ email, alert: await page.getByRole('alert').allTextContents() }).toEqual({ email, alert: [] });
    await page.context().close();
  }

  async function registerFirm(name: string, email: string): Promise<void> {
    const page = await person('/register');
    await page.getByLabel('Mã số thuế').fill(newTaxCode());
    await page.getByLabel('Tên doanh nghiệp theo đăng ký').fill(name);
    await page.getByLabel('Địa chỉ trụ sở').fill('Số 5 Lạch Tray, Ngô Quyền');
    await page.getByLabel('Phường, xã, đặc khu của trụ sở').selectOption({ index: 1 });
    await page.getByLabel('Hành chính công').check();
    await page.getByLabel('Họ và tên').fill(`Giám đốc ${name}`);
    await page.getByLabel('Thư điện tử').fill(email);
    await page.getByLabel('Mật khẩu').fill(STAFF_PASSWORD);
    const since = Date.now() - 1000;
    await page.getByRole('button', { name: 'Gửi đăng ký' }).click();
    await page.getByRole('heading', { name: 'Kiểm tra hộp thư của bạn' }).waitFor();
    // The owner confirms from the link mailed to the address given.
    const mail = await eventually(async () => (await mailsTo(email, since, '/register/confirm?token='))[0]);
    const link = new URL(/https?:\/\/\S+\/register\/confirm\?token=[^\s"<>]+/.exec(mail)![0]);
    await go(page, link.pathname + link.search);
    await page.getByRole('button', { name: 'Xác nhận đăng ký' }).click();
    await page.getByRole('heading', { name: 'Đã nhận đăng ký' }).waitFor();
    await page.context().close();
  }

  async function bid(page: Page, problemId: string, approach: string, price: string, attach = false): Promise<string> {
    await go(page, `/problems/${problemId}/propose`);
    await page.getByLabel('Cách tiếp cận').fill(approach);
    await page.getByLabel('Giải pháp').fill('Nền tảng một cửa số cho hồ sơ cấp phép');
    await page.getByLabel('Kế hoạch thực hiện').fill('Tháng 1–2: khảo sát; tháng 3–6: triển khai');
    await page.getByLabel('Nhân sự thực hiện').fill('Năm kỹ sư, một trưởng nhóm');
    await page.getByLabel('Giá đề xuất (đồng, số nguyên)').fill(price);
    await page.getByLabel('Thời gian thực hiện (tháng)').fill('6');
    if (attach) {
      await page
        .getByLabel('Tệp đính kèm')
        .setInputFiles([
          { name: 'thuyet-minh.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n% thuyết minh\n%%EOF\n') },
        ]);
      await page.getByRole('progressbar', { name: 'Tiến độ tải lên thuyet-minh.pdf' }).waitFor();
      await eventually(async () => (await page.getByRole('button', { name: 'Nộp đề xuất' }).isEnabled()) || null);
    }
    await page.getByRole('button', { name: 'Nộp đề xuất' }).click();
    await page.waitForURL(/\/proposals\/[0-9a-f-]{36}$/);
    return new URL(page.url()).pathname.split('/').pop() as string;
  }

  /** One scoring sheet: a score per criterion (the same for all three), a comment, then submit. */
  async function score(page: Page, firm: string, value: string): Promise<void> {
    const sheet = page.getByRole('region', { name: `Phiếu chấm: ${firm}` });
    for (const c of CRITERIA) {
      await sheet.getByLabel(`Điểm ${c.name} (0–10)`).fill(value);
      await sheet.getByLabel(`Nhận xét về ${c.name}`).fill(`Nhận xét ${c.name}: ${value}`);
    }
    await sheet.getByRole('button', { name: 'Nộp điểm' }).click();
    await sheet.getByText(/Đã nộp lúc/).waitFor();
  }

  async function declareNone(page: Page, firms: string[]): Promise<void> {
    for (const f of firms) await page.getByLabel(`Tôi không có xung đột lợi ích với ${f}`).check();
    await page.getByRole('button', { name: 'Gửi khai báo' }).click();
    await page.getByText(/Đã khai báo/).waitFor();
  }

  const card = (page: Page, name: string): Locator =>
    page.locator('li.card').filter({ has: page.getByRole('heading', { name, exact: true }) });

  it('from the first account to the award, each party seeing exactly what it should', async () => {
    // ── The administrator: a department, an officer and four evaluators (the fourth added later) ──
    await createUser(ctx, { email: 'quantri@haiphong.gov.vn', role: 'admin', fullName: 'Quản trị viên' });
    const admin = await person();
    await signIn(admin, 'quantri@haiphong.gov.vn', PASSWORD);
    await admin.getByRole('banner').getByRole('link', { name: 'Quản trị' }).click();
    await admin.getByRole('heading', { level: 1, name: 'Quản trị' }).waitFor();
    // The chain's state in one sentence (another suite may have broken it on purpose: either is plain).
    await admin
      .getByText(/Chuỗi nhật ký (toàn vẹn|bị phá vỡ)/)
      .first()
      .waitFor();
    await expectAccessible(admin);
    await admin.getByRole('navigation', { name: 'Các trang quản trị' }).getByRole('link', { name: 'Sở và tài khoản' }).click();
    await admin.getByLabel('Tên sở').fill('Sở Xây dựng Hải Phòng');
    await admin.getByLabel('Mã viết tắt (không bắt buộc)').fill('SXD');
    await admin.getByRole('button', { name: 'Thêm sở' }).click();
    await admin.getByText('Sở Xây dựng Hải Phòng (SXD)').waitFor();
    const since = Date.now() - 1000;
    const staff = [
      { name: 'Nguyễn Văn Quang', email: 'quang@xaydung.haiphong.gov.vn', role: 'officer' },
      { name: 'Trần Thị Hoa', email: 'hoa@chuyengia.vn', role: 'evaluator' },
      { name: 'Lê Minh Tuấn', email: 'tuan@chuyengia.vn', role: 'evaluator' },
      { name: 'Phạm Thu Trang', email: 'trang@chuyengia.vn', role: 'evaluator' },
      { name: 'Vũ Đức Long', email: 'long@chuyengia.vn', role: 'evaluator' },
    ];
    // Without a department an officer's account is refused before it reaches the API.
    await admin.getByLabel('Họ và tên').fill(staff[0]!.name);
    await admin.getByLabel('Thư điện tử').fill(staff[0]!.email);
    await admin.getByRole('button', { name: 'Tạo tài khoản' }).click();
    await admin.getByText('Cán bộ sở phải thuộc một sở.').waitFor();
    for (const s of staff) {
      await admin.getByLabel('Vai trò').selectOption({ label: s.role === 'officer' ? 'Cán bộ sở' : 'Chuyên gia đánh giá' });
      if (s.role === 'officer') await admin.getByLabel('Sở', { exact: true }).selectOption({ label: 'Sở Xây dựng Hải Phòng' });
      await admin.getByLabel('Họ và tên').fill(s.name);
      await admin.getByLabel('Thư điện tử').fill(s.email);
      await admin.getByRole('button', { name: 'Tạo tài khoản' }).click();
      await admin.getByRole('status').getByText(`Đã tạo tài khoản ${s.email}`).waitFor();
    }
    await admin.getByRole('button', { name: 'Khóa tài khoản Vũ Đức Long' }).waitFor();
    await expectAccessible(admin);
    for (const s of staff) await setPasswordFromMail(s.email, since);
    const [officerMail, e1, e2, e3, e4] = staff;

    // ── Four firms register themselves; the administrator verifies them from the queue ──
    const firms = {
      a: { name: 'Công ty TNHH Công nghệ Đồng Xanh', email: 'giamdoc@dongxanh.vn' },
      b: { name: 'Công ty Cổ phần Số Tràng Kênh', email: 'giamdoc@trangkenh.vn' },
      c: { name: 'Công ty TNHH Giải pháp Cát Bi', email: 'giamdoc@catbi.vn' },
      d: { name: 'Công ty TNHH Dữ liệu Đình Vũ', email: 'giamdoc@dinhvu.vn' },
    };
    for (const f of Object.values(firms)) await registerFirm(f.name, f.email);
    await go(admin, '/admin/firms');
    await admin.getByRole('heading', { level: 1, name: 'Xác minh doanh nghiệp' }).waitFor();
    await expectAccessible(admin);
    for (const f of Object.values(firms)) {
      // The queue may hold other firms too: the administrator finds each by name.
      await admin.getByLabel('Tìm kiếm').fill(f.name);
      const row = card(admin, f.name);
      await row.getByText('Mã số thuế').waitFor();
      await row.getByRole('button', { name: 'Xác minh', exact: true }).click();
      await row.getByRole('button', { name: `Xác minh: ${f.name}` }).click();
      await row.waitFor({ state: 'detached' });
    }
    await admin.getByLabel('Trạng thái').selectOption({ label: 'Đã xác minh' });
    await admin.getByLabel('Tìm kiếm').fill(firms.d.name);
    await card(admin, firms.d.name).waitFor();

    // ── The officer drafts the problem; the rubric's total is shown live and must be 100 ──
    const officer = await person();
    await signIn(officer, officerMail!.email);
    await officer.getByRole('banner').getByRole('link', { name: 'Bàn làm việc' }).click();
    await officer.getByRole('heading', { level: 1, name: 'Bàn làm việc của sở' }).waitFor();
    await expectAccessible(officer);
    await officer.getByRole('link', { name: 'Tạo bài toán mới' }).click();
    await officer.getByRole('heading', { level: 1, name: 'Bài toán mới' }).waitFor();
    const title = 'Rút ngắn thời gian cấp phép xây dựng nhà ở riêng lẻ';
    await officer.getByLabel('Tên bài toán').fill(title);
    await officer.getByLabel('Tóm tắt').fill('Hồ sơ cấp phép mất 15 ngày; thành phố cần giải pháp số để rút xuống 5 ngày.');
    await officer.getByLabel('Hiện trạng và điểm nghẽn').fill('Hồ sơ giấy chuyển qua ba phòng; không theo dõi được tiến độ.');
    await officer.getByLabel('Kết quả mong đợi').fill('Thời gian xử lý dưới 5 ngày; người dân tra cứu được tiến độ.');
    await officer.getByLabel('Ngân sách tối đa (đồng)').fill('2000000000');
    await officer.getByLabel('Thời gian thực hiện (tháng)').fill('6');
    await officer.getByLabel('Hạn nộp đề xuất (giờ Hải Phòng)').fill(cityInput(12));
    for (const [i, c] of CRITERIA.entries()) {
      await officer.getByLabel(`Tiêu chí ${i + 1}: tên`).fill(c.name);
      await officer.getByLabel(`Tiêu chí ${i + 1}: trọng số (%)`).fill(i === 2 ? '20' : c.weight);
    }
    await officer.getByRole('status').getByText('Tổng trọng số: 90. Cần đúng 100 mới lưu được.').waitFor();
    await officer.getByRole('button', { name: 'Lưu bản nháp' }).click();
    await officer.getByLabel('Tiêu chí 3: trọng số (%)').fill('30');
    await officer.getByRole('status').getByText('Tổng trọng số: 100. Đã đúng.').waitFor();
    await expectAccessible(officer);
    await officer.getByRole('button', { name: 'Lưu bản nháp' }).click();
    await officer.waitForURL(/\/office\/problems\/[0-9a-f-]{36}$/);
    const problemId = new URL(officer.url()).pathname.split('/').pop() as string;
    await officer.getByRole('heading', { level: 1, name: title }).waitFor();
    await officer.getByText('Theo quy định, hạn nộp phải cách thời điểm công bố ít nhất 9 ngày.', { exact: false }).waitFor();
    await expectAccessible(officer);

    // An officer of another department, and the public, see nothing of the draft.
    const other = await createDepartmentWithOfficer(ctx, 'Sở Y tế Hải Phòng');
    const stranger = await person();
    await signIn(stranger, other.officerEmail, PASSWORD);
    await go(stranger, `/office/problems/${problemId}`);
    await stranger.getByRole('alert').waitFor();
    expect(await stranger.locator('main').textContent()).not.toContain(title);
    await go(stranger, '/office');
    await stranger.getByRole('heading', { level: 1, name: 'Bàn làm việc của sở' }).waitFor();
    await stranger.getByText('Chưa có bài toán nào.').first().waitFor();
    expect(await stranger.locator('main').textContent()).not.toContain(title);
    await stranger.context().close();
    const anonymous = await person(`/problems/${problemId}`);
    await anonymous.getByRole('alert').waitFor();
    expect(await anonymous.locator('main').textContent()).not.toContain(title);

    // The preview is the public page as the department sees it; then publish.
    await officer.getByRole('link', { name: 'Xem trước như công chúng sẽ thấy' }).first().click();
    await officer.getByRole('heading', { level: 1, name: title }).waitFor();
    await officer.getByRole('cell', { name: 'Giải pháp kỹ thuật' }).waitFor();
    await go(officer, `/office/problems/${problemId}`);
    // A document attached to the draft, published with it (the public downloads it below).
    await officer.getByLabel('Thêm tài liệu').setInputFiles({
      name: 'Điều khoản tham chiếu.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(4096, 0x20)]),
    });
    await officer.getByRole('button', { name: 'Gỡ tài liệu Điều khoản tham chiếu.pdf' }).waitFor();
    await expectAccessible(officer);
    await officer.getByRole('button', { name: 'Công bố bài toán' }).click();
    await officer.getByText('Đang nhận đề xuất').first().waitFor();

    // The panel: three evaluators, one chair.
    for (const e of [e1, e2, e3]) await officer.getByRole('checkbox', { name: new RegExp(e!.name) }).check();
    await officer.getByLabel(`Chọn ${e2!.name} làm chủ tịch hội đồng`).check();
    await officer.getByRole('button', { name: 'Lưu hội đồng' }).click();
    await officer.getByRole('status').getByText('Đã lưu hội đồng.').waitFor();
    await expectAccessible(officer);

    // ── Firms ask and bid; the officer answers ──
    const firmPages: Record<keyof typeof firms, Page> = {} as never;
    for (const [k, f] of Object.entries(firms) as [keyof typeof firms, (typeof firms)['a']][]) {
      firmPages[k] = await person();
      await signIn(firmPages[k], f.email);
    }
    await go(firmPages.d, `/problems/${problemId}`);
    await firmPages.d.getByRole('link', { name: 'Điều khoản tham chiếu.pdf' }).waitFor();
    await firmPages.d
      .getByLabel('Đặt câu hỏi (công khai, không hiện tên doanh nghiệp)')
      .fill('Hệ thống một cửa hiện tại có API để kết nối không?');
    await firmPages.d.getByRole('button', { name: 'Gửi câu hỏi' }).click();
    await firmPages.d.getByRole('status').waitFor();
    const proposals = {
      a: await bid(firmPages.a, problemId, 'ĐỒNG XANH: quy trình số hóa toàn trình', '1800000000', true),
      b: await bid(firmPages.b, problemId, 'TRÀNG KÊNH: cổng tiếp nhận và theo dõi', '1500000000'),
      c: await bid(firmPages.c, problemId, 'CÁT BI: ứng dụng di động cho người dân', '1200000000'),
    };

    // The desk says what each problem waits for: here, an answer.
    await go(officer, '/office');
    await officer.getByRole('cell', { name: '1 câu hỏi đang chờ trả lời.' }).waitFor();
    await officer.getByRole('link', { name: title }).first().click();
    await officer.getByText('1 câu hỏi đang chờ trả lời.').waitFor();
    await officer
      .getByLabel('Câu trả lời (công khai cho mọi người, không nêu tên người hỏi)')
      .fill('Có, hệ thống có API REST; tài liệu gửi kèm khi ký hợp đồng.');
    await officer.getByRole('button', { name: 'Gửi câu trả lời' }).click();
    await officer.getByText('0 câu hỏi đang chờ trả lời.').waitFor();
    // Before the deadline the department sees no bid, no count, no bidder. (The suggested firms are
    // the firms that fit, bidders or not: they tell nothing and are left out of the check.)
    const suggested = officer.getByRole('region', { name: 'Doanh nghiệp phù hợp và lời mời' });
    await suggested
      .getByRole('button', { name: 'Gửi lời mời' })
      .or(suggested.getByText('Chưa có doanh nghiệp phù hợp.'))
      .waitFor();
    const before = ((await officer.locator('main').textContent()) ?? '').replace((await suggested.textContent()) ?? '', '');
    for (const f of [firms.a, firms.b, firms.c]) expect(before).not.toContain(f.name);
    expect(before).not.toMatch(/Đề xuất đã mở|Tiến độ đánh giá/);

    // An amendment: the resulting deadline is shown before confirming.
    await officer.getByLabel('Lý do sửa đổi (công khai)').fill('Bổ sung yêu cầu kết nối API của hệ thống một cửa.');
    await officer
      .getByLabel('Hiện trạng và điểm nghẽn')
      .fill('Hồ sơ giấy chuyển qua ba phòng; không theo dõi được tiến độ. Hệ thống một cửa có API REST.');
    await officer.getByRole('button', { name: 'Xem trước kết quả sửa đổi' }).click();
    await officer.getByText(/Sau sửa đổi, hạn nộp sẽ là/).waitFor();
    await expectAccessible(officer);
    await officer.getByRole('button', { name: 'Xác nhận sửa đổi' }).click();
    await officer
      .getByRole('status')
      .getByText(/Đã công bố sửa đổi/)
      .waitFor();

    // The evaluators' task page before the deadline: sealed, nothing of any bid.
    const evaluators: Page[] = [];
    for (const e of [e1, e2, e3]) {
      const page = await person();
      await signIn(page, e!.email);
      evaluators.push(page);
    }
    const [p1, p2, p3] = evaluators;
    await p1!.getByRole('banner').getByRole('link', { name: 'Hội đồng của tôi' }).click();
    await p1!.getByRole('link', { name: title }).first().click();
    await p1!.getByText(/Các đề xuất được niêm phong đến hạn nộp/).waitFor();
    expect(await p1!.locator('main').textContent()).not.toContain(firms.a.name);
    await expectAccessible(p1!);

    // ── The deadline passes (moved in the database) and the sweep closes the problem ──
    for (const k of ['a', 'b', 'c'] as const) {
      await go(firmPages[k], `/proposals/${proposals[k]}`);
      // The amendment asked every bidder to confirm: each keeps its bid as it is.
      const confirm = firmPages[k].getByRole('button', { name: 'Xác nhận giữ nguyên đề xuất theo sửa đổi lần 1' });
      await confirm.click();
      await confirm.waitFor({ state: 'detached' });
    }
    await passDeadlineAndGrace(ctx, problemId);
    await ctx.app.get(ProblemDeadlinesService).sweep();

    // Evaluator 1 declares a conflict with Đồng Xanh: that bid never opens for them.
    const bidders = [firms.a.name, firms.b.name, firms.c.name];
    await go(p1!, `/evaluation/${problemId}`);
    await p1!.getByRole('heading', { name: 'Khai báo xung đột lợi ích' }).waitFor();
    expect(await p1!.locator('main').textContent()).not.toContain(firms.d.name);
    await expectAccessible(p1!);
    await p1!.getByLabel(`Tôi có xung đột lợi ích với ${firms.a.name}`).check();
    await p1!.getByLabel('Ghi chú (không bắt buộc)').fill('Người thân làm việc tại doanh nghiệp.');
    await p1!.getByLabel(`Tôi không có xung đột lợi ích với ${firms.b.name}`).check();
    await p1!.getByLabel(`Tôi không có xung đột lợi ích với ${firms.c.name}`).check();
    await p1!.getByRole('button', { name: 'Gửi khai báo' }).click();
    await p1!.getByText(`Đã khai báo. Có xung đột lợi ích với: ${firms.a.name}.`).waitFor();
    await p1!.getByRole('region', { name: `Phiếu chấm: ${firms.b.name}` }).waitFor();
    await expectAccessible(p1!);
    expect(await p1!.getByRole('region', { name: `Phiếu chấm: ${firms.a.name}` }).count()).toBe(0);
    expect(await p1!.locator('main').textContent()).not.toContain('ĐỒNG XANH');
    const conflicted = await login(ctx, e1!.email, STAFF_PASSWORD);
    expect((await ctx.http.get(`/api/v1/proposals/${proposals.a}`).set(bearer(conflicted))).status).toBe(403);

    // The officer sees the panel short of evaluators for Đồng Xanh and adds a fourth, with a reason.
    await go(officer, '/office');
    await officer.getByRole('cell', { name: 'Cần thêm chuyên gia đánh giá' }).waitFor();
    await go(officer, `/office/problems/${problemId}`);
    await officer.getByText('Cần thêm chuyên gia: phải có ít nhất 3 người không xung đột lợi ích.').waitFor();
    await officer.getByRole('checkbox', { name: new RegExp(e4!.name) }).check();
    await officer.getByRole('button', { name: 'Lưu hội đồng' }).click();
    await officer
      .getByRole('alert')
      .getByText('Sau hạn nộp hồ sơ, chỉ được thay đổi hội đồng khi có lý do bằng văn bản.')
      .waitFor();
    await officer
      .getByLabel('Lý do thay đổi hội đồng (bắt buộc sau hạn nộp)')
      .fill('Chuyên gia Trần Thị Hoa có xung đột lợi ích với một doanh nghiệp.');
    await officer.getByRole('button', { name: 'Lưu hội đồng' }).click();
    await officer.getByRole('status').getByText('Đã lưu hội đồng.').waitFor();
    await officer.getByRole('button', { name: `Đọc đề xuất của ${firms.a.name}` }).click();
    await officer.getByRole('button', { name: 'Thu gọn' }).waitFor();
    await officer.getByRole('button', { name: /Tải xuống thuyet-minh\.pdf/ }).waitFor();
    await expectAccessible(officer);

    const p4 = await person();
    await signIn(p4, e4!.email);
    evaluators.push(p4);

    // ── Scoring: a draft autosaves; Đồng Xanh gets 9 from one and 5 from another (a disagreement) ──
    await go(p2!, `/evaluation/${problemId}`);
    await declareNone(p2!, bidders);
    const sheet = p2!.getByRole('region', { name: `Phiếu chấm: ${firms.a.name}` });
    await sheet.getByRole('button', { name: /Tải xuống thuyet-minh\.pdf/ }).waitFor();
    await sheet.getByLabel(`Điểm ${CRITERIA[0]!.name} (0–10)`).fill('9');
    await sheet.getByText(/Đã lưu nháp lúc/).waitFor();
    await p2!.reload();
    expect(
      await p2!
        .getByRole('region', { name: `Phiếu chấm: ${firms.a.name}` })
        .getByLabel(`Điểm ${CRITERIA[0]!.name} (0–10)`)
        .inputValue(),
    ).toBe('9');
    await p2!
      .getByRole('region', { name: `Phiếu chấm: ${firms.a.name}` })
      .getByLabel(`Điểm ${CRITERIA[1]!.name} (0–10)`)
      .fill('11');
    await p2!.getByText('Điểm từ 0 đến 10, tối đa hai chữ số thập phân.').waitFor();
    await expectAccessible(p2!);
    // Before submitting, nobody else's score is shown.
    expect(await p2!.getByRole('heading', { name: 'Điểm của các chuyên gia khác' }).count()).toBe(0);
    await score(p2!, firms.a.name, '9');
    await p2!.getByRole('heading', { name: 'Điểm của các chuyên gia khác' }).first().waitFor();
    await score(p2!, firms.b.name, '7');
    await score(p2!, firms.c.name, '6,5');

    await go(p3!, `/evaluation/${problemId}`);
    await declareNone(p3!, bidders);
    await score(p3!, firms.a.name, '5');
    await score(p3!, firms.b.name, '7');
    await score(p3!, firms.c.name, '6,5');
    await go(p4, `/evaluation/${problemId}`);
    await declareNone(p4, bidders);
    await score(p4, firms.a.name, '8');
    await score(p4, firms.b.name, '7');
    await score(p4, firms.c.name, '6,5');
    await score(p1!, firms.b.name, '7');
    await score(p1!, firms.c.name, '6,5');

    // The chair records a consensus for the flagged proposal.
    await p2!.reload();
    await p2!.getByRole('heading', { name: 'Đồng thuận của chủ tịch hội đồng' }).waitFor();
    await p2!.getByText(/Chênh lệch 40,00 điểm, vượt ngưỡng 20/).waitFor();
    await expectAccessible(p2!);
    await p2!.getByLabel('Điểm đồng thuận (0–100)').fill('72');
    await p2!.getByLabel('Lý do đồng thuận').fill('Hội đồng thống nhất: giải pháp tốt nhưng kế hoạch nhân sự còn mỏng.');
    await p2!.getByRole('button', { name: 'Ghi điểm đồng thuận' }).click();
    await p2!
      .getByText(/Điểm đồng thuận 72,00/)
      .first()
      .waitFor();
    // Evaluator 3 is not the chair: no consensus form.
    await p3!.reload();
    await p3!.getByRole('region', { name: `Phiếu chấm: ${firms.a.name}` }).waitFor();
    expect(await p3!.getByRole('heading', { name: 'Đồng thuận của chủ tịch hội đồng' }).count()).toBe(0);

    // ── The officer reads the ranking, with the per-criterion breakdown, and awards ──
    await go(officer, '/office');
    await officer.getByRole('cell', { name: 'Đã chấm xong: chờ quyết định' }).waitFor();
    await go(officer, `/office/problems/${problemId}`);
    await officer.getByRole('heading', { name: 'Xếp hạng' }).waitFor();
    await officer.getByText('Điểm đồng thuận 72,00', { exact: false }).waitFor();
    await officer.getByRole('button', { name: `Chi tiết theo tiêu chí của ${firms.b.name}` }).click();
    await officer
      .getByRole('cell', { name: `Nhận xét ${CRITERIA[2]!.name}: 7` })
      .first()
      .waitFor();
    await officer.getByRole('radio', { name: new RegExp(firms.b.name) }).check();
    await officer.getByLabel('Giải trình (bắt buộc khi không chọn đề xuất xếp hạng 1)').waitFor();
    await expectAccessible(officer);
    await officer.getByRole('radio', { name: new RegExp(firms.a.name) }).check();
    expect(await officer.getByLabel('Giải trình (bắt buộc khi không chọn đề xuất xếp hạng 1)').count()).toBe(0);
    await officer.getByRole('button', { name: 'Công bố kết quả' }).click();
    await officer.getByRole('link', { name: 'Xem kết quả công khai' }).waitFor();
    await expectAccessible(officer);

    // ── Each party's view ──
    await anonymous.goto(`${base}/problems/${problemId}`);
    await anonymous.getByText(`Thành phố đặt hàng ${firms.a.name} với giá 1.800.000.000 ₫`, { exact: false }).waitFor();
    const publicText = (await anonymous.locator('main').textContent()) ?? '';
    expect(publicText).not.toContain('TRÀNG KÊNH');
    expect(publicText).not.toContain(firms.c.name);

    await go(firmPages.a, `/proposals/${proposals.a}`);
    await firmPages.a.getByText('Xếp hạng 1/3.', { exact: false }).waitFor();
    await go(firmPages.c, `/proposals/${proposals.c}`);
    await firmPages.c.getByText('Xếp hạng 3/3.', { exact: false }).waitFor();
    const losing = (await firmPages.c.locator('main').textContent()) ?? '';
    for (const secret of ['ĐỒNG XANH', 'TRÀNG KÊNH', '1.800.000.000', firms.a.name, firms.b.name])
      expect(losing).not.toContain(secret);
    // A firm that did not bid has no proposal to look at; the public result is all it sees.
    await go(firmPages.d, `/proposals/${proposals.b}`);
    await firmPages.d.getByRole('alert').waitFor();
    expect(await firmPages.d.locator('main').textContent()).not.toContain('TRÀNG KÊNH');

    await go(p3!, '/evaluation');
    await p3!.getByRole('heading', { level: 1, name: 'Hội đồng của tôi' }).waitFor();
    await p3!.getByText('Đã có kết quả').first().waitFor();
    await expectAccessible(p3!);

    // The administrator's remaining pages: population figures and the audit log with its chain check.
    await go(admin, '/admin/population');
    await admin.getByRole('heading', { level: 1, name: 'Số liệu dân số' }).waitFor();
    await expectAccessible(admin);
    await go(admin, '/admin/audit');
    await admin.getByRole('heading', { level: 1, name: 'Nhật ký kiểm toán' }).waitFor();
    await admin.getByText(/Chuỗi nhật ký toàn vẹn: đã kiểm tra \d+ bản ghi|Chuỗi nhật ký bị phá vỡ tại bản ghi số \d+/).waitFor();
    await admin.getByRole('cell', { name: 'problem.awarded' }).first().waitFor();
    await expectAccessible(admin);

    for (const page of [admin, officer, anonymous, ...evaluators, ...Object.values(firmPages)]) await page.context().close();
  });
});
