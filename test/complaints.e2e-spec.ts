import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { addWorkingDays } from '@app/calendar';
import releaseSchema from '../libs/ocds/schema/release-schema.json';
import packageSchema from '../libs/ocds/schema/release-package-schema.json';
import { bearer, createUser, login, startApp, TestContext } from './harness';
import {
  createDepartmentWithOfficer,
  createPublishedProblem,
  createVerifiedEnterprise,
  TestDepartment,
  TestFirm,
} from './factories';
import { award, createPanel, endStandstill, Panel, runCompetition } from './award-fixtures';

const GROUNDS = 'Hồ sơ của doanh nghiệp trúng tuyển không đáp ứng yêu cầu về nhân sự chủ chốt đã nêu trong bài toán.';

describe('standstill and complaints after the decision', () => {
  let ctx: TestContext;
  let dept: TestDepartment;
  let otherDept: TestDepartment;
  let winner: TestFirm;
  let loser: TestFirm;
  let bystander: TestFirm;
  let panel: Panel;
  let adminToken: string;

  beforeAll(async () => {
    ctx = await startApp();
    dept = await createDepartmentWithOfficer(ctx, 'Sở Xây dựng');
    otherDept = await createDepartmentWithOfficer(ctx, 'Sở Y tế');
    winner = await createVerifiedEnterprise(ctx, { legalName: 'Công ty Cổ phần Lạch Tray' });
    loser = await createVerifiedEnterprise(ctx, { legalName: 'Công ty TNHH Đình Vũ' });
    bystander = await createVerifiedEnterprise(ctx, { legalName: 'Công ty Cát Hải' });
    panel = await createPanel(ctx, 'complaints');
    await createUser(ctx, { email: 'reviewer@admin.test.vn', role: 'admin' });
    adminToken = await login(ctx, 'reviewer@admin.test.vn');
  });
  afterAll(() => ctx.close());

  const api = () => ctx.http;
  const awarded = async (title?: string) => {
    const c = await runCompetition(
      ctx,
      dept,
      panel,
      [
        { firm: winner, price: 900_000_000, score: 8 },
        { firm: loser, price: 800_000_000, score: 7 },
      ],
      title,
    );
    await award(ctx, dept, c.problemId, c.proposals[0]!);
    return c;
  };
  const file = (firm: TestFirm, problemId: string) =>
    api().post(`/api/v1/problems/${problemId}/complaints`).set(bearer(firm.token)).send({ grounds: GROUNDS });
  const auditOf = async (entityId: string) =>
    (
      await ctx.dataSource.query<{ action: string }[]>(`SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY seq`, [
        entityId,
      ])
    ).map((r) => r.action);
  const kinds = async (token: string) =>
    ((await api().get('/api/v1/me/notifications?limit=100').set(bearer(token)).expect(200)).body.items as { kind: string }[]).map(
      (n) => n.kind,
    );

  it('counts the standstill in working days of the city calendar from the day after the decision', async () => {
    const { problemId } = await awarded();
    const s = (await api().get(`/api/v1/problems/${problemId}/standstill`).expect(200)).body;
    expect(s).toMatchObject({
      problemId,
      outcome: 'awarded',
      workingDays: 5,
      open: true,
      pendingComplaints: 0,
      orderMayStart: false,
    });
    const holidays = (await api().get('/api/v1/calendar/holidays').expect(200)).body.items as { date: string }[];
    const decisionDay = s.decidedAt.slice(0, 10);
    const lastDay = addWorkingDays(decisionDay, 5, new Set(holidays.map((h) => h.date)));
    const endsDay = new Date(Date.parse(`${lastDay}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    expect(s.endsAt).toBe(`${endsDay}T00:00:00.000+07:00`);

    // Nothing to stand still for before a decision.
    const open = await createPublishedProblem(ctx, dept);
    expect((await api().get(`/api/v1/problems/${open}/standstill`).expect(404)).body.code).toBe('PROBLEM_NOT_DECIDED');
    expect((await file(winner, open).expect(409)).body.code).toBe('COMPLAINT_PERIOD_CLOSED');
  });

  it('lets only a bidder complain, once, during the period; the department answers, the admin dismisses; then it is public', async () => {
    const { problemId } = await awarded('Số hoá hồ sơ cấp phép xây dựng');

    // The wrong complainants.
    expect((await file(bystander, problemId).expect(403)).body.code).toBe('COMPLAINT_FORBIDDEN');
    await api().post(`/api/v1/problems/${problemId}/complaints`).set(bearer(dept.token)).send({ grounds: GROUNDS }).expect(403);
    await api().post(`/api/v1/problems/${problemId}/complaints`).send({ grounds: GROUNDS }).expect(401);
    await api().post(`/api/v1/problems/${problemId}/complaints`).set(bearer(loser.token)).send({ grounds: 'ngắn' }).expect(400);

    const filed = (await file(loser, problemId).expect(201)).body;
    expect(filed).toMatchObject({
      problemId,
      status: 'submitted',
      grounds: GROUNDS,
      enterprise: { id: loser.id, name: 'Công ty TNHH Đình Vũ' },
    });
    expect((await file(loser, problemId).expect(409)).body.code).toBe('COMPLAINT_EXISTS');
    const id = filed.id as string;

    // Pending: only its parties see it.
    await api().get(`/api/v1/complaints/${id}`).expect(404);
    await api().get(`/api/v1/complaints/${id}`).set(bearer(winner.token)).expect(404);
    await api().get(`/api/v1/complaints/${id}`).set(bearer(otherDept.token)).expect(404);
    await api().get(`/api/v1/complaints/${id}`).set(bearer(loser.token)).expect(200);
    await api().get(`/api/v1/complaints/${id}`).set(bearer(dept.token)).expect(200);
    expect((await api().get(`/api/v1/problems/${problemId}/complaints`).expect(200)).body.items).toEqual([]);
    expect(
      (await api().get(`/api/v1/problems/${problemId}/complaints`).set(bearer(dept.token)).expect(200)).body.items,
    ).toHaveLength(1);
    const queue = await api().get('/api/v1/complaints').set(bearer(adminToken)).expect(200);
    expect(queue.body.items.map((c: { id: string }) => c.id)).toContain(id);
    await api().get('/api/v1/complaints').set(bearer(dept.token)).expect(403);

    // Nobody may start the order while the period runs or a complaint is pending.
    expect((await api().get(`/api/v1/problems/${problemId}/standstill`).expect(200)).body).toMatchObject({
      open: true,
      pendingComplaints: 1,
      orderMayStart: false,
    });

    // The wrong answerers and deciders.
    const answer = { answer: 'Nhân sự chủ chốt đã được kiểm tra theo hồ sơ năng lực kèm theo.' };
    await api().post(`/api/v1/complaints/${id}/answer`).set(bearer(otherDept.token)).send(answer).expect(404);
    await api().post(`/api/v1/complaints/${id}/answer`).set(bearer(loser.token)).send(answer).expect(403);
    await api().post(`/api/v1/complaints/${id}/answer`).set(bearer(adminToken)).send(answer).expect(403);
    await api().post(`/api/v1/complaints/${id}/dismiss`).set(bearer(dept.token)).send({ reason: 'Không có căn cứ' }).expect(403);
    await api()
      .post(`/api/v1/complaints/${id}/uphold`)
      .set(bearer(loser.token))
      .send({ reason: 'x', remedy: 'reevaluate' })
      .expect(403);
    await api().post(`/api/v1/complaints/${id}/withdraw`).set(bearer(winner.token)).expect(404);

    const answered = await api().post(`/api/v1/complaints/${id}/answer`).set(bearer(dept.token)).send(answer).expect(200);
    expect(answered.body).toMatchObject({ status: 'answered', answer: answer.answer });
    expect((await api().post(`/api/v1/complaints/${id}/answer`).set(bearer(dept.token)).send(answer).expect(409)).body.code).toBe(
      'COMPLAINT_STATUS_CONFLICT',
    );

    // After the period: no new complaint, even from a bidder.
    await endStandstill(ctx, problemId);
    const late = await file(winner, problemId).expect(409);
    expect(late.body.code).toBe('COMPLAINT_PERIOD_CLOSED');
    expect((await api().get(`/api/v1/problems/${problemId}/standstill`).expect(200)).body).toMatchObject({
      open: false,
      pendingComplaints: 1,
      orderMayStart: false,
    });
    await api().post(`/api/v1/complaints/${id}/uphold`).set(bearer(adminToken)).send({ reason: 'Có căn cứ' }).expect(400);

    const reason = 'Hồ sơ năng lực chứng minh đủ nhân sự chủ chốt; khiếu nại không có căn cứ.';
    const dismissed = await api().post(`/api/v1/complaints/${id}/dismiss`).set(bearer(adminToken)).send({ reason }).expect(200);
    expect(dismissed.body).toMatchObject({ status: 'dismissed', decisionReason: reason, remedy: null });
    await api().post(`/api/v1/complaints/${id}/dismiss`).set(bearer(adminToken)).send({ reason }).expect(409);
    await api().post(`/api/v1/complaints/${id}/withdraw`).set(bearer(loser.token)).expect(409);

    // Public once decided, naming the firm and no person.
    const pub = await api().get(`/api/v1/complaints/${id}`).expect(200);
    expect(pub.body).toMatchObject({ grounds: GROUNDS, answer: answer.answer, decisionReason: reason, status: 'dismissed' });
    const text = JSON.stringify(pub.body);
    expect(text).not.toContain(loser.memberEmail);
    expect(text).not.toContain(loser.memberId);
    expect(text).not.toContain(dept.officerId);
    expect((await api().get(`/api/v1/problems/${problemId}/complaints`).expect(200)).body.items).toHaveLength(1);
    expect((await api().get(`/api/v1/problems/${problemId}/standstill`).expect(200)).body.orderMayStart).toBe(true);
    // The award stands.
    expect((await api().get(`/api/v1/problems/${problemId}/result`).expect(200)).body.outcome).toBe('awarded');

    expect(await auditOf(id)).toEqual(['complaint.filed', 'complaint.answered', 'complaint.dismissed']);
    expect(await kinds(dept.token)).toContain('complaint.filed');
    expect(await kinds(loser.token)).toEqual(expect.arrayContaining(['complaint.answered', 'complaint.decided']));
    expect(await kinds(winner.token)).not.toContain('complaint.filed');
  });

  it('reopens the evaluation when a complaint is upheld; the new decision has its own standstill and OCDS release', async () => {
    const { problemId, proposals } = await awarded();
    const id = (await file(loser, problemId).expect(201)).body.id as string;
    const reason = 'Điểm tiêu chí nhân sự của hồ sơ trúng tuyển không phù hợp với hồ sơ năng lực.';
    await api().post(`/api/v1/complaints/${id}/uphold`).set(bearer(adminToken)).send({ reason, remedy: 'nope' }).expect(400);
    const upheld = await api()
      .post(`/api/v1/complaints/${id}/uphold`)
      .set(bearer(adminToken))
      .send({ reason, remedy: 'reevaluate' })
      .expect(200);
    expect(upheld.body).toMatchObject({ status: 'upheld', remedy: 'reevaluate', decisionReason: reason });

    const problem = (await api().get(`/api/v1/problems/${problemId}`).set(bearer(dept.token)).expect(200)).body;
    expect(problem.status).toBe('evaluating');
    await api().get(`/api/v1/problems/${problemId}/result`).expect(404);
    await api().get(`/api/v1/problems/${problemId}/standstill`).expect(404);
    const states = await ctx.dataSource.query<{ status: string }[]>(`SELECT status FROM proposals WHERE problem_id = $1`, [
      problemId,
    ]);
    expect(states.map((s) => s.status)).toEqual(['submitted', 'submitted']);
    expect(await auditOf(problemId)).toContain('problem.decision_reopened');
    expect(await kinds(dept.token)).toContain('complaint.decided');

    // The department decides again (the second-ranked bid, with a justification): a new period opens.
    await award(ctx, dept, problemId, proposals[1]!, 'Theo kết luận giải quyết khiếu nại, chọn hồ sơ xếp thứ hai.');
    const s = (await api().get(`/api/v1/problems/${problemId}/standstill`).expect(200)).body;
    expect(s).toMatchObject({ open: true, pendingComplaints: 0 });
    // The old complaint counts for the old decision only; the other bidder may now complain.
    expect((await file(winner, problemId).expect(201)).body.status).toBe('submitted');
    expect((await file(loser, problemId).expect(201)).body.status).toBe('submitted');

    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    ajv.addSchema(releaseSchema, releaseSchema.id);
    const validate = ajv.compile(packageSchema);
    const pkg = (await api().get(`/api/v1/ocds/releases?problemId=${problemId}`).expect(200)).body;
    expect(validate(pkg)).toBe(true);
    const ids = (pkg.releases as { id: string }[]).map((r) => r.id);
    expect(ids.filter((i) => i.includes('-award'))).toHaveLength(2);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('cancels the award when the reviewing body says so; a complaint about an unsuccessful outcome is allowed too', async () => {
    const { problemId } = await awarded();
    const id = (await file(loser, problemId).expect(201)).body.id as string;
    const reason = 'Bài toán nêu sai yêu cầu kỹ thuật; phải tổ chức lại.';
    await api()
      .post(`/api/v1/complaints/${id}/uphold`)
      .set(bearer(adminToken))
      .send({ reason, remedy: 'cancel_award' })
      .expect(200);
    const problem = (await api().get(`/api/v1/problems/${problemId}`).expect(200)).body;
    expect(problem.status).toBe('cancelled');
    const releases = (await api().get(`/api/v1/ocds/releases?problemId=${problemId}`).expect(200)).body.releases as {
      tag: string[];
    }[];
    expect(releases[releases.length - 1]!.tag).toEqual(['tenderCancellation']);
    expect(await auditOf(problemId)).toContain('problem.award_cancelled');

    const second = await runCompetition(ctx, dept, panel, [
      { firm: winner, price: 900_000_000, score: 8 },
      { firm: loser, price: 800_000_000, score: 7 },
    ]);
    await api()
      .post(`/api/v1/problems/${second.problemId}/unsuccessful`)
      .set(bearer(dept.token))
      .send({ reason: 'Giá vượt dự toán' })
      .expect(200);
    expect((await api().get(`/api/v1/problems/${second.problemId}/standstill`).expect(200)).body).toMatchObject({
      outcome: 'unsuccessful',
      orderMayStart: false,
    });
    const c = (await file(winner, second.problemId).expect(201)).body.id as string;
    // Withdrawn by its own firm only; then it may file again while the period runs.
    await api().post(`/api/v1/complaints/${c}/withdraw`).set(bearer(loser.token)).expect(404);
    expect((await api().post(`/api/v1/complaints/${c}/withdraw`).set(bearer(winner.token)).expect(200)).body.status).toBe(
      'withdrawn',
    );
    await api().get(`/api/v1/complaints/${c}`).expect(404);
    await file(winner, second.problemId).expect(201);
  });

  it('lets only admins keep the holiday list, with every change in the audit log', async () => {
    const y2026 = (await api().get('/api/v1/calendar/holidays?year=2026').expect(200)).body.items as { date: string }[];
    expect(y2026.map((h) => h.date)).toEqual(
      expect.arrayContaining(['2026-01-01', '2026-02-17', '2026-04-30', '2026-05-01', '2026-09-02']),
    );
    const y2027 = (await api().get('/api/v1/calendar/holidays?year=2027').expect(200)).body.items as { date: string }[];
    expect(y2027.map((h) => h.date)).toEqual(expect.arrayContaining(['2027-01-01', '2027-04-16', '2027-09-02']));

    const day = { nameVi: 'Ngày Văn hóa Việt Nam', nameEn: 'Vietnamese Culture Day' };
    await api().put('/api/v1/calendar/holidays/2026-11-24').send(day).expect(401);
    await api().put('/api/v1/calendar/holidays/2026-11-24').set(bearer(dept.token)).send(day).expect(403);
    await api().put('/api/v1/calendar/holidays/2026-02-30').set(bearer(adminToken)).send(day).expect(400);
    expect((await api().put('/api/v1/calendar/holidays/2026-11-24').set(bearer(adminToken)).send(day).expect(200)).body).toEqual({
      date: '2026-11-24',
      ...day,
    });
    await api().delete('/api/v1/calendar/holidays/2026-11-24').set(bearer(dept.token)).expect(403);
    await api().delete('/api/v1/calendar/holidays/2026-11-24').set(bearer(adminToken)).expect(204);
    expect((await api().delete('/api/v1/calendar/holidays/2026-11-24').set(bearer(adminToken)).expect(404)).body.code).toBe(
      'HOLIDAY_NOT_FOUND',
    );
    const actions = await ctx.dataSource.query<{ action: string }[]>(
      `SELECT action FROM audit_log WHERE entity_type = 'city_holiday' AND (after::text LIKE '%2026-11-24%' OR before::text LIKE '%2026-11-24%') ORDER BY seq`,
    );
    expect(actions.map((a) => a.action)).toEqual(['calendar.holiday_added', 'calendar.holiday_removed']);
  });
});
