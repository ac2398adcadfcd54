/**
 * `npm run demo`: loads a living Hai Phong demo into the development database (never production):
 * departments with officers, evaluators, verified firms across the Plan 106 sectors, and problems
 * in every state — open (with Q&A and an amendment), closing soon, draft, cancelled, under
 * evaluation, and one awarded with scores whose order (a pilot returned once, then a scale-up) is
 * delivered and its outcome recorded, so the catalogue has an entry. Everything goes through the real API in-process
 * (Fastify inject), so the data obeys the same rules as real use; only the clock is moved (deadlines
 * pushed into the past) the way the tests do. Running it twice does nothing the second time.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { sql } from 'kysely';
import { DataSource } from 'typeorm';
import { db } from '@app/database';
import { taxCodeCheckDigit } from '@app/enterprises';
import { hashPassword, newOpaqueToken, UsersService } from '@app/identity';
import { ProblemDeadlinesService } from '@app/problems';
import { createApp } from '../apps/api/src/bootstrap';
import { runSeed, SeedModule } from '../apps/api/src/seed';

const PASSWORD = process.env.DEMO_PASSWORD ?? 'Cau-Rao-demo-2026';
const MARKER_EMAIL = 'admin@demo.haiphong.local';
/** The officer who awards the demo's last problem and orders its solution (departments are mailed as <code>@demo.haiphong.gov.vn). */
const AWARDING_OFFICER = 'sxd@demo.haiphong.gov.vn';
/** The firm whose bid wins that problem (the second firm registered). */
const WINNING_FIRM = 'chu.doanhnghiep2@demo-firm.vn';

type Json = Record<string, unknown>;
let app: NestFastifyApplication;

async function call(method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, token: string | null, body?: unknown): Promise<Json> {
  const res = await app.inject({
    method,
    url: `/api/v1${url}`,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    payload: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.statusCode >= 300) throw new Error(`${method} ${url} → ${res.statusCode} ${res.body}`);
  return res.body ? res.json<Json>() : {};
}

async function login(email: string): Promise<string> {
  return (await call('POST', '/auth/login', null, { email, password: PASSWORD })).accessToken as string;
}

async function user(
  email: string,
  fullName: string,
  role: 'admin' | 'officer' | 'evaluator',
  organizationId: string | null = null,
) {
  const ds = app.get(DataSource);
  const created = await app
    .get(UsersService)
    .insertUser(ds.manager, { email, fullName, role, organizationId, passwordHash: await hashPassword(PASSWORD) });
  return { id: created.id, email, token: await login(email) };
}

let serial = 4_100_000;
function taxCode(): string {
  for (;;) {
    const nine = `02${String(serial++).padStart(7, '0')}`;
    const check = taxCodeCheckDigit(nine);
    if (check !== null) return `${nine}${check}`;
  }
}

const RUBRIC = {
  passMark: 60,
  criteria: [
    { key: 'approach', name: 'Giải pháp kỹ thuật và cách tiếp cận', weight: 40 },
    { key: 'team', name: 'Năng lực nhân sự và kinh nghiệm', weight: 30 },
    { key: 'price', name: 'Giá và hiệu quả chi phí', weight: 30 },
  ],
};
const days = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString();

/**
 * The demo stands in for the owner's mailbox: it mints the confirmation link the worker would mail.
 * A running worker may mail (and so replace) the link meanwhile; then the next try wins.
 */
async function confirmRegistration(ds: DataSource, email: string): Promise<Json> {
  for (let attempt = 1; ; attempt++) {
    const request = await db(ds)
      .selectFrom('registration_requests')
      .select('id')
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    const link = newOpaqueToken(request.id);
    await db(ds).updateTable('registration_requests').set({ token_hash: link.hash }).where('id', '=', request.id).execute();
    try {
      return await call('POST', '/auth/register-enterprise/confirm', null, { token: link.token });
    } catch (err) {
      if (attempt >= 5) throw err;
    }
  }
}

/**
 * After the award: the standstill passes (the clock is moved, as for the deadlines), the order is
 * placed, a pilot then a scale-up are agreed and delivered (the pilot returned once), the outcome
 * recorded: the solution enters the catalogue and the firm's track record.
 */
async function orderAndDeliver(ds: DataSource, awarded: string, officer: string, winner: string): Promise<void> {
  await call('GET', `/problems/${awarded}/standstill`, null);
  await db(ds)
    .updateTable('standstill_periods')
    .set({ ends_at: sql`now() - interval '1 second'` })
    .where('problem_id', '=', awarded)
    .execute();
  const orderId = (await call('POST', `/problems/${awarded}/order`, officer)).id as string;
  const kpi = { name: 'Thời gian cấp phép', unit: 'ngày' };
  await call('PUT', `/orders/${orderId}/plan`, winner, {
    staged: true,
    milestones: [
      {
        phase: 'pilot',
        deliverable: 'Thí điểm cổng nộp hồ sơ tại phường Hồng Bàng',
        dueDate: '2027-03-31',
        amount: 500_000_000,
        kpis: [{ ...kpi, target: 12 }],
      },
      {
        phase: 'scale_up',
        deliverable: 'Triển khai toàn thành phố, kết nối bản đồ quy hoạch',
        dueDate: '2027-06-30',
        amount: 1_250_000_000,
        kpis: [{ ...kpi, target: 10 }],
      },
    ],
  });
  await call('POST', `/orders/${orderId}/agree`, officer, { planVersion: 1 });
  const started = await call('POST', `/orders/${orderId}/agree`, winner, { planVersion: 1 });
  const [pilot, scaleUp] = (started.milestones as { id: string }[]).map((m) => m.id);
  const deliver = (milestone: string, text: string, days: number) =>
    call('POST', `/orders/${orderId}/milestones/${milestone}/submissions`, winner, {
      text,
      kpiResults: [{ kpi: kpi.name, value: days, evidence: 'Trích xuất từ hệ thống một cửa: 120 hồ sơ trong tháng.' }],
    });
  await deliver(pilot!, 'Cổng thí điểm vận hành tại phường Hồng Bàng; báo cáo đo đạc kèm theo.', 13);
  await call('POST', `/orders/${orderId}/milestones/${pilot}/return`, officer, {
    reason: 'Thời gian cấp phép 13 ngày chưa đạt mục tiêu 12 ngày của giai đoạn thí điểm.',
  });
  await deliver(pilot!, 'Đã tinh gọn bước thẩm định; đo lại trong tháng tiếp theo.', 11);
  await call('POST', `/orders/${orderId}/milestones/${pilot}/accept`, officer);
  await deliver(scaleUp!, 'Hệ thống vận hành toàn thành phố, 92% hồ sơ nộp trực tuyến.', 8);
  await call('POST', `/orders/${orderId}/milestones/${scaleUp}/accept`, officer);
  await call('POST', `/orders/${orderId}/outcome`, officer, {
    solved: 'yes',
    explanation: 'Thời gian cấp phép xây dựng giảm từ 25 xuống 8 ngày; 92% hồ sơ được nộp trực tuyến.',
    kpis: [{ kpi: kpi.name, baseline: 25, target: 10, achieved: 8, unit: kpi.unit, direction: 'lower' }],
  });
  await call('POST', `/orders/${orderId}/outcome/statement`, winner, {
    statement: 'Chúng tôi cam kết bảo trì miễn phí 12 tháng và hỗ trợ các địa phương khác triển khai lại.',
  });
}

async function main(): Promise<void> {
  if (process.env.NODE_ENV === 'production') throw new Error('npm run demo never runs with NODE_ENV=production');
  const seedCtx = await NestFactory.createApplicationContext(SeedModule, { logger: ['error', 'warn'] });
  await runSeed(seedCtx);
  await seedCtx.close();

  app = await createApp();
  await app.init();
  const ds = app.get(DataSource);
  if (await db(ds).selectFrom('users').select('id').where('email', '=', MARKER_EMAIL).executeTakeFirst()) {
    // The order's outcome is the demo's last step: without it an earlier run stopped half-way.
    const complete = await db(ds)
      .selectFrom('order_outcomes as o')
      .innerJoin('orders as r', 'r.id', 'o.order_id')
      .innerJoin('problems as p', 'p.id', 'r.problem_id')
      .innerJoin('users as u', 'u.id', 'p.created_by')
      .select('o.order_id')
      .where('u.email', '=', AWARDING_OFFICER)
      .executeTakeFirst();
    if (complete) {
      console.log('[demo] the demo data is already loaded; nothing to do');
      return;
    }
    // Demo data loaded before the order chapter existed: the award is there, no order yet.
    const awardedWithoutOrder = await db(ds)
      .selectFrom('problems as p')
      .innerJoin('users as u', 'u.id', 'p.created_by')
      .leftJoin('orders as r', 'r.problem_id', 'p.id')
      .select('p.id')
      .where('u.email', '=', AWARDING_OFFICER)
      .where('p.status', '=', 'awarded')
      .where('r.id', 'is', null)
      .executeTakeFirst();
    if (awardedWithoutOrder) {
      await orderAndDeliver(ds, awardedWithoutOrder.id, await login(AWARDING_OFFICER), await login(WINNING_FIRM));
      console.log('[demo] added the order of the awarded problem, delivered into the catalogue');
      return;
    }
    throw new Error(
      'an earlier demo run stopped half-way; to load the demo afresh, stop npm start and delete the development database (rm -rf .data/postgres), then run npm run demo again',
    );
  }
  const admin = await user(MARKER_EMAIL, 'Quản trị Sàn (demo)', 'admin');

  const departments: Record<string, { id: string; officer: { id: string; email: string; token: string } }> = {};
  for (const [code, name, officer] of [
    ['SKHCN', 'Sở Khoa học và Công nghệ', 'Nguyễn Thị Thu Hà'],
    ['SXD', 'Sở Xây dựng', 'Phạm Văn Hùng'],
    ['SYT', 'Sở Y tế', 'Đỗ Minh Tâm'],
    ['SNNMT', 'Sở Nông nghiệp và Môi trường', 'Vũ Thị Lan'],
  ] as const) {
    const dept = await call('POST', '/departments', admin.token, { name, code });
    departments[code] = {
      id: dept.id as string,
      officer: await user(`${code.toLowerCase()}@demo.haiphong.gov.vn`, officer, 'officer', dept.id as string),
    };
  }
  const evaluators: { id: string; email: string; token: string }[] = [];
  for (const [i, name] of ['TS. Lê Quang Minh', 'ThS. Trần Thị Ngọc', 'KS. Hoàng Văn Dũng'].entries()) {
    evaluators.push(await user(`chuyengia${i + 1}@demo.haiphong.gov.vn`, name, 'evaluator'));
  }

  const areas = await db(ds)
    .selectFrom('areas')
    .select('code')
    .where('unit_type', '<>', 'city')
    .orderBy('code')
    .limit(40)
    .execute();
  const firmSpecs: [string, string[], string][] = [
    ['Công ty Cổ phần Công nghệ Cảng Xanh', ['logistics_seaport', 'ict'], 'Cảng Xanh Tech'],
    ['Công ty TNHH Phần mềm Đồ Sơn', ['public_administration', 'ict'], 'Đồ Sơn Soft'],
    ['Công ty Cổ phần Dữ liệu Bạch Đằng', ['environment', 'smart_agriculture'], 'Bạch Đằng Data'],
    ['Công ty TNHH Y tế số Lạch Tray', ['health'], 'Lạch Tray Health'],
    ['Công ty Cổ phần Du lịch thông minh Cát Bà', ['smart_tourism', 'ecommerce'], 'Cát Bà Smart'],
    ['Công ty TNHH Sản xuất thông minh Tràng Duệ', ['smart_manufacturing'], 'Tràng Duệ MES'],
    ['Công ty Cổ phần Giáo dục số Hồng Bàng', ['education'], 'Hồng Bàng Edu'],
    ['Công ty TNHH Thương mại điện tử Kiến An', ['ecommerce'], 'Kiến An Shop'],
  ];
  const firms: { id: string; name: string; token: string }[] = [];
  for (const [i, [legalName, sectors, shortName]] of firmSpecs.entries()) {
    const email = `chu.doanhnghiep${i + 1}@demo-firm.vn`;
    await call('POST', '/auth/register-enterprise', null, {
      email,
      password: PASSWORD,
      fullName: `Người đại diện ${shortName}`,
      enterprise: {
        legalName,
        shortName,
        taxCode: taxCode(),
        address: `Số ${10 + i} đường Lạch Tray, Hải Phòng`,
        areaCode: areas[(i * 5) % areas.length]!.code,
        sectors,
        tags: ['chuyển đổi số', shortName.split(' ')[0]],
        headcountBand: ['10-49', '50-199', '1-9'][i % 3],
        website: `https://${shortName.toLowerCase().replace(/[^a-z]+/g, '')}.example.vn`,
      },
    });
    const registered = await confirmRegistration(ds, email);
    const id = (registered.enterprise as Json).id as string;
    // Verified today: the registry refuses an effective date before the registration it follows.
    if (i < 7) await call('POST', `/enterprises/${id}/verify`, admin.token, {});
    firms.push({ id, name: legalName, token: i < 7 ? await login(email) : '' });
  }

  async function problem(dept: string, fields: Json, publish = true): Promise<string> {
    const created = await call('POST', '/problems', departments[dept]!.officer.token, {
      rubric: RUBRIC,
      deadline: days(20),
      ...fields,
    });
    const id = created.id as string;
    if (publish) await call('POST', `/problems/${id}/publish`, departments[dept]!.officer.token);
    return id;
  }
  const proposal = (approach: string, price: number) => ({
    approach,
    solution: 'Nền tảng web và ứng dụng di động, dữ liệu lưu tại trung tâm dữ liệu của thành phố',
    plan: 'Tháng 1: khảo sát; tháng 2–4: xây dựng; tháng 5: thí điểm; tháng 6: nghiệm thu',
    team: 'Trưởng nhóm 10 năm kinh nghiệm; 4 kỹ sư phần mềm; 1 chuyên gia dữ liệu',
    price,
    durationMonths: 6,
    references: ['Hệ thống một cửa điện tử quận Lê Chân (2023)'],
  });

  // Open, with Q&A and an amendment.
  const flood = await problem('SXD', {
    title: 'Cảnh báo ngập úng đô thị theo thời gian thực',
    summary: 'Dự báo và cảnh báo sớm điểm ngập cho người dân khi mưa lớn và triều cường.',
    description:
      'Mỗi mùa mưa, nhiều tuyến phố trung tâm ngập sâu nhưng người dân chỉ biết khi đã gặp ngập. Dữ liệu mưa, triều và mực nước cống đang nằm rải rác ở nhiều đơn vị.',
    expectedResults: 'Bản đồ điểm ngập cập nhật 5 phút một lần; cảnh báo qua ứng dụng và Zalo trước ít nhất 30 phút.',
    kpis: [
      { name: 'Độ trễ cập nhật', target: '≤ 5 phút' },
      { name: 'Tỷ lệ cảnh báo đúng', target: '≥ 80%' },
    ],
    sector: 'environment',
    tags: ['ngập lụt', 'IoT', 'cảnh báo sớm'],
    budgetCeiling: 2_500_000_000,
    durationMonths: 8,
    dataAvailable: 'Số liệu 42 trạm đo mưa, dữ liệu triều 2015–2025',
    contact: { name: 'Phạm Văn Hùng', email: 'sxd@demo.haiphong.gov.vn', phone: '0225 3842 000' },
    deadline: days(28),
  });
  const q = await call('POST', `/problems/${flood}/questions`, firms[2]!.token, {
    question: 'Sở có cung cấp API dữ liệu các trạm đo mưa hiện có không?',
  });
  await call('POST', `/problems/${flood}/questions/${q.id as string}/answer`, departments.SXD!.officer.token, {
    answer: 'Có. Dữ liệu 42 trạm được cung cấp qua API nội bộ sau khi ký thỏa thuận bảo mật.',
  });
  await call('POST', `/problems/${flood}/questions`, firms[0]!.token, {
    question: 'Giải pháp có cần tích hợp camera giao thông không?',
  });
  await call('POST', `/problems/${flood}/amendments`, departments.SXD!.officer.token, {
    reason: 'Bổ sung dữ liệu triều cường và gia hạn nộp hồ sơ',
    changes: {
      dataAvailable: 'Số liệu 42 trạm đo mưa, dữ liệu triều 2015–2025, bản đồ cống thoát nước 2024',
      deadline: days(32),
    },
  });
  await problem('SKHCN', {
    title: 'Truy xuất nguồn gốc hàng hóa qua cảng Lạch Huyện',
    summary: 'Một mã tra cứu cho mỗi lô hàng từ kho tới tàu.',
    description:
      'Doanh nghiệp xuất khẩu phải khai báo lặp lại trên nhiều hệ thống; cơ quan quản lý thiếu dữ liệu truy xuất liên thông.',
    expectedResults: 'Tra cứu nguồn gốc lô hàng trong dưới 10 giây; giảm 30% thời gian thông quan.',
    sector: 'logistics_seaport',
    tags: ['cảng biển', 'truy xuất', 'blockchain'],
    budgetCeiling: 3_000_000_000,
    durationMonths: 10,
    deadline: days(15),
  });
  const closingSoon = await problem('SYT', {
    title: 'Đặt lịch khám bệnh trực tuyến cho bệnh viện tuyến huyện',
    summary: 'Giảm thời gian chờ khám tại 6 bệnh viện tuyến huyện.',
    description: 'Người bệnh phải xếp hàng từ sáng sớm; bệnh viện không dự báo được lượng khám theo giờ.',
    expectedResults: 'Thời gian chờ trung bình dưới 30 phút; 40% lượt khám đặt trước.',
    sector: 'health',
    tags: ['y tế', 'đặt lịch'],
    budgetCeiling: 1_500_000_000,
    durationMonths: 6,
  });
  await db(ds)
    .updateTable('problems')
    .set({ deadline: sql`now() + interval '2 days 5 hours'`, clarification_deadline: sql`now() + interval '1 day'` })
    .where('id', '=', closingSoon)
    .execute();

  // A draft and a cancelled problem.
  await problem(
    'SKHCN',
    {
      title: 'Bản đồ số du lịch Cát Bà',
      summary: 'Bản đồ số điểm đến, lưu trú và giao thông thủy.',
      description: 'Đang hoàn thiện yêu cầu.',
      expectedResults: 'Ứng dụng bản đồ đa ngôn ngữ.',
      sector: 'smart_tourism',
      tags: ['du lịch'],
    },
    false,
  );
  const cancelled = await problem('SNNMT', {
    title: 'Số hóa hồ sơ địa chính cấp xã',
    summary: 'Số hóa 1,2 triệu trang hồ sơ địa chính.',
    description: 'Hồ sơ giấy xuống cấp, tra cứu chậm.',
    expectedResults: 'Toàn bộ hồ sơ được số hóa và tra cứu được.',
    sector: 'public_administration',
    tags: ['địa chính'],
    budgetCeiling: 4_000_000_000,
  });
  await call('POST', `/problems/${cancelled}/cancel`, departments.SNNMT!.officer.token, {
    reason: 'Nhiệm vụ được chuyển sang dự án của Bộ Nông nghiệp và Môi trường.',
  });

  // Under evaluation and awarded: bids, the deadline passes, the panel scores, the award.
  const panel = { members: evaluators.map((e, i) => ({ userId: e.id, chair: i === 0 })) };
  async function closedWithBids(dept: string, fields: Json, bids: [number, string, number][]): Promise<string[]> {
    const id = await problem(dept, fields);
    await call('PUT', `/problems/${id}/panel`, departments[dept]!.officer.token, panel);
    const ids: string[] = [];
    for (const [firm, approach, price] of bids)
      ids.push((await call('POST', `/problems/${id}/proposals`, firms[firm]!.token, proposal(approach, price))).id as string);
    await db(ds)
      .updateTable('problems')
      .set({
        clarification_deadline: sql`now() - receipt_grace - interval '2 seconds'`,
        deadline: sql`now() - receipt_grace - interval '1 second'`,
      })
      .where('id', '=', id)
      .execute();
    await app.get(ProblemDeadlinesService).sweep();
    for (const e of evaluators) {
      const bidders = (await call('GET', `/problems/${id}/bidders`, e.token)).items as { enterpriseId: string }[];
      await call('POST', `/problems/${id}/conflict-declarations`, e.token, {
        declarations: bidders.map((b) => ({
          enterpriseId: b.enterpriseId,
          conflict: false,
          note: 'Không có quan hệ với doanh nghiệp',
        })),
      });
    }
    return [id, ...ids];
  }
  const score = async (evaluator: { token: string }, proposalId: string, values: [number, number, number], comment: string) => {
    await call('PUT', `/proposals/${proposalId}/scores`, evaluator.token, {
      scores: RUBRIC.criteria.map((c, i) => ({
        criterion: c.key,
        score: values[i],
        comment: `${comment} (${c.name.toLowerCase()})`,
      })),
    });
    await call('POST', `/proposals/${proposalId}/scores/submit`, evaluator.token);
  };

  await closedWithBids(
    'SNNMT',
    {
      title: 'Giám sát chất lượng nước nuôi trồng thủy sản',
      summary: 'Cảm biến và cảnh báo chất lượng nước cho vùng nuôi Tiên Lãng.',
      description: 'Người nuôi phát hiện ô nhiễm muộn, thiệt hại lớn mỗi đợt thời tiết bất thường.',
      expectedResults: 'Cảnh báo trong 15 phút khi chỉ số vượt ngưỡng.',
      sector: 'smart_agriculture',
      tags: ['thủy sản', 'IoT'],
      budgetCeiling: 1_800_000_000,
    },
    [
      [2, 'Mạng cảm biến LoRa và mô hình dự báo', 1_650_000_000],
      [0, 'Phao đo đa chỉ tiêu kết nối 4G', 1_400_000_000],
    ],
  );

  // the problem, then its three bids in order
  const [awarded, pa, pb, pc] = (await closedWithBids(
    'SXD',
    {
      title: 'Số hóa thủ tục cấp phép xây dựng',
      summary: 'Nộp, theo dõi và nhận giấy phép xây dựng hoàn toàn trực tuyến.',
      description: 'Hồ sơ giấy, nhiều lần bổ sung; thời gian cấp phép trung bình 25 ngày.',
      expectedResults: 'Thời gian cấp phép dưới 10 ngày; 90% hồ sơ nộp trực tuyến.',
      kpis: [{ name: 'Thời gian cấp phép', target: '≤ 10 ngày' }],
      sector: 'public_administration',
      tags: ['cấp phép', 'dịch vụ công'],
      budgetCeiling: 2_000_000_000,
      durationMonths: 6,
    },
    [
      [1, 'Tái thiết kế quy trình và cổng nộp hồ sơ tích hợp bản đồ quy hoạch', 1_750_000_000],
      [0, 'Mở rộng hệ thống một cửa hiện có', 1_300_000_000],
      [4, 'Ứng dụng di động chụp và nộp hồ sơ', 950_000_000],
    ],
  )) as [string, string, string, string];
  const marks: Record<string, [number, number, number][]> = {
    [pa]: [
      [9, 8.5, 7],
      [8.5, 8, 7.5],
      [9, 8.5, 7],
    ],
    [pb]: [
      [7, 7.5, 8.5],
      [7.5, 7, 8],
      [7, 7, 8.5],
    ],
    [pc]: [
      [5, 5.5, 9],
      [5.5, 5, 9],
      [5, 5, 8.5],
    ],
  };
  for (const [proposalId, rows] of Object.entries(marks)) {
    for (const [i, e] of evaluators.entries())
      await score(e, proposalId, rows[i]!, i === 0 ? 'Đánh giá tổng thể tốt' : 'Cần làm rõ thêm');
  }
  await call('POST', `/problems/${awarded}/award`, departments.SXD!.officer.token, { proposalId: pa });

  await orderAndDeliver(ds, awarded, departments.SXD!.officer.token, firms[1]!.token);

  console.log(
    `[demo] loaded: 4 departments, 3 evaluators, ${firms.length} firms, 8 problems (one awarded, ordered and delivered: a catalogue entry)`,
  );
  console.log(`[demo] every demo account's password: ${PASSWORD}`);
  console.log('[demo]   officers:   sxd@demo.haiphong.gov.vn, skhcn@…, syt@…, snnmt@demo.haiphong.gov.vn');
  console.log('[demo]   evaluators: chuyengia1@demo.haiphong.gov.vn … chuyengia3@…');
  console.log('[demo]   firms:      chu.doanhnghiep1@demo-firm.vn … chu.doanhnghiep8@demo-firm.vn (the 8th awaits verification)');
  console.log(`[demo]   admin:      ${MARKER_EMAIL}`);
}

main()
  .then(() => app?.close())
  .catch(async (err: unknown) => {
    console.error(`[demo] failed: ${err instanceof Error ? err.message : String(err)}`);
    await app?.close();
    process.exit(1);
  });
