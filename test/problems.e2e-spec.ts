import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { cityIso } from '@app/common';
import { ProblemDeadlinesService } from '@app/problems';
import { DEADLINE_SWEEP_SCHEDULER_ID, ProblemsProcessor } from '../apps/worker/src/processors/problems.processor';
import { createDepartmentWithOfficer, createVerifiedEnterprise, TestDepartment, TestFirm } from './factories';
import { bearer, CITY_TIME, createUser, eventually, instant, login, startApp, TestContext } from './harness';

const DAY = 24 * 3600 * 1000;
const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString();

const RUBRIC = {
  passMark: 60,
  criteria: [
    { key: 'approach', name: 'Giải pháp kỹ thuật', weight: 50 },
    { key: 'team', name: 'Năng lực đội ngũ', weight: 30 },
    { key: 'price', name: 'Giá', weight: 20 },
  ],
};

function draftBody(overrides: Record<string, unknown> = {}) {
  return {
    title: 'Điều phối giao thông thông minh khu vực cảng Đình Vũ',
    summary: 'Ùn tắc xe container vào cảng giờ cao điểm.',
    description: 'Hiện trạng: xe container xếp hàng dài trên đường Đình Vũ; chưa có dữ liệu thời gian thực.',
    expectedResults: 'Giảm 30% thời gian chờ vào cảng.',
    kpis: [{ name: 'Thời gian chờ trung bình', target: '≤ 20 phút' }],
    sector: 'logistics_seaport',
    tags: ['giao thông', 'AI'],
    areaCode: '11560',
    budgetCeiling: 800_000_000,
    durationMonths: 6,
    deadline: inDays(20),
    rubric: RUBRIC,
    contact: { name: 'Nguyễn Văn A', email: 'a@so.haiphong.gov.vn', phone: '0225 3000 000' },
    ...overrides,
  };
}

async function notificationsOf(
  ctx: TestContext,
  token: string,
): Promise<{ kind: string; data: Record<string, unknown>; title: string }[]> {
  const res = await ctx.http.get('/api/v1/me/notifications?limit=100').set(bearer(token)).expect(200);
  return res.body.items;
}

async function flushRedis(): Promise<void> {
  const redis = new Redis(process.env.REDIS_URL as string, { maxRetriesPerRequest: 1 });
  await redis.flushdb();
  redis.disconnect();
}

describe('problems: drafting, publishing, clarifications, amendments, closing', () => {
  let ctx: TestContext;
  let deptA: TestDepartment;
  let deptB: TestDepartment;
  let firmA: TestFirm;
  let firmB: TestFirm;
  let pending: TestFirm;
  let admin: string;

  beforeAll(async () => {
    ctx = await startApp({ worker: true });
    deptA = await createDepartmentWithOfficer(ctx, 'Sở Giao thông Vận tải');
    deptB = await createDepartmentWithOfficer(ctx, 'Sở Y tế');
    firmA = await createVerifiedEnterprise(ctx, {
      legalName: 'Công ty Cổ phần Cảng Số',
      sectors: ['logistics_seaport', 'ict'],
      tags: ['AI'],
    });
    firmB = await createVerifiedEnterprise(ctx, { legalName: 'Công ty TNHH Giao Thông Xanh', sectors: ['ict'] });
    pending = await createVerifiedEnterprise(ctx, { status: 'pending' });
    await createUser(ctx, { email: 'admin@test.vn', role: 'admin' });
    admin = await login(ctx, 'admin@test.vn');
  });
  afterAll(() => ctx.close());

  async function draft(token = deptA.token, overrides: Record<string, unknown> = {}): Promise<string> {
    const res = await ctx.http.post('/api/v1/problems').set(bearer(token)).send(draftBody(overrides));
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  function publish(id: string, token = deptA.token) {
    return ctx.http.post(`/api/v1/problems/${id}/publish`).set(bearer(token));
  }

  async function published(overrides: Record<string, unknown> = {}): Promise<string> {
    const id = await draft(deptA.token, overrides);
    await publish(id).expect(200);
    return id;
  }

  it('an officer drafts (NFC, default clarification deadline), edits and publishes; the draft is invisible to others', async () => {
    const deadline = inDays(20);
    // NFD input ("ô" as o + combining circumflex) is stored NFC.
    const created = await ctx.http
      .post('/api/v1/problems')
      .set(bearer(deptA.token))
      .send(draftBody({ title: 'Giao tho\u0302ng cảng'.normalize('NFD'), deadline }))
      .expect(201);
    const id = created.body.id as string;
    expect(created.body).toMatchObject({
      status: 'draft',
      title: 'Giao thông cảng',
      departmentId: deptA.id,
      departmentName: 'Sở Giao thông Vận tải',
    });
    expect(created.body.title).toBe(created.body.title.normalize('NFC'));
    expect(new Date(created.body.clarificationDeadline).getTime()).toBe(new Date(deadline).getTime() - 3 * DAY);
    // Sent in UTC, shown in Hai Phong time (+07:00): the same instant.
    expect(created.body.deadline).toMatch(CITY_TIME);
    expect(created.body.deadline).toBe(cityIso(deadline));
    expect(instant(created.body.deadline)).toBe(instant(deadline));
    for (const field of ['clarificationDeadline', 'createdAt', 'updatedAt']) expect(created.body[field]).toMatch(CITY_TIME);

    // Drafts: only the department (and admins) see them.
    await ctx.http.get(`/api/v1/problems/${id}`).expect(404);
    expect((await ctx.http.get(`/api/v1/problems/${id}`).set(bearer(deptB.token)).expect(404)).body.code).toBe(
      'PROBLEM_NOT_FOUND',
    );
    await ctx.http.get(`/api/v1/problems/${id}`).set(bearer(firmA.token)).expect(404);
    await ctx.http.get(`/api/v1/problems/${id}`).set(bearer(deptA.token)).expect(200);
    await ctx.http.get(`/api/v1/problems/${id}`).set(bearer(admin)).expect(200);
    expect((await ctx.http.get('/api/v1/problems').expect(200)).body.items.map((p: { id: string }) => p.id)).not.toContain(id);
    expect((await ctx.http.get('/api/v1/problems?status=draft').expect(403)).body.code).toBe('PROBLEM_FORBIDDEN');
    const ownDrafts = await ctx.http.get('/api/v1/problems?status=draft').set(bearer(deptA.token)).expect(200);
    expect(ownDrafts.body.items.map((p: { id: string }) => p.id)).toContain(id);
    const otherDrafts = await ctx.http.get('/api/v1/problems?status=draft').set(bearer(deptB.token)).expect(200);
    expect(otherDrafts.body.items).toEqual([]);

    // Moving the deadline of a draft moves the clarification deadline with it.
    const later = inDays(25);
    const edited = await ctx.http
      .patch(`/api/v1/problems/${id}`)
      .set(bearer(deptA.token))
      .send({ title: 'Giao thông cảng Đình Vũ', deadline: later })
      .expect(200);
    expect(edited.body.title).toBe('Giao thông cảng Đình Vũ');
    expect(new Date(edited.body.clarificationDeadline).getTime()).toBe(new Date(later).getTime() - 3 * DAY);

    const pub = await publish(id).expect(200);
    expect(pub.body).toMatchObject({ status: 'published', publishedAt: expect.any(String) });

    // Jobs planned in the same transaction: the close job at the deadline, reminders, and the subscriber fan-out.
    const jobs = await ctx.dataSource.query(
      `SELECT job_name, run_at FROM outbox WHERE queue = 'problems' AND payload->>'problemId' = $1 ORDER BY id`,
      [id],
    );
    expect(jobs.map((j: { job_name: string }) => j.job_name)).toEqual([
      'close-problem',
      'deadline-reminder',
      'deadline-reminder',
      'notify-matching-subscribers',
    ]);
    // The close job runs when the proposals open: deadline + the commit grace (2 s in tests).
    expect(new Date(jobs[0].run_at).getTime()).toBe(new Date(later).getTime() + 2000);
    expect(new Date(jobs[1].run_at).getTime()).toBe(new Date(later).getTime() - 2 * DAY);

    // Published: public, and no longer editable except by amendment.
    const pubView = await ctx.http.get(`/api/v1/problems/${id}`).expect(200);
    expect(pubView.body.rubric).toEqual(RUBRIC);
    expect(pubView.body.deadline).toBe(cityIso(later));
    expect(pubView.body.publishedAt).toMatch(CITY_TIME);
    const listed = (await ctx.http.get('/api/v1/problems').expect(200)).body.items.find((p: { id: string }) => p.id === id);
    expect(listed).toMatchObject({ deadline: cityIso(later), publishedAt: pubView.body.publishedAt });
    const locked = await ctx.http.patch(`/api/v1/problems/${id}`).set(bearer(deptA.token)).send({ title: 'Khác' }).expect(409);
    expect(locked.body.code).toBe('PROBLEM_NOT_EDITABLE');
    expect((await publish(id).expect(409)).body.code).toBe('PROBLEM_STATUS_CONFLICT');

    const audit = await ctx.dataSource.query(`SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY seq`, [id]);
    expect(audit.map((a: { action: string }) => a.action)).toEqual(['problem.created', 'problem.updated', 'problem.published']);
    // The audit log stores instants as it always has, in UTC.
    const [published] = await ctx.dataSource.query(
      `SELECT after FROM audit_log WHERE entity_id = $1 AND action = 'problem.published'`,
      [id],
    );
    expect(published.after.deadline).toBe(new Date(later).toISOString());
  });

  it('officers of another department are refused every write; firms cannot draft', async () => {
    const draftId = await draft();
    const pubId = await published();
    for (const id of [draftId, pubId]) {
      const attempts = [
        ctx.http.patch(`/api/v1/problems/${id}`).set(bearer(deptB.token)).send({ title: 'Chiếm quyền' }),
        ctx.http.post(`/api/v1/problems/${id}/publish`).set(bearer(deptB.token)),
        ctx.http.post(`/api/v1/problems/${id}/cancel`).set(bearer(deptB.token)).send({ reason: 'Không có lý do' }),
        ctx.http
          .post(`/api/v1/problems/${id}/amendments`)
          .set(bearer(deptB.token))
          .send({ reason: 'Sửa trái phép', changes: { title: 'Tiêu đề khác' } }),
      ];
      for (const res of await Promise.all(attempts)) {
        expect({ status: res.status, code: res.body.code }).toEqual({ status: 403, code: 'PROBLEM_FORBIDDEN' });
      }
    }
    const [{ questions }] = await ctx.dataSource.query(
      `SELECT count(*)::int AS questions FROM problem_questions WHERE problem_id = $1`,
      [pubId],
    );
    expect(questions).toBe(0);
    const rows = await ctx.dataSource.query(
      `SELECT status, title, amendment_count FROM problems WHERE id = ANY($1) ORDER BY status`,
      [[draftId, pubId]],
    );
    expect(rows).toEqual([
      { status: 'draft', title: draftBody().title, amendment_count: 0 },
      { status: 'published', title: draftBody().title, amendment_count: 0 },
    ]);
    const byFirm = await ctx.http.post('/api/v1/problems').set(bearer(firmA.token)).send(draftBody()).expect(403);
    expect(byFirm.body.code).toBe('ROLE_FORBIDDEN');
    await ctx.http.post('/api/v1/problems').send(draftBody()).expect(401);
  });

  it('refuses a rubric whose weights do not sum to 100, and other bad input, creating nothing', async () => {
    const before = await ctx.dataSource.query(`SELECT count(*)::int AS n FROM problems`);
    const bad = {
      ...RUBRIC,
      criteria: [
        { key: 'a', name: 'A', weight: 60 },
        { key: 'b', name: 'B', weight: 30 },
      ],
    };
    const res = await ctx.http
      .post('/api/v1/problems')
      .set(bearer(deptA.token))
      .send(draftBody({ rubric: bad }))
      .expect(400);
    expect(res.body.code).toBe('RUBRIC_INVALID');
    expect(res.body.details).toEqual([{ field: 'rubric.criteria', problem: 'tổng trọng số là 90, không phải 100' }]);
    const dupKeys = {
      ...RUBRIC,
      criteria: [
        { key: 'a', name: 'A', weight: 50 },
        { key: 'a', name: 'B', weight: 50 },
      ],
    };
    expect(
      (
        await ctx.http
          .post('/api/v1/problems')
          .set(bearer(deptA.token))
          .send(draftBody({ rubric: dupKeys }))
          .expect(400)
      ).body.code,
    ).toBe('RUBRIC_INVALID');
    expect(
      (
        await ctx.http
          .post('/api/v1/problems')
          .set(bearer(deptA.token))
          .send(draftBody({ budgetCeiling: 1.5 }))
          .expect(400)
      ).body.code,
    ).toBe('VALIDATION_FAILED');
    expect(
      (
        await ctx.http
          .post('/api/v1/problems')
          .set(bearer(deptA.token))
          .send(draftBody({ budgetCeiling: -1 }))
          .expect(400)
      ).body.code,
    ).toBe('VALIDATION_FAILED');
    expect(
      (
        await ctx.http
          .post('/api/v1/problems')
          .set(bearer(deptA.token))
          .send(draftBody({ deadline: '2030-01-01T10:00:00' }))
          .expect(400)
      ).body.code,
    ).toBe('VALIDATION_FAILED');
    expect(
      (
        await ctx.http
          .post('/api/v1/problems')
          .set(bearer(deptA.token))
          .send(draftBody({ sector: 'mining' }))
          .expect(400)
      ).body.code,
    ).toBe('VALIDATION_FAILED');
    expect(
      (
        await ctx.http
          .post('/api/v1/problems')
          .set(bearer(deptA.token))
          .send(draftBody({ areaCode: '99999' }))
          .expect(400)
      ).body.code,
    ).toBe('AREA_CODE_INVALID');
    // The city as a whole is not a commune-level unit.
    expect(
      (
        await ctx.http
          .post('/api/v1/problems')
          .set(bearer(deptA.token))
          .send(draftBody({ areaCode: '31' }))
          .expect(400)
      ).body.code,
    ).toBe('AREA_CODE_INVALID');
    const clar = await ctx.http
      .post('/api/v1/problems')
      .set(bearer(deptA.token))
      .send(draftBody({ deadline: inDays(20), clarificationDeadline: inDays(21) }))
      .expect(400);
    expect(clar.body.code).toBe('CLARIFICATION_DEADLINE_INVALID');
    expect(
      (
        await ctx.http
          .post('/api/v1/problems')
          .set(bearer(deptA.token))
          .send({ ...draftBody(), isApproved: true })
          .expect(400)
      ).body.code,
    ).toBe('VALIDATION_FAILED');
    const after = await ctx.dataSource.query(`SELECT count(*)::int AS n FROM problems`);
    expect(after[0].n).toBe(before[0].n);
  });

  it('publishing with a deadline closer than the minimum open period (by the database clock) is refused', async () => {
    const id = await draft(deptA.token, { deadline: inDays(8) });
    const res = await publish(id).expect(400);
    expect(res.body.code).toBe('DEADLINE_TOO_SOON');
    expect(res.body.details).toMatchObject({ minOpenDays: 9 });
    // Just inside by the API host's clock is not enough if the database says otherwise: 9 days minus a minute.
    await ctx.dataSource.query(
      `UPDATE problems SET deadline = now() + interval '9 days' - interval '1 minute', clarification_deadline = now() + interval '1 day' WHERE id = $1`,
      [id],
    );
    expect((await publish(id).expect(400)).body.code).toBe('DEADLINE_TOO_SOON');
    const [row] = await ctx.dataSource.query(`SELECT status FROM problems WHERE id = $1`, [id]);
    expect(row.status).toBe('draft');
    await ctx.dataSource.query(`UPDATE problems SET deadline = now() + interval '9 days 1 minute' WHERE id = $1`, [id]);
    await publish(id).expect(200);
  });

  it('two firms ask; the public sees answered questions without the asker; answers notify followers and the asker', async () => {
    const id = await published();
    const qA = await ctx.http
      .post(`/api/v1/problems/${id}/questions`)
      .set(bearer(firmA.token))
      .send({ question: 'Có API dữ liệu camera không?' })
      .expect(201);
    expect(qA.body).toMatchObject({ question: 'Có API dữ liệu camera không?', answer: null, mine: true });
    expect(qA.body).not.toHaveProperty('enterpriseId');
    const qB = await ctx.http
      .post(`/api/v1/problems/${id}/questions`)
      .set(bearer(firmB.token))
      .send({ question: 'Ngân sách có gồm phần cứng?' })
      .expect(201);

    // Only verified firms ask; officers don't.
    expect(
      (
        await ctx.http
          .post(`/api/v1/problems/${id}/questions`)
          .set(bearer(pending.token))
          .send({ question: 'Cho hỏi?' })
          .expect(403)
      ).body.code,
    ).toBe('ENTERPRISE_NOT_VERIFIED');
    await ctx.http.post(`/api/v1/problems/${id}/questions`).set(bearer(deptA.token)).send({ question: 'Cho hỏi?' }).expect(403);

    // Asking follows the problem.
    const followers = await ctx.dataSource.query(
      `SELECT enterprise_id FROM problem_followers WHERE problem_id = $1 ORDER BY enterprise_id`,
      [id],
    );
    expect(followers.map((f: { enterprise_id: string }) => f.enterprise_id).sort()).toEqual([firmA.id, firmB.id].sort());

    // Before any answer: the public sees nothing, each firm its own, the department everything.
    expect((await ctx.http.get(`/api/v1/problems/${id}/questions`).expect(200)).body.items).toEqual([]);
    const mineA = (await ctx.http.get(`/api/v1/problems/${id}/questions`).set(bearer(firmA.token)).expect(200)).body.items;
    expect(mineA.map((q: { id: string; mine: boolean }) => [q.id, q.mine])).toEqual([[qA.body.id, true]]);
    const dept = (await ctx.http.get(`/api/v1/problems/${id}/questions`).set(bearer(deptA.token)).expect(200)).body.items;
    expect(dept.map((q: { id: string }) => q.id)).toEqual([qA.body.id, qB.body.id]);
    expect(JSON.stringify(dept)).not.toContain(firmA.id);
    expect((await ctx.http.get(`/api/v1/problems/${id}/questions`).set(bearer(deptB.token)).expect(200)).body.items).toEqual([]);

    // The department is told a question arrived.
    expect((await notificationsOf(ctx, deptA.token)).some((n) => n.kind === 'question.asked' && n.data.problemId === id)).toBe(
      true,
    );

    // Answering: only the department.
    const foreign = await ctx.http
      .post(`/api/v1/problems/${id}/questions/${qA.body.id}/answer`)
      .set(bearer(deptB.token))
      .send({ answer: 'Có' })
      .expect(403);
    expect(foreign.body.code).toBe('PROBLEM_FORBIDDEN');
    const missing = await ctx.http
      .post(`/api/v1/problems/${id}/questions/00000000-0000-4000-8000-000000000000/answer`)
      .set(bearer(deptA.token))
      .send({ answer: 'Có' });
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('QUESTION_NOT_FOUND');
    const answered = await ctx.http
      .post(`/api/v1/problems/${id}/questions/${qA.body.id}/answer`)
      .set(bearer(deptA.token))
      .send({ answer: 'Có, qua cổng dữ liệu mở của thành phố.' })
      .expect(200);
    expect(answered.body).toMatchObject({ answer: 'Có, qua cổng dữ liệu mở của thành phố.', answeredAt: expect.any(String) });

    const pub = (await ctx.http.get(`/api/v1/problems/${id}/questions`).expect(200)).body.items;
    expect(pub).toEqual([
      {
        id: qA.body.id,
        problemId: id,
        question: 'Có API dữ liệu camera không?',
        answer: 'Có, qua cổng dữ liệu mở của thành phố.',
        askedAt: expect.any(String),
        answeredAt: expect.any(String),
        mine: false,
      },
    ]);
    // Firm B sees the answered one (not its) and its own pending one.
    const forB = (await ctx.http.get(`/api/v1/problems/${id}/questions`).set(bearer(firmB.token)).expect(200)).body.items;
    expect(forB.map((q: { id: string; mine: boolean }) => [q.id, q.mine])).toEqual([
      [qA.body.id, false],
      [qB.body.id, true],
    ]);

    for (const firm of [firmA, firmB]) {
      const kinds = (await notificationsOf(ctx, firm.token)).filter((n) => n.data.problemId === id).map((n) => n.kind);
      expect(kinds).toContain('question.answered');
    }
    const audit = await ctx.dataSource.query(`SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY seq`, [qA.body.id]);
    expect(audit.map((a: { action: string }) => a.action)).toEqual(['question.asked', 'question.answered']);
  });

  it('a question after the clarification deadline (database clock) is refused', async () => {
    const id = await published();
    await ctx.dataSource.query(`UPDATE problems SET clarification_deadline = now() + interval '2 seconds' WHERE id = $1`, [id]);
    await ctx.http.post(`/api/v1/problems/${id}/questions`).set(bearer(firmA.token)).send({ question: 'Kịp không?' }).expect(201);
    await new Promise((r) => setTimeout(r, 2500));
    const late = await ctx.http
      .post(`/api/v1/problems/${id}/questions`)
      .set(bearer(firmA.token))
      .send({ question: 'Trễ rồi?' })
      .expect(409);
    expect(late.body.code).toBe('CLARIFICATION_CLOSED');
    const [{ n }] = await ctx.dataSource.query(`SELECT count(*)::int AS n FROM problem_questions WHERE problem_id = $1`, [id]);
    expect(n).toBe(1);
  });

  it('an amendment is numbered, keeps at least 3 days to the deadline, flags live proposals and notifies; the rubric is frozen', async () => {
    const id = await published();
    await ctx.http
      .post(`/api/v1/problems/${id}/questions`)
      .set(bearer(firmB.token))
      .send({ question: 'Có cần tích hợp VNeID?' })
      .expect(201);
    // Firm A has a live proposal, firm B a withdrawn one (rows of libs/proposals, inserted directly).
    await ctx.dataSource.query(
      `INSERT INTO proposals (problem_id, enterprise_id, status, current_version, created_by) VALUES ($1, $2, 'submitted', 1, $3), ($1, $4, 'withdrawn', 1, $5)`,
      [id, firmA.id, firmA.memberId, firmB.id, firmB.memberId],
    );
    // One day left, clarifications closing in 12 hours.
    await ctx.dataSource.query(
      `UPDATE problems SET deadline = now() + interval '1 day', clarification_deadline = now() + interval '12 hours' WHERE id = $1`,
      [id],
    );

    const frozen = await ctx.http
      .post(`/api/v1/problems/${id}/amendments`)
      .set(bearer(deptA.token))
      .send({ reason: 'Đổi trọng số', changes: { rubric: { ...RUBRIC, passMark: 50 } } })
      .expect(400);
    expect(frozen.body.code).toBe('RUBRIC_FROZEN');
    const sector = await ctx.http
      .post(`/api/v1/problems/${id}/amendments`)
      .set(bearer(deptA.token))
      .send({ reason: 'Đổi lĩnh vực', changes: { sector: 'ict' } })
      .expect(400);
    expect(sector.body.code).toBe('VALIDATION_FAILED');
    const empty = await ctx.http
      .post(`/api/v1/problems/${id}/amendments`)
      .set(bearer(deptA.token))
      .send({ reason: 'Không đổi gì', changes: { title: draftBody().title } })
      .expect(400);
    expect(empty.body.code).toBe('AMENDMENT_EMPTY');

    const res = await ctx.http
      .post(`/api/v1/problems/${id}/amendments`)
      .set(bearer(deptA.token))
      .send({
        reason: 'Bổ sung ngân sách phần cứng',
        changes: { budgetCeiling: 900_000_000, dataAvailable: 'Dữ liệu camera 24 nút giao' },
      })
      .expect(201);
    expect(res.body.amendment).toMatchObject({ number: 1, deadlinePushed: true, reason: 'Bổ sung ngân sách phần cứng' });
    expect(res.body.amendment.changes.budgetCeiling).toEqual({ before: 800_000_000, after: 900_000_000 });
    // The amendment's stored changes keep UTC; the problem is shown in Hai Phong time: the same instant.
    expect(instant(res.body.amendment.changes.deadline.after)).toBe(instant(res.body.problem.deadline));
    expect(res.body.problem.deadline).toMatch(CITY_TIME);
    expect(res.body.problem).toMatchObject({
      budgetCeiling: 900_000_000,
      amendmentCount: 1,
      rubric: RUBRIC,
      sector: 'logistics_seaport',
    });

    // The deadline is now exactly 3 days after the amendment (database clock), clarifications shifted alike.
    const [check] = await ctx.dataSource.query(
      `SELECT p.deadline >= a.created_at + interval '3 days' AS enough,
              p.deadline < a.created_at + interval '3 days 1 second' AS exact,
              p.deadline - p.clarification_deadline AS gap, a.new_deadline = p.deadline AS recorded
         FROM problems p JOIN problem_amendments a ON a.problem_id = p.id WHERE p.id = $1 AND a.number = 1`,
      [id],
    );
    expect(check).toMatchObject({ enough: true, exact: true, recorded: true });
    expect(check.gap).toMatchObject({ hours: 12 });

    // A new close job for the new deadline; the live proposal must be confirmed, the withdrawn one not.
    const closeJobs = await ctx.dataSource.query(
      `SELECT run_at FROM outbox WHERE job_name = 'close-problem' AND payload->>'problemId' = $1 ORDER BY id`,
      [id],
    );
    expect(closeJobs).toHaveLength(2);
    // (the close job opens the proposals once the commit grace after the deadline has passed: 2 s in tests)
    expect(instant(closeJobs[1].run_at)).toBe(instant(res.body.problem.deadline) + 2000);
    // (a bid needs confirming while what it answers is older than the latest amendment; see fair-bidding.e2e-spec)
    const proposals = await ctx.dataSource.query(
      `SELECT p.enterprise_id, p.status, p.confirmed_amendment < pr.amendment_count AS behind FROM proposals p JOIN problems pr ON pr.id = p.problem_id WHERE p.problem_id = $1`,
      [id],
    );
    expect(
      Object.fromEntries(
        proposals.map((p: { enterprise_id: string; status: string; behind: boolean }) => [p.enterprise_id, [p.status, p.behind]]),
      ),
    ).toEqual({
      [firmA.id]: ['submitted', true],
      [firmB.id]: ['withdrawn', true],
    });
    const forA = (await notificationsOf(ctx, firmA.token)).filter((n) => n.data.problemId === id).map((n) => n.kind);
    expect(forA.sort()).toEqual(['problem.amended', 'proposal.confirm_or_revise']);
    const forB = (await notificationsOf(ctx, firmB.token)).filter((n) => n.data.problemId === id).map((n) => n.kind);
    expect(forB).toEqual(['problem.amended']); // asked (and so follows); its withdrawn proposal needs nothing

    // A second amendment is number 2; the list is public. With ten days left it moves no deadline.
    // (Straight after the first one, a hair under 3 days remain, which would rightly push again.)
    await ctx.dataSource.query(
      `UPDATE problems SET deadline = now() + interval '10 days', clarification_deadline = now() + interval '9 days' WHERE id = $1`,
      [id],
    );
    await ctx.http
      .post(`/api/v1/problems/${id}/amendments`)
      .set(bearer(deptA.token))
      .send({ reason: 'Sửa tiêu đề', changes: { title: 'Điều phối giao thông cảng Đình Vũ (sửa đổi)' } })
      .expect(201);
    const list = await ctx.http.get(`/api/v1/problems/${id}/amendments`).expect(200);
    expect(list.body.items.map((a: { number: number }) => a.number)).toEqual([1, 2]);
    expect(list.body.items[1].changes).toEqual({
      title: { before: draftBody().title, after: 'Điều phối giao thông cảng Đình Vũ (sửa đổi)' },
    });
    expect(list.body.items[1].changes).not.toHaveProperty('deadline'); // enough time remained
  });

  it('the delayed close job closes at the deadline by the database clock, once, and tells the department and the bidders', async () => {
    const id = await published();
    await ctx.dataSource.query(
      `INSERT INTO proposals (problem_id, enterprise_id, status, current_version, created_by) VALUES ($1, $2, 'submitted', 1, $3)`,
      [id, firmA.id, firmA.memberId],
    );
    // Bring the deadline to two seconds from now and plan its jobs exactly as an amendment would.
    const deadlines = ctx.app.get(ProblemDeadlinesService);
    await ctx.dataSource.transaction(async (manager) => {
      const [row] = await manager.query(
        `UPDATE problems SET deadline = date_trunc('second', now()) + interval '2 seconds', clarification_deadline = now() WHERE id = $1 RETURNING deadline, now() AS now`,
        [id],
      );
      await deadlines.planDeadlineJobs(manager, id, row[0].now);
    });
    await ctx.http.post(`/api/v1/problems/${id}/questions`).set(bearer(firmA.token)).send({ question: 'Còn kịp?' }).expect(409);

    const closed = await eventually(async () => {
      const [row] = await ctx.dataSource.query(
        `SELECT status, closed_at >= deadline AS after_deadline FROM problems WHERE id = $1`,
        [id],
      );
      return row.status === 'closed' && row;
    });
    expect(closed.after_deadline).toBe(true);
    expect(await deadlines.close(id)).toBe('not_published');
    expect(await deadlines.sweep()).toEqual([]);
    const audit = await ctx.dataSource.query(
      `SELECT actor_id FROM audit_log WHERE entity_id = $1 AND action = 'problem.closed'`,
      [id],
    );
    expect(audit).toEqual([{ actor_id: null }]);
    expect(
      (await notificationsOf(ctx, deptA.token)).filter((n) => n.kind === 'problem.closed' && n.data.problemId === id),
    ).toHaveLength(1);
    expect(
      (await notificationsOf(ctx, firmA.token)).filter((n) => n.kind === 'problem.closed' && n.data.problemId === id),
    ).toHaveLength(1);
    expect(
      (await notificationsOf(ctx, firmB.token)).filter((n) => n.kind === 'problem.closed' && n.data.problemId === id),
    ).toHaveLength(0);
  });

  it('the sweep closes a problem whose close job was lost with Redis, and the worker re-registers its sweep on start', async () => {
    const lost = await published();
    const alsoLost = await published();
    const open = await published();
    // Let running jobs finish first (a job whose keys vanish mid-run only makes BullMQ complain), then
    // flush: the delayed close jobs and the sweep's schedule are gone.
    await eventually(async () => {
      const [{ n }] = await ctx.dataSource.query(`SELECT count(*)::int AS n FROM outbox WHERE dispatched_at IS NULL`);
      if (n > 0) return false;
      for (const name of ['problems', 'notifications', 'mail']) {
        const counts = await ctx.worker!.get<Queue>(getQueueToken(name), { strict: false }).getJobCounts('waiting', 'active');
        if (counts.waiting! + counts.active! > 0) return false;
      }
      return true;
    });
    await flushRedis();
    const overdue = (id: string) =>
      ctx.dataSource.query(
        `UPDATE problems SET clarification_deadline = now() - receipt_grace - interval '2 seconds', deadline = now() - receipt_grace - interval '1 second' WHERE id = $1`,
        [id],
      );
    await overdue(lost);

    // The sweep, called as the scheduled job calls it: closes the overdue one, leaves the open one, and is idempotent.
    const deadlines = ctx.worker!.get(ProblemDeadlinesService);
    const statusOf = async (id: string) =>
      (await ctx.dataSource.query(`SELECT status FROM problems WHERE id = $1`, [id]))[0].status as string;
    expect(await deadlines.sweep()).toEqual([lost]);
    expect(await statusOf(lost)).toBe('closed');
    expect(await statusOf(open)).toBe('published');
    expect(await deadlines.sweep()).toEqual([]);
    expect(
      (
        await ctx.dataSource.query(
          `SELECT count(*)::int AS n FROM audit_log WHERE entity_id = $1 AND action = 'problem.closed'`,
          [lost],
        )
      )[0].n,
    ).toBe(1);

    // Nothing in Redis will close the other one now…
    await overdue(alsoLost);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await statusOf(alsoLost)).toBe('published');
    // …until a worker starts: its start-up hook registers the sweep schedule again, whose first run closes it.
    // (The hook is called on the running worker: a second worker context in this process would take over
    // passport's global 'jwt' strategy and leave the API with a closed connection when it stops.)
    await ctx.worker!.get(ProblemsProcessor).onApplicationBootstrap();
    const queue = ctx.worker!.get<Queue>(getQueueToken('problems'), { strict: false });
    expect(await queue.getJobScheduler(DEADLINE_SWEEP_SCHEDULER_ID)).toMatchObject({ every: 60_000 });
    await eventually(async () => (await statusOf(alsoLost)) === 'closed');
    expect(await statusOf(open)).toBe('published');
  });

  it('cancels from draft, published or closed with a reason, and not later', async () => {
    const draftId = await draft();
    await ctx.http.post(`/api/v1/problems/${draftId}/cancel`).set(bearer(deptA.token)).send({}).expect(400);
    const c1 = await ctx.http
      .post(`/api/v1/problems/${draftId}/cancel`)
      .set(bearer(deptA.token))
      .send({ reason: 'Trùng với bài toán khác' })
      .expect(200);
    expect(c1.body).toMatchObject({
      status: 'cancelled',
      cancelReason: 'Trùng với bài toán khác',
      cancelledAt: expect.any(String),
    });
    expect(
      (await ctx.http.post(`/api/v1/problems/${draftId}/cancel`).set(bearer(deptA.token)).send({ reason: 'Lần nữa' }).expect(409))
        .body.code,
    ).toBe('PROBLEM_STATUS_CONFLICT');

    const pubId = await published();
    await ctx.http.post(`/api/v1/problems/${pubId}/follow`).set(bearer(firmB.token)).expect(200);
    await ctx.http
      .post(`/api/v1/problems/${pubId}/cancel`)
      .set(bearer(deptA.token))
      .send({ reason: 'Đã có nguồn vốn khác' })
      .expect(200);
    expect(
      (await notificationsOf(ctx, firmB.token)).some((n) => n.kind === 'problem.cancelled' && n.data.problemId === pubId),
    ).toBe(true);
    expect((await ctx.http.get(`/api/v1/problems/${pubId}`).expect(200)).body.status).toBe('cancelled');

    const evaluating = await published();
    await ctx.dataSource.query(`UPDATE problems SET status = 'evaluating' WHERE id = $1`, [evaluating]);
    expect(
      (
        await ctx.http
          .post(`/api/v1/problems/${evaluating}/cancel`)
          .set(bearer(deptA.token))
          .send({ reason: 'Muộn rồi' })
          .expect(409)
      ).body.code,
    ).toBe('PROBLEM_STATUS_CONFLICT');
    const audit = await ctx.dataSource.query(
      `SELECT action, after->>'reason' AS reason FROM audit_log WHERE entity_id = $1 AND action = 'problem.cancelled'`,
      [pubId],
    );
    expect(audit).toEqual([{ action: 'problem.cancelled', reason: 'Đã có nguồn vốn khác' }]);
  });
});
