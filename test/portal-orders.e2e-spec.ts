import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createUser, startApp, TestContext } from './harness';
import { phoneReader, signedInOnPhone } from './portal-phone';
import { createDepartmentWithOfficer, createVerifiedEnterprise, TestDepartment, TestFirm } from './factories';
import { createPanel, endStandstill, Panel, runCompetition } from './award-fixtures';

/**
 * The check path after the award, by clicking in a real browser at a phone's width (390 px):
 * the officer awards; a losing bidder complains from the problem page with a file attached, the department answers and the
 * reviewing admin dismisses it; the officer places the order; both sides agree a plan with a pilot and
 * a scale-up; the pilot (with a file the department downloads) is returned once then accepted, which opens the scale-up; a variation is agreed;
 * the outcome is recorded and the firm adds its statement; the solution appears in the catalogue and a
 * second department re-orders it; the firm's public page shows its track record. Every page is
 * scanned with axe-core and checked not to scroll sideways.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
jest.setTimeout(300_000);

describe('portal: after the award, from the complaint to the re-order', () => {
  let ctx: TestContext;
  let browser: Browser;
  let base: string;
  let dept: TestDepartment;
  let dept2: TestDepartment;
  let winner: TestFirm;
  let loser: TestFirm;
  let panel: Panel;

  beforeAll(async () => {
    ctx = await startApp();
    await ctx.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(ctx.app.getHttpServer().address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    dept = await createDepartmentWithOfficer(ctx, 'Sở Giao thông vận tải');
    dept2 = await createDepartmentWithOfficer(ctx, 'Ủy ban nhân dân quận Lê Chân');
    winner = await createVerifiedEnterprise(ctx, { legalName: 'Công ty Cổ phần Giao thông Số' });
    loser = await createVerifiedEnterprise(ctx, { legalName: 'Công ty TNHH Bến Bính' });
    panel = await createPanel(ctx, 'portal-orders');
    await createUser(ctx, { email: 'reviewer@portal.test.vn', role: 'admin' });
  });

  afterAll(async () => {
    await browser?.close();
    await ctx?.close();
  });

  const signedIn = (email: string, path: string): Promise<Page> => signedInOnPhone(browser, base, email, path);

  async function go(page: Page, path: string): Promise<void> {
    await page.goto(`${base}${path}`);
  }

  const expectReadable = phoneReader('orders');

  it('walks award → complaint dismissed → pilot and scale-up → returned once, accepted → outcome → re-order', async () => {
    const title = 'Điều khiển đèn tín hiệu thích ứng tại các nút giao';
    const c = await runCompetition(
      ctx,
      dept,
      panel,
      [
        { firm: winner, price: 700_000_000, score: 9 },
        { firm: loser, price: 650_000_000, score: 7 },
      ],
      title,
    );
    const kpi = 'Thời gian chờ trung bình (giây)';
    await ctx.dataSource.query(`UPDATE problems SET kpis = $2::jsonb WHERE id = $1`, [
      c.problemId,
      JSON.stringify([{ name: kpi, target: '≤ 60 giây' }]),
    ]);
    const problemPath = `/problems/${c.problemId}`;

    // ── The officer awards from the ranking ──
    const officer = await signedIn(dept.officerEmail, `/office/problems/${c.problemId}`);
    await officer.getByRole('radio', { name: /Công ty Cổ phần Giao thông Số/ }).check();
    await officer.getByRole('button', { name: 'Công bố kết quả' }).click();
    await officer.getByRole('link', { name: 'Xem kết quả công khai' }).waitFor();

    // ── The losing bidder complains from the problem page during the standstill ──
    const rival = await signedIn(loser.memberEmail, problemPath);
    await rival.getByText('Đang trong thời gian khiếu nại', { exact: false }).waitFor();
    await rival
      .getByLabel('Nội dung khiếu nại')
      .fill('Hồ sơ trúng tuyển chưa chứng minh kinh nghiệm tại nút giao lưu lượng lớn.');
    await rival
      .getByLabel('Tệp đính kèm (không bắt buộc)')
      .setInputFiles([
        { name: 'bien-ban.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n% biên bản\n%%EOF\n') },
      ]);
    await expectReadable(rival);
    await rival.getByRole('button', { name: 'Gửi khiếu nại' }).click();
    await rival.getByText('Chờ trả lời').waitFor();
    await rival.getByRole('button', { name: 'Tải bien-ban.pdf' }).waitFor();
    expect(await rival.getByRole('button', { name: 'Gửi khiếu nại' }).count()).toBe(0);

    // The winner sees no pending complaint (not public until decided), and cannot answer one.
    const firm = await signedIn(winner.memberEmail, problemPath);
    await firm.getByRole('heading', { level: 2, name: 'Sau khi lựa chọn' }).waitFor();
    expect(await firm.getByText('Hồ sơ trúng tuyển chưa chứng minh', { exact: false }).count()).toBe(0);

    // The department answers on the same page; no order may be placed yet.
    await go(officer, problemPath);
    await officer.getByLabel('Trả lời khiếu nại').fill('Hồ sơ năng lực có ba dự án tương tự đã nghiệm thu.');
    expect(await officer.getByRole('button', { name: 'Đặt hàng với doanh nghiệp được lựa chọn' }).count()).toBe(0);
    await expectReadable(officer);
    await officer.getByRole('button', { name: 'Gửi trả lời' }).click();
    await officer.getByText('Đã trả lời, chờ giải quyết').waitFor();

    // The reviewing admin dismisses it with a public reason.
    const admin = await signedIn('reviewer@portal.test.vn', '/admin/complaints');
    await admin.getByText('Công ty TNHH Bến Bính gửi lúc', { exact: false }).waitFor();
    await admin.getByLabel('Lý do quyết định (công khai)').fill('Hồ sơ năng lực có ba dự án tương tự đã nghiệm thu.');
    await expectReadable(admin);
    await admin.getByRole('button', { name: 'Không chấp nhận khiếu nại' }).click();
    await admin.getByText('Không có khiếu nại nào đang chờ giải quyết.').waitFor();

    // ── The standstill ends; the officer places the order and proposes a pilot and a scale-up ──
    await endStandstill(ctx, c.problemId);
    await go(officer, problemPath);
    await officer.getByText('Không được chấp nhận').waitFor();
    await officer.getByRole('button', { name: 'Đặt hàng với doanh nghiệp được lựa chọn' }).click();
    await officer.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
    const orderPath = new URL(officer.url()).pathname;
    await officer.getByRole('heading', { level: 1, name: title }).waitFor();
    await officer.getByLabel('Thí điểm trước, nhân rộng sau', { exact: false }).check();
    await officer.getByLabel('Sản phẩm bàn giao', { exact: true }).fill('Thí điểm tại 2 nút giao');
    await officer.getByLabel('Hạn hoàn thành').fill('2027-06-30');
    await officer.getByLabel('Số tiền (đồng)').fill('200000000');
    await officer.getByRole('button', { name: 'Thêm chỉ số cho mốc 1' }).click();
    await officer.getByLabel('Chỉ số 1', { exact: true }).fill(kpi);
    await officer.getByLabel('Mục tiêu của chỉ số 1').fill('60');
    await officer.getByLabel('Đơn vị của chỉ số 1').fill('giây');
    await officer.getByRole('button', { name: 'Thêm mốc' }).click();
    const second = officer.getByRole('group', { name: 'Mốc 2' });
    await second.getByLabel('Giai đoạn').selectOption('scale_up');
    await second.getByLabel('Sản phẩm bàn giao', { exact: true }).fill('Nhân rộng ra 10 nút giao');
    await second.getByLabel('Hạn hoàn thành').fill('2027-09-30');
    await second.getByLabel('Số tiền (đồng)').fill('500000000');
    await expectReadable(officer);
    await officer.getByRole('button', { name: 'Gửi kế hoạch' }).click();
    await officer.getByRole('button', { name: 'Đồng ý kế hoạch phiên bản 1' }).click();
    await officer.getByText('Cơ quan đồng ý: Có', { exact: false }).waitFor();

    // The firm agrees the same version: work starts, the scale-up waits for the pilot.
    await go(firm, orderPath);
    await firm.getByRole('button', { name: 'Đồng ý kế hoạch phiên bản 1' }).click();
    await firm.getByText('Đang thực hiện').first().waitFor();
    await firm.getByText('Chờ kết quả thí điểm').waitFor();

    // ── The pilot: returned once, then accepted ──
    const deliver = async (value: string, file?: string) => {
      await go(firm, orderPath);
      await firm.getByLabel('Nội dung sản phẩm bàn giao').fill('Bàn giao hệ thống và báo cáo đo đạc');
      await firm.getByLabel('Giá trị đo được').fill(value);
      await firm.getByLabel('Minh chứng (cách đo, nguồn số liệu)').fill('Camera đếm xe, hai tuần');
      if (file) {
        // The deliverable's file goes up before the submission and waits in the list for it.
        await firm.getByLabel('Đính kèm tệp cho sản phẩm này').setInputFiles({
          name: file,
          mimeType: 'application/pdf',
          buffer: Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2048, 0x20)]),
        });
        await firm.getByRole('list', { name: 'Tệp cho lần nộp tiếp theo' }).getByText(file).waitFor();
      }
      await expectReadable(firm);
      await firm.getByRole('button', { name: 'Nộp sản phẩm' }).click();
      await firm.getByText('Chờ nghiệm thu').waitFor();
    };
    await deliver('75', 'Báo cáo đo đạc.pdf');
    await go(officer, orderPath);
    // The department reviews the round with its file, and downloads it.
    await officer.getByText('Lượt 1 đang được xem xét: 1 tệp').waitFor();
    const [download] = await Promise.all([
      officer.waitForEvent('download'),
      officer.getByRole('button', { name: 'Tải về Báo cáo đo đạc.pdf' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('Báo cáo đo đạc.pdf');
    // The firm cannot accept its own deliverable: the page offers it nothing to click.
    expect(await firm.getByRole('button', { name: 'Nghiệm thu mốc 1' }).count()).toBe(0);
    await officer.getByLabel('Lý do trả lại').fill('Thời gian chờ 75 giây chưa đạt mục tiêu 60 giây.');
    await expectReadable(officer);
    await officer.getByRole('button', { name: 'Trả lại mốc 1' }).click();
    await officer.getByText('Bị trả lại').waitFor();
    await deliver('55');
    await firm.getByText('Lịch sử nộp (2 lần)').click();
    await firm.getByText('Thời gian chờ 75 giây chưa đạt mục tiêu 60 giây.').waitFor();
    await go(officer, orderPath);
    await officer.getByRole('button', { name: 'Nghiệm thu mốc 1' }).click();
    await officer.getByRole('heading', { name: 'Mốc 2 · Nhân rộng' }).waitFor();
    await officer.getByText('Đang thực hiện').nth(1).waitFor();

    // ── A numbered variation: the firm moves the scale-up's due date, the department agrees ──
    await go(firm, orderPath);
    await firm.getByRole('button', { name: 'Đề xuất điều chỉnh' }).click();
    await firm.getByRole('group', { name: 'Mốc 2' }).getByLabel('Hạn hoàn thành').fill('2027-10-31');
    await firm.getByLabel('Lý do điều chỉnh').fill('Chờ cơ quan cấp phép lắp camera tại 8 nút giao.');
    await firm.getByRole('button', { name: 'Gửi đề xuất điều chỉnh' }).click();
    await firm.getByText('Chờ bên kia đồng ý').waitFor();
    await go(officer, orderPath);
    await officer.getByRole('button', { name: 'Đồng ý điều chỉnh số 1' }).click();
    await officer.getByText('Đã thống nhất').waitFor();
    await officer.getByText(/Hạn 31\D+10\D+2027/).waitFor();

    // ── The scale-up delivered and accepted: the order completes ──
    await go(firm, orderPath);
    await firm.getByLabel('Nội dung sản phẩm bàn giao').fill('Hệ thống tại 10 nút giao');
    await firm.getByRole('button', { name: 'Nộp sản phẩm' }).click();
    await firm.getByText('Chờ nghiệm thu').waitFor();
    await go(officer, orderPath);
    await officer.getByRole('button', { name: 'Nghiệm thu mốc 2' }).click();
    await officer.getByText('Đã hoàn thành').first().waitFor();
    await officer.getByRole('button', { name: 'Ghi nhận đã thanh toán mốc 1' }).click();
    await officer.getByText('Đã thanh toán lúc', { exact: false }).waitFor();

    // ── The outcome per KPI and "was the bottleneck solved?", then the firm's statement ──
    await officer.getByLabel('Ban đầu').fill('95');
    await officer.getByLabel('Đạt được').fill('55');
    await officer.getByLabel('Giá trị tốt hơn khi').selectOption('lower');
    await officer.getByRole('radio', { name: 'Đã giải quyết' }).check();
    await officer.getByLabel('Giải thích (công khai)').fill('Thời gian chờ tại 10 nút giao giảm từ 95 xuống 55 giây.');
    await expectReadable(officer);
    await officer.getByRole('button', { name: 'Lưu kết quả' }).click();
    await officer.getByText('Điểm nghẽn đã được giải quyết chưa?').waitFor();
    await go(firm, orderPath);
    await firm.getByLabel('Ý kiến của doanh nghiệp về kết quả (công khai)').fill('Chúng tôi tiếp tục bảo trì miễn phí 12 tháng.');
    await firm.getByRole('button', { name: 'Lưu ý kiến' }).click();
    await firm.getByText('Ý kiến của doanh nghiệp:').waitFor();

    // ── The public problem page: the dismissed complaint, progress and outcome ──
    const visitor = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    await visitor.goto(`${base}${problemPath}`);
    await visitor.getByText('2/2 mốc đã nghiệm thu', { exact: false }).waitFor();
    await visitor.getByText('Hồ sơ trúng tuyển chưa chứng minh', { exact: false }).waitFor();
    // The decided complaint is public, its evidence is not (personal data): no file for the visitor.
    expect(await visitor.getByRole('button', { name: 'Tải bien-ban.pdf' }).count()).toBe(0);
    await visitor.getByText('Thời gian chờ tại 10 nút giao giảm từ 95 xuống 55 giây.').waitFor();
    await expectReadable(visitor);

    // ── The firm's public page shows its track record ──
    await visitor.goto(`${base}/enterprises/${winner.id}`);
    await visitor.getByRole('heading', { name: 'Kết quả thực hiện hợp đồng' }).waitFor();
    await visitor.getByText('1/1 chỉ số', { exact: false }).waitFor();
    await expectReadable(visitor);

    // ── A second department finds the solution in the catalogue and re-orders it ──
    const other = await signedIn(dept2.officerEmail, '/catalogue');
    await other.getByRole('link', { name: title }).click();
    await other.getByRole('heading', { level: 1, name: title }).waitFor();
    await other.getByLabel('Tên hợp đồng (nhu cầu của cơ quan)').fill('Đèn tín hiệu thích ứng cho quận Lê Chân');
    await other
      .getByLabel('Lý do đặt hàng trực tiếp (công khai)')
      .fill('Cùng loại nút giao, giải pháp đã giảm thời gian chờ 42% tại Sở Giao thông vận tải.');
    await other.getByLabel('Giá đặt hàng (đồng)').fill('800000000');
    await other.getByRole('button', { name: 'Đặt hàng lại' }).click();
    await other.getByRole('alert').waitFor();
    await other.getByLabel('Giá đặt hàng (đồng)').fill('650000000');
    await expectReadable(other);
    await other.getByRole('button', { name: 'Đặt hàng lại' }).click();
    await other.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
    await other.getByRole('heading', { level: 1, name: 'Đèn tín hiệu thích ứng cho quận Lê Chân' }).waitFor();
    await other.getByText('Cùng loại nút giao', { exact: false }).waitFor();
    await other.getByRole('link', { name: 'Giải pháp trong danh mục được đặt hàng lại' }).waitFor();
    await other.getByRole('heading', { name: 'Kế hoạch các mốc', exact: true }).waitFor();
    await expectReadable(other);
  });
});
