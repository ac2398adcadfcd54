import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { OutboxRelay } from '@app/jobs';
import { bearer, createUser, eventually, login, startApp, TestContext } from './harness';
import { ensureAreas, registerAndConfirm, registrationBody } from './enterprise-fixtures';

const mailDir = resolve(process.env.MAIL_DIR ?? '.data/mail');
const startedAt = Date.now();

/** Mail bodies are quoted-printable: undo soft line breaks and =XX escapes. */
function decodeQuotedPrintable(text: string): string {
  const bytes = text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => `%${hex}`);
  return decodeURIComponent(bytes.replace(/%(?![0-9A-F]{2})/g, '%25'));
}

async function mailTo(address: string, needle = ''): Promise<string | undefined> {
  const files = await readdir(mailDir).catch(() => [] as string[]);
  for (const f of files.filter((n) => n.endsWith('.eml'))) {
    if ((await stat(join(mailDir, f))).mtimeMs < startedAt) continue; // from an earlier run
    const text = decodeQuotedPrintable(await readFile(join(mailDir, f), 'utf8'));
    if (text.includes(`To: ${address}`) && text.includes(needle)) return text;
  }
  return undefined;
}

describe('outbox → queue → e-mail', () => {
  let ctx: TestContext;
  let admin: string;

  beforeAll(async () => {
    ctx = await startApp({ worker: true });
    await createUser(ctx, { email: 'admin@test.vn', role: 'admin' });
    admin = await login(ctx, 'admin@test.vn');
  });
  afterAll(() => ctx.close());

  it('creating an account writes an outbox row in the same transaction, and the worker mails a set-password link that works', async () => {
    const user = (
      await ctx.http
        .post('/api/v1/users')
        .set(bearer(admin))
        .send({ email: 'newbie@test.vn', fullName: 'Phạm Văn C', role: 'evaluator' })
        .expect(201)
    ).body;
    const outbox = await ctx.dataSource.query(`SELECT job_name, payload FROM outbox WHERE payload->>'userId' = $1`, [user.id]);
    expect(outbox).toEqual([{ job_name: 'account-created', payload: { userId: user.id, needsPasswordSetup: true } }]);

    const mail = await eventually(() => mailTo('newbie@test.vn'));
    // A real mail in the reader's language (Vietnamese by default): text and HTML, a portal link, no API address.
    expect(mail).toContain('Kính gửi Ông/Bà Phạm Văn C');
    expect(mail).toContain('chuyên gia đánh giá');
    expect(mail).toContain('Content-Type: text/html');
    expect(mail).toContain('Sàn giải pháp công nghệ thành phố Hải Phòng');
    expect(mail).not.toContain('/api/');
    const token = /set-password\?token=([^\s&]+)/.exec(mail)?.[1];
    expect(token).toBeDefined();

    const dispatched = await ctx.dataSource.query(`SELECT dispatched_at FROM outbox WHERE payload->>'userId' = $1`, [user.id]);
    expect(dispatched[0].dispatched_at).not.toBeNull();

    // The link sets the first password; it works once only.
    const body = { token: decodeURIComponent(token as string), password: 'my own password' };
    await ctx.http.post('/api/v1/auth/password-setup').send(body).expect(204);
    await login(ctx, 'newbie@test.vn', 'my own password');
    const again = await ctx.http.post('/api/v1/auth/password-setup').send(body).expect(401);
    expect(again.body.code).toBe('PASSWORD_SETUP_TOKEN_INVALID');
  });

  it('a failed change leaves no job behind', async () => {
    await ctx.http
      .post('/api/v1/users')
      .set(bearer(admin))
      .send({ email: 'newbie@test.vn', fullName: 'Dup', role: 'evaluator' })
      .expect(409);
    const rows = await ctx.dataSource.query(`SELECT count(*)::int AS n FROM outbox`);
    expect(rows[0].n).toBe(1);
  });

  it('a job whose relay failed (Redis away) stays in the outbox and is relayed on a later round', async () => {
    const relay = ctx.worker!.get(OutboxRelay);
    const queue = (relay as unknown as { queue(name: string): { add: (...a: unknown[]) => Promise<unknown> } }).queue('mail');
    const realAdd = queue.add.bind(queue);
    // Simulate Redis refusing writes for a moment.
    queue.add = () => Promise.reject(new Error('Connection is closed.'));
    const id = await createUser(ctx, { email: 'later@test.vn', role: 'evaluator' });
    await ctx.dataSource.query(`INSERT INTO outbox (queue, job_name, payload) VALUES ('mail', 'account-created', $1)`, [
      JSON.stringify({ userId: id, needsPasswordSetup: false }),
    ]);
    await eventually(async () => {
      const [row] = await ctx.dataSource.query(`SELECT attempts, last_error FROM outbox WHERE payload->>'userId' = $1`, [id]);
      return row.attempts > 0 && row.last_error;
    });
    const [pending] = await ctx.dataSource.query(`SELECT dispatched_at FROM outbox WHERE payload->>'userId' = $1`, [id]);
    expect(pending.dispatched_at).toBeNull();

    queue.add = realAdd; // Redis is back
    const mail = await eventually(() => mailTo('later@test.vn'));
    expect(mail).toContain('bằng mật khẩu đã được cung cấp');
  });

  it('a registration mails a confirmation link to a new address, and only a notice to the holder of a known one', async () => {
    await ensureAreas(ctx);
    await ctx.http
      .post('/api/v1/auth/register-enterprise')
      .send(registrationBody({ email: 'new-owner@firm.vn' }))
      .expect(202);
    await ctx.http
      .post('/api/v1/auth/register-enterprise')
      .send(registrationBody({ email: 'admin@test.vn' }))
      .expect(202);
    const confirmation = await eventually(() => mailTo('new-owner@firm.vn'));
    expect(confirmation).toContain('đã nhận yêu cầu đăng ký doanh nghiệp');
    const token = /register\/confirm\?token=([^\s&"<]+)/.exec(confirmation)?.[1];
    expect(token).toBeDefined();
    const notice = await eventually(() => mailTo('admin@test.vn'));
    expect(notice).toContain('Địa chỉ này đã có tài khoản');
    expect(notice).not.toContain('/register/confirm');
    expect(notice).toContain('/sign-in');
    // The mailed link creates the firm and its owner, who can sign in.
    const done = await ctx.http
      .post('/api/v1/auth/register-enterprise/confirm')
      .send({ token: decodeURIComponent(token as string) })
      .expect(201);
    expect(done.body).toMatchObject({ user: { email: 'new-owner@firm.vn' }, enterprise: { status: 'pending' } });
    await login(ctx, 'new-owner@firm.vn');
  });

  it('an invitation mails a link to join to a new address, and only a notice to the holder of a known one', async () => {
    const firm = await registerAndConfirm(ctx, registrationBody({ email: 'firm-owner@firm.vn' }));
    const owner = await login(ctx, 'firm-owner@firm.vn');
    for (const email of ['colleague@firm.vn', 'admin@test.vn']) {
      await ctx.http
        .post(`/api/v1/enterprises/${firm.body.enterprise.id}/members`)
        .set(bearer(owner))
        .send({ email, fullName: 'Đồng Nghiệp' })
        .expect(202);
    }
    const link = await eventually(() => mailTo('colleague@firm.vn', '/invitation?token='));
    expect(link).toContain('mời Ông/Bà tham gia tài khoản của doanh nghiệp');
    const notice = await eventually(() => mailTo('admin@test.vn', 'đã có tài khoản trên Sàn'));
    expect(notice).not.toContain('/invitation?token=');
  });
});
