import type { AddressInfo } from 'node:net';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';
import { bearer, createUser, PASSWORD, startApp, TestContext } from './harness';
import { createDepartmentWithOfficer, createVerifiedEnterprise, TestDepartment, TestFirm } from './factories';
import { award, createPanel, endStandstill, Panel, runCompetition } from './award-fixtures';

/**
 * After the award in a real browser: the reviewing admin dismisses a complaint, the firm delivers a
 * milestone, the department returns it once then accepts it, and the public problem page shows the
 * order's progress and outcome. Every page is scanned with axe-core.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
jest.setTimeout(180_000);

describe('portal: complaints, the order and its outcome', () => {
  let ctx: TestContext;
  let browser: Browser;
  let base: string;
  let dept: TestDepartment;
  let winner: TestFirm;
  let loser: TestFirm;
  let panel: Panel;

  beforeAll(async () => {
    ctx = await startApp();
    await ctx.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(ctx.app.getHttpServer().address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    dept = await createDepartmentWithOfficer(ctx, 'Sở Giao thông vận tải');
    winner = await createVerifiedEnterprise(ctx, { legalName: 'Công ty Cổ phần Giao thông Số' });
    loser = await createVerifiedEnterprise(ctx, { legalName: 'Công ty TNHH Bến Bính' });
    panel = await createPanel(ctx, 'portal-orders');
    await createUser(ctx, { email: 'reviewer@portal.test.vn', role: 'admin' });
  });

  afterAll(async () => {
    await browser?.close();
    await ctx?.close();
  });

  async function open(path: string): Promise<Page> {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${base}${path}`);
    return page;
  }

  async function signedIn(path: string, email: string): Promise<Page> {
    const page = await open(`/sign-in?next=${encodeURIComponent(path)}`);
    await page.getByLabel('Thư điện tử').fill(email);
    await page.getByLabel('Mật khẩu').fill(PASSWORD);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL(`${base}${path}`);
    return page;
  }

  async function expectAccessible(page: Page): Promise<void> {
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
  }

  it('runs the main path after the award through the portal', async () => {
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
    const kpi = { name: 'Thời gian chờ trung bình (giây)', target: '≤ 60 giây' };
    await ctx.dataSource.query(`UPDATE problems SET kpis = $2::jsonb WHERE id = $1`, [c.problemId, JSON.stringify([kpi])]);
    await award(ctx, dept, c.problemId, c.proposals[0]);
    await ctx.http
      .post(`/api/v1/problems/${c.problemId}/complaints`)
      .set(bearer(loser.token))
      .send({ grounds: 'Hồ sơ trúng tuyển chưa chứng minh kinh nghiệm triển khai tại nút giao có lưu lượng lớn.' })
      .expect(201);

    // The reviewing admin dismisses it from the queue, with a public reason.
    const admin = await signedIn('/admin/complaints', 'reviewer@portal.test.vn');
    await admin.getByRole('heading', { level: 1, name: 'Giải quyết khiếu nại' }).waitFor();
    await admin.getByText('Công ty TNHH Bến Bính gửi lúc', { exact: false }).waitFor();
    await expectAccessible(admin);
    await admin.getByLabel('Lý do quyết định (công khai)').fill('Hồ sơ năng lực có ba dự án tương tự đã nghiệm thu.');
    await admin.getByRole('button', { name: 'Không chấp nhận khiếu nại' }).click();
    await admin.getByText('Không có khiếu nại nào đang chờ giải quyết.').waitFor();
    await admin.context().close();

    // The order, its plan agreed by both sides (API), then delivered in the browser.
    await endStandstill(ctx, c.problemId);
    const orderId = (await ctx.http.post(`/api/v1/problems/${c.problemId}/order`).set(bearer(dept.token)).expect(201)).body
      .id as string;
    const plan = {
      staged: false,
      milestones: [
        {
          phase: 'single',
          deliverable: 'Hệ thống điều khiển tại 10 nút giao',
          dueDate: '2027-08-31',
          amount: 700_000_000,
          kpis: [{ name: kpi.name, target: 60, unit: 'giây' }],
        },
      ],
    };
    await ctx.http.put(`/api/v1/orders/${orderId}/plan`).set(bearer(dept.token)).send(plan).expect(200);
    await ctx.http.post(`/api/v1/orders/${orderId}/agree`).set(bearer(dept.token)).send({ planVersion: 1 }).expect(200);
    await ctx.http.post(`/api/v1/orders/${orderId}/agree`).set(bearer(winner.token)).send({ planVersion: 1 }).expect(200);

    const deliver = async (value: string) => {
      const firm = await signedIn(`/orders/${orderId}`, winner.memberEmail);
      await firm.getByRole('heading', { level: 1, name: title }).waitFor();
      await firm.getByLabel('Nội dung sản phẩm bàn giao').fill('Bàn giao hệ thống và báo cáo đo đạc');
      await firm.getByLabel('Giá trị đo được').fill(value);
      await firm.getByLabel('Minh chứng (cách đo, nguồn số liệu)').fill('Camera đếm xe, tuần 1–2 tháng 8/2027');
      await expectAccessible(firm);
      await firm.getByRole('button', { name: 'Nộp sản phẩm' }).click();
      await firm.getByText('Chờ nghiệm thu').waitFor();
      await firm.context().close();
    };
    await deliver('75');
    const officer = await signedIn(`/orders/${orderId}`, dept.officerEmail);
    await officer.getByLabel('Lý do trả lại').fill('Thời gian chờ 75 giây chưa đạt mục tiêu 60 giây.');
    await expectAccessible(officer);
    await officer.getByRole('button', { name: 'Trả lại mốc 1' }).click();
    await officer.getByText('Bị trả lại').waitFor();
    await officer.context().close();
    await deliver('55');
    const again = await signedIn(`/orders/${orderId}`, dept.officerEmail);
    await again.getByRole('button', { name: 'Nghiệm thu mốc 1' }).click();
    await again.getByText('Đã hoàn thành').waitFor();
    await again.context().close();

    await ctx.http
      .post(`/api/v1/orders/${orderId}/outcome`)
      .set(bearer(dept.token))
      .send({
        solved: 'yes',
        explanation: 'Thời gian chờ tại 10 nút giao giảm từ 95 xuống 55 giây.',
        kpis: [{ kpi: kpi.name, baseline: 95, target: 60, achieved: 55, unit: 'giây', direction: 'lower' }],
      })
      .expect(200);

    // The public problem page: progress and outcome.
    const pub = await open(`/problems/${c.problemId}`);
    await pub.getByRole('heading', { level: 2, name: 'Sau khi lựa chọn' }).waitFor();
    await pub.getByText('1/1 mốc đã nghiệm thu', { exact: false }).waitFor();
    await pub.getByText('Điểm nghẽn đã được giải quyết chưa?').waitFor();
    await pub.getByText('Thời gian chờ tại 10 nút giao giảm từ 95 xuống 55 giây.').waitFor();
    await expectAccessible(pub);
    await pub.context().close();
  });
});
