import { NotificationsService } from '@app/notifications';
import { bearer, createDepartment, createUser, eventually, login, startApp, TestContext } from './harness';
import { mailsTo } from './enterprise-fixtures';

/** Every person reads this product in Vietnamese first; English on request. Codes never change. */
describe('language: Vietnamese by default, English on request', () => {
  let ctx: TestContext;
  let admin: string;
  const startedAt = Date.now();

  beforeAll(async () => {
    ctx = await startApp({ worker: true });
    await createUser(ctx, { email: 'admin@lang.vn', role: 'admin' });
    admin = await login(ctx, 'admin@lang.vn');
  });
  afterAll(() => ctx.close());

  const missingProblem = '/api/v1/problems/00000000-0000-4000-8000-000000000000';

  it('answers errors in Vietnamese without Accept-Language, in English with it, with the same code', async () => {
    const vi = await ctx.http.get(missingProblem).expect(404);
    expect(vi.body).toEqual({ statusCode: 404, code: 'PROBLEM_NOT_FOUND', message: 'Không tìm thấy bài toán này.' });
    const en = await ctx.http.get(missingProblem).set('Accept-Language', 'en-GB,en;q=0.9').expect(404);
    expect(en.body).toEqual({ statusCode: 404, code: 'PROBLEM_NOT_FOUND', message: 'No such problem.' });
    const other = await ctx.http.get(missingProblem).set('Accept-Language', 'fr').expect(404);
    expect(other.body.message).toBe('Không tìm thấy bài toán này.');

    const unauthenticated = await ctx.http.get('/api/v1/me').expect(401);
    expect(unauthenticated.body).toMatchObject({
      code: 'UNAUTHENTICATED',
      message: expect.stringContaining('Vui lòng đăng nhập'),
    });
    const wrong = await ctx.http
      .post('/api/v1/auth/login')
      .set('Accept-Language', 'en')
      .send({ email: 'admin@lang.vn', password: 'not it at all' })
      .expect(401);
    expect(wrong.body).toEqual({ statusCode: 401, code: 'INVALID_CREDENTIALS', message: 'The e-mail or password is wrong.' });
    const route = await ctx.http.get('/api/v1/nowhere').expect(404);
    expect(route.body).toEqual({ statusCode: 404, code: 'ROUTE_NOT_FOUND', message: 'Không có địa chỉ này trong API.' });
  });

  it('names the field in words in validation messages, with the rule’s numbers', async () => {
    const body = { email: 'not-an-address', fullName: 'x'.repeat(201), role: 'evaluator', extra: 1 };
    const vi = await ctx.http.post('/api/v1/users').set(bearer(admin)).send(body).expect(400);
    expect(vi.body.code).toBe('VALIDATION_FAILED');
    expect(vi.body.message).toBe('Yêu cầu không hợp lệ.');
    const byField = Object.fromEntries(
      (vi.body.details as { field: string; errors: string[] }[]).map((d) => [d.field, d.errors]),
    );
    expect(byField.email).toContain('Địa chỉ thư điện tử phải là địa chỉ thư điện tử hợp lệ.');
    expect(byField.fullName).toContain('Họ và tên không được dài quá 200 ký tự.');
    expect(byField.extra).toContain('Không chấp nhận trường extra trong yêu cầu này.');
    const en = await ctx.http.post('/api/v1/users').set(bearer(admin)).set('Accept-Language', 'en').send(body).expect(400);
    const enByField = Object.fromEntries(
      (en.body.details as { field: string; errors: string[] }[]).map((d) => [d.field, d.errors]),
    );
    expect(enByField.fullName).toContain('full name must be at most 200 characters long.');
  });

  it('fills a domain error’s values and translates the words inside it', async () => {
    const res = await ctx.http
      .post('/api/v1/users')
      .set(bearer(admin))
      .send({ email: 'o@lang.vn', fullName: 'Trần Thị B', role: 'officer' })
      .expect(400);
    expect(res.body).toEqual({ statusCode: 400, code: 'DEPARTMENT_REQUIRED', message: 'Cán bộ phải thuộc một cơ quan.' });
    const forbidden = await ctx.http
      .get('/api/v1/users')
      .set(bearer(await officerToken()))
      .expect(403);
    expect(forbidden.body.code).toBe('ROLE_FORBIDDEN');
    expect(forbidden.body.message).toContain('quản trị viên');
  });

  async function officerToken(): Promise<string> {
    const [dept] = await ctx.dataSource.query<{ id: string }[]>(
      `INSERT INTO organizations (kind, name) VALUES ('department', 'Sở Tư pháp') RETURNING id`,
    );
    await createUser(ctx, { email: 'officer@lang.vn', role: 'officer', organizationId: dept!.id });
    return login(ctx, 'officer@lang.vn');
  }

  it('keeps each user’s language (PATCH /me), and only theirs', async () => {
    const id = await createUser(ctx, { email: 'eval@lang.vn', role: 'evaluator' });
    const token = await login(ctx, 'eval@lang.vn');
    expect((await ctx.http.get('/api/v1/me').set(bearer(token)).expect(200)).body.language).toBe('vi');
    const bad = await ctx.http.patch('/api/v1/me').set(bearer(token)).send({ language: 'fr' }).expect(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    // A user cannot change anything else about themselves here (role, e-mail …).
    await ctx.http.patch('/api/v1/me').set(bearer(token)).send({ role: 'admin' }).expect(400);
    const ok = await ctx.http.patch('/api/v1/me').set(bearer(token)).send({ language: 'en' }).expect(200);
    expect(ok.body).toMatchObject({ id, role: 'evaluator', language: 'en' });
    const [row] = await ctx.dataSource.query<{ language: string }[]>(`SELECT language FROM users WHERE email = 'admin@lang.vn'`);
    expect(row!.language).toBe('vi');
    await ctx.http.patch('/api/v1/me').send({ language: 'en' }).expect(401);
  });

  it('mails each person in their saved language, with a portal link built on PUBLIC_URL and none to the API', async () => {
    const vi = await ctx.http
      .post('/api/v1/users')
      .set(bearer(admin))
      .send({ email: 'new-vi@lang.vn', fullName: 'Lê Văn Dũng', role: 'evaluator' })
      .expect(201);
    const viMail = await eventually(async () => (await mailsTo('new-vi@lang.vn', startedAt)).at(0));
    expect(viMail).toContain('Kính gửi Ông/Bà Lê Văn Dũng');
    expect(viMail).toContain('Đặt mật khẩu');
    expect(viMail).toMatch(/http:\/\/localhost:3000\/set-password\?token=/);
    expect(viMail).not.toContain('/api/');
    expect(viMail).toContain('Content-Type: text/plain');
    expect(viMail).toContain('Content-Type: text/html');
    expect(vi.body.language).toBe('vi');

    // An English reader: the account mail follows the saved language (set before the mail is sent).
    const id = await createUser(ctx, { email: 'new-en@lang.vn', role: 'evaluator', fullName: 'Jane Doe' });
    await ctx.dataSource.query(`UPDATE users SET language = 'en' WHERE id = $1`, [id]);
    await ctx.dataSource.query(`INSERT INTO outbox (queue, job_name, payload) VALUES ('mail', 'account-created', $1)`, [
      JSON.stringify({ userId: id, needsPasswordSetup: false }),
    ]);
    const enMail = await eventually(async () => (await mailsTo('new-en@lang.vn', startedAt)).at(0));
    expect(enMail).toContain('Dear Jane Doe,');
    expect(enMail).toContain('as evaluator');
    expect(enMail).toContain('http://localhost:3000/sign-in');
    expect(enMail).not.toContain('Kính gửi');
  });

  it('writes each reader’s in-app notification in their saved language, in one go for all readers', async () => {
    const viId = await createUser(ctx, { email: 'reader-vi@lang.vn', role: 'evaluator' });
    const enId = await createUser(ctx, { email: 'reader-en@lang.vn', role: 'evaluator' });
    await ctx.dataSource.query(`UPDATE users SET language = 'en' WHERE id = $1`, [enId]);
    const notifications = ctx.app.get(NotificationsService);
    const ids = await ctx.dataSource.transaction((manager) =>
      notifications.notifyUsers(manager, [viId, enId, viId], {
        kind: 'problem.cancelled',
        message: 'problemCancelled',
        params: { problem: 'Cầu Rào 2', reason: 'trùng lặp' },
        email: false,
      }),
    );
    expect(ids).toHaveLength(2);
    const inbox = async (email: string) =>
      (
        await ctx.http
          .get('/api/v1/me/notifications')
          .set(bearer(await login(ctx, email)))
          .expect(200)
      ).body.items as {
        title: string;
        body: string;
      }[];
    expect(await inbox('reader-vi@lang.vn')).toEqual([
      expect.objectContaining({ title: 'Bài toán đã bị hủy: Cầu Rào 2', body: expect.stringContaining('Lý do: trùng lặp') }),
    ]);
    expect(await inbox('reader-en@lang.vn')).toEqual([
      expect.objectContaining({ title: 'Problem cancelled: Cầu Rào 2', body: expect.stringContaining('Reason: trùng lặp') }),
    ]);
  });

  it('tells a department’s active officers only: not a disabled officer, nor another department’s', async () => {
    const department = await createDepartment(ctx, 'Sở Giao thông Vận tải', 'SGTVT-READERS');
    const other = await createDepartment(ctx, 'Sở Y tế', 'SYT-READERS');
    const active = await createUser(ctx, { email: 'active@readers.vn', role: 'officer', organizationId: department });
    const disabled = await createUser(ctx, { email: 'disabled@readers.vn', role: 'officer', organizationId: department });
    await createUser(ctx, { email: 'other@readers.vn', role: 'officer', organizationId: other });
    await ctx.dataSource.query(`UPDATE users SET status = 'disabled' WHERE id = $1`, [disabled]);
    const ids = await ctx.dataSource.transaction((manager) =>
      ctx.app.get(NotificationsService).notifyDepartment(manager, department, {
        kind: 'problem.cancelled',
        message: 'problemCancelled',
        params: { problem: 'Cầu Rào 3', reason: 'trùng lặp' },
      }),
    );
    const readers = await ctx.dataSource.query<{ user_id: string }[]>(`SELECT user_id FROM notifications WHERE id = ANY($1)`, [
      ids,
    ]);
    expect(readers).toEqual([{ user_id: active }]);
    // The e-mail goes to the same readers: its job names exactly these notifications.
    const jobs = await ctx.dataSource.query<{ payload: { notificationIds: string[] } }[]>(
      `SELECT payload FROM outbox WHERE job_name = 'deliver-emails' AND payload->'notificationIds' ?| $1::text[]`,
      [ids],
    );
    expect(jobs).toEqual([{ payload: { notificationIds: ids } }]);
  });
});
