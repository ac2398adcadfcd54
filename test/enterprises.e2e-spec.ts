import { bearer, createDepartment, createUser, login, PASSWORD, startApp, TestContext } from './harness';
import {
  changeStatus,
  countRows,
  ensureAreas,
  confirmationToken,
  invitationToken,
  newTaxCode,
  registerAndConfirm,
  registerFirm,
  registrationBody,
  RegisteredFirm,
  vnToday,
  withWrongCheckDigit,
} from './enterprise-fixtures';

describe('enterprise registry: registration, profile, members, directory', () => {
  let ctx: TestContext;
  let admin: string;
  let officer: string;

  /** What a refused registration must not leave behind. */
  const snapshot = async () => ({
    users: await countRows(ctx, 'users'),
    organizations: await countRows(ctx, 'organizations'),
    enterprises: await countRows(ctx, 'enterprises'),
    history: await countRows(ctx, 'enterprise_status_history'),
    outbox: await countRows(ctx, 'outbox'),
    requests: await countRows(ctx, 'registration_requests'),
  });

  beforeAll(async () => {
    ctx = await startApp();
    await ensureAreas(ctx);
    await createUser(ctx, { email: 'admin@test.vn', role: 'admin' });
    await createUser(ctx, { email: 'officer@test.vn', role: 'officer', organizationId: await createDepartment(ctx) });
    admin = await login(ctx, 'admin@test.vn');
    officer = await login(ctx, 'officer@test.vn');
  });
  afterAll(() => ctx.close());

  describe('POST /auth/register-enterprise', () => {
    it('confirming the mailed link creates the firm, its owner, the first history row, an audit entry and the mail job in one go', async () => {
      const code = newTaxCode();
      const spaced = `${code.slice(0, 4)} ${code.slice(4, 7)}.${code.slice(7)}`; // "0200 519.875"
      const decomposed = 'Công ty Cổ phần Điện tử Hải Phòng'.normalize('NFD');
      const body = registrationBody({
        email: 'Owner.One@Firm.vn',
        taxCode: spaced,
        enterprise: {
          legalName: `  ${decomposed}  `,
          shortName: 'ĐT HP'.normalize('NFD'),
          foundedOn: '2015-06-01',
          sectors: ['ict', 'smart_manufacturing'],
          tags: ['IoT', 'bán dẫn'.normalize('NFD')],
          headcountBand: '10-49',
          website: 'https://dientu-hp.vn',
          phone: '+84 225 3123 456',
          contactEmail: 'lienhe@dientu-hp.vn',
          products: [{ name: 'Cảm biến thông minh', description: 'Đo mực nước', url: 'https://dientu-hp.vn/cam-bien' }],
        },
      });
      const res = await registerAndConfirm(ctx, body);
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        user: expect.objectContaining({
          email: 'owner.one@firm.vn',
          role: 'enterprise',
          orgRole: 'owner',
          organizationId: res.body.enterprise.id,
        }),
        enterprise: { id: expect.any(String), status: 'pending', taxCode: code },
      });
      expect(res.body.user.passwordHash).toBeUndefined();
      const id = res.body.enterprise.id as string;

      const [org] = await ctx.dataSource.query(`SELECT kind, name FROM organizations WHERE id = $1`, [id]);
      expect(org).toEqual({ kind: 'enterprise', name: 'Công ty Cổ phần Điện tử Hải Phòng' });
      const [firm] = await ctx.dataSource.query(
        `SELECT tax_code, legal_name, short_name, tags, sectors, products, status, status_effective_date::text AS since FROM enterprises WHERE id = $1`,
        [id],
      );
      expect(firm).toEqual({
        tax_code: code,
        legal_name: 'Công ty Cổ phần Điện tử Hải Phòng', // NFC and trimmed
        short_name: 'ĐT HP'.normalize('NFC'),
        tags: ['IoT', 'bán dẫn'.normalize('NFC')],
        sectors: ['ict', 'smart_manufacturing'],
        products: [{ name: 'Cảm biến thông minh', description: 'Đo mực nước', url: 'https://dientu-hp.vn/cam-bien' }],
        status: 'pending',
        since: vnToday(),
      });
      const history = await ctx.dataSource.query(
        `SELECT from_status, to_status, effective_date::text AS day, actor_id FROM enterprise_status_history WHERE enterprise_id = $1`,
        [id],
      );
      expect(history).toEqual([{ from_status: null, to_status: 'pending', day: vnToday(), actor_id: res.body.user.id }]);
      const audit = await ctx.dataSource.query(
        `SELECT action, actor_id FROM audit_log WHERE entity_type = 'enterprise' AND entity_id = $1`,
        [id],
      );
      expect(audit).toEqual([{ action: 'enterprise.registered', actor_id: res.body.user.id }]);
      const jobs = await ctx.dataSource.query(`SELECT job_name, payload FROM outbox WHERE payload->>'enterpriseId' = $1`, [id]);
      expect(jobs).toEqual([
        { job_name: 'enterprise-status-changed', payload: { enterpriseId: id, historyId: expect.any(String) } },
      ]);

      // The owner signs in with the password they chose; the token carries the firm.
      const token = await login(ctx, 'owner.one@firm.vn', PASSWORD);
      const me = await ctx.http.get('/api/v1/me').set(bearer(token)).expect(200);
      expect(me.body).toMatchObject({ role: 'enterprise', organizationId: id, orgRole: 'owner' });
    });

    it('accepts a branch code (NNNNNNNNNN-NNN) and stores it normalised', async () => {
      const main = newTaxCode();
      const res = await registerAndConfirm(ctx, registrationBody({ taxCode: ` ${main} - 002 ` }));
      expect(res.status).toBe(201);
      expect(res.body.enterprise.taxCode).toBe(`${main}-002`);
    });

    it.each([
      ['a wrong check digit', () => withWrongCheckDigit(newTaxCode()), 'check_digit'],
      ['an all-zero serial', () => '3100000005', 'serial'],
      ['branch suffix 000', () => `${newTaxCode()}-000`, 'branch'],
      ['nine digits', () => newTaxCode().slice(0, 9), 'format'],
      ['a letter', () => `01001O9106`, 'format'],
      ['a two-digit branch', () => `${newTaxCode()}-01`, 'format'],
    ])('refuses %s with TAX_CODE_INVALID and creates nothing', async (_label, make, problem) => {
      const before = await snapshot();
      const body = registrationBody({ email: 'refused@firm.vn', taxCode: make() });
      const res = await ctx.http.post('/api/v1/auth/register-enterprise').send(body).expect(400);
      expect(res.body).toMatchObject({
        statusCode: 400,
        code: 'TAX_CODE_INVALID',
        details: { field: 'enterprise.taxCode', problem },
      });
      expect(await snapshot()).toEqual(before);
    });

    it('checks the all-zero serial independently of the check digit', async () => {
      // 3100000005 is the one all-zero serial whose check digit is right, so only the serial rule refuses it.
      const res = await ctx.http
        .post('/api/v1/auth/register-enterprise')
        .send(registrationBody({ taxCode: '3100000005' }))
        .expect(400);
      expect(res.body.details.problem).toBe('serial');
    });

    it('refuses a tax code already registered, however it is written, and leaves nothing half-created', async () => {
      const first = await registerFirm(ctx);
      const before = await snapshot();
      const dotted = `${first.taxCode.slice(0, 4)}.${first.taxCode.slice(4, 7)}.${first.taxCode.slice(7)}`;
      const res = await ctx.http
        .post('/api/v1/auth/register-enterprise')
        .send(registrationBody({ email: 'second-owner@firm.vn', taxCode: dotted, enterprise: { legalName: 'Công ty Trùng Mã' } }))
        .expect(409);
      expect(res.body).toMatchObject({ code: 'TAX_CODE_TAKEN', details: { taxCode: first.taxCode } });
      expect(await snapshot()).toEqual(before);
      expect(await countRows(ctx, `users WHERE email = 'second-owner@firm.vn'`)).toBe(0);
      expect(await countRows(ctx, `organizations WHERE name = 'Công ty Trùng Mã'`)).toBe(0);
    });

    it('two registrations of one tax code confirmed at the same moment: exactly one wins', async () => {
      const taxCode = newTaxCode();
      const before = await countRows(ctx, 'organizations');
      const emails = ['race-a@firm.vn', 'race-b@firm.vn', 'race-c@firm.vn'];
      for (const email of emails) {
        await ctx.http.post('/api/v1/auth/register-enterprise').send(registrationBody({ email, taxCode })).expect(202);
      }
      const tokens = await Promise.all(emails.map((email) => confirmationToken(ctx, email)));
      const results = await Promise.all(
        tokens.map((token) => ctx.http.post('/api/v1/auth/register-enterprise/confirm').send({ token })),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
      expect(results.filter((r) => r.status === 409).map((r) => r.body.code)).toEqual(['TAX_CODE_TAKEN', 'TAX_CODE_TAKEN']);
      expect(await countRows(ctx, 'organizations')).toBe(before + 1);
      expect(await countRows(ctx, `users WHERE email LIKE 'race-%'`)).toBe(1);
    });

    it('answers the same for an address with an account as for a new one; only the mailbox learns which', async () => {
      const known = await ctx.http
        .post('/api/v1/auth/register-enterprise')
        .send(registrationBody({ email: 'ADMIN@test.vn' }))
        .expect(202);
      const unknown = await ctx.http
        .post('/api/v1/auth/register-enterprise')
        .send(registrationBody({ email: 'Nobody.Yet@firm.vn' }))
        .expect(202);
      expect(known.body).toEqual({ status: 'confirmation_sent', email: 'admin@test.vn', expiresInHours: 48 });
      expect(unknown.body).toEqual({ status: 'confirmation_sent', email: 'nobody.yet@firm.vn', expiresInHours: 48 });
      expect(Object.keys(known.headers).sort()).toEqual(Object.keys(unknown.headers).sort());
      // Nothing is registered yet; the holder of the known address gets a notice, the new one a link.
      expect(await countRows(ctx, `registration_requests WHERE email = 'admin@test.vn'`)).toBe(0);
      expect(await countRows(ctx, `registration_requests WHERE email = 'nobody.yet@firm.vn'`)).toBe(1);
      const jobs = await ctx.dataSource.query(
        `SELECT job_name FROM outbox WHERE job_name LIKE 'registration-%' AND created_at > now() - interval '1 minute' ORDER BY id`,
      );
      expect(jobs.map((j: { job_name: string }) => j.job_name).slice(-2)).toEqual([
        'registration-on-existing-account',
        'registration-requested',
      ]);
      expect(await countRows(ctx, `users WHERE email = 'nobody.yet@firm.vn'`)).toBe(0);
    });

    it('the link works once, and a made-up or expired one is refused', async () => {
      const body = registrationBody();
      await ctx.http.post('/api/v1/auth/register-enterprise').send(body).expect(202);
      const link = await confirmationToken(ctx, body.email);
      const first = await ctx.http.post('/api/v1/auth/register-enterprise/confirm').send({ token: link }).expect(201);
      const reused = await ctx.http.post('/api/v1/auth/register-enterprise/confirm').send({ token: link }).expect(400);
      expect(reused.body.code).toBe('REGISTRATION_LINK_INVALID');
      // Registering again with the address now only mails its holder a notice.
      await ctx.http
        .post('/api/v1/auth/register-enterprise')
        .send(registrationBody({ email: body.email }))
        .expect(202);
      expect(await countRows(ctx, `registration_requests WHERE email = '${body.email}'`)).toBe(0);
      for (const token of ['nonsense', `${first.body.user.id}.${'x'.repeat(43)}`]) {
        const res = await ctx.http.post('/api/v1/auth/register-enterprise/confirm').send({ token }).expect(400);
        expect(res.body.code).toBe('REGISTRATION_LINK_INVALID');
      }
      const late = registrationBody();
      await ctx.http.post('/api/v1/auth/register-enterprise').send(late).expect(202);
      const token = await confirmationToken(ctx, late.email);
      await ctx.dataSource.query(`UPDATE registration_requests SET expires_at = now() - interval '1 second' WHERE email = $1`, [
        late.email,
      ]);
      const expired = await ctx.http.post('/api/v1/auth/register-enterprise/confirm').send({ token }).expect(400);
      expect(expired.body.code).toBe('REGISTRATION_LINK_INVALID');
      expect(await countRows(ctx, `users WHERE email = '${late.email}'`)).toBe(0);
    });

    it('requires a known commune-level unit for the head office', async () => {
      const before = await snapshot();
      const unknown = await ctx.http
        .post('/api/v1/auth/register-enterprise')
        .send(registrationBody({ enterprise: { areaCode: '99999' } }))
        .expect(400);
      expect(unknown.body).toMatchObject({
        code: 'AREA_CODE_INVALID',
        details: { field: 'enterprise.areaCode', problem: 'unknown' },
      });
      const city = await ctx.http
        .post('/api/v1/auth/register-enterprise')
        .send(registrationBody({ enterprise: { areaCode: '31' } }))
        .expect(400);
      expect(city.body).toMatchObject({ code: 'AREA_CODE_INVALID', details: { problem: 'not_commune_level' } });
      expect(await snapshot()).toEqual(before);
      // a commune is fine
      await registerFirm(ctx, { enterprise: { areaCode: '11674' } });
    });

    it.each([
      ['an unknown sector', { sectors: ['ict', 'crypto'] }, 'enterprise.sectors'],
      ['no sector', { sectors: [] }, 'enterprise.sectors'],
      ['a repeated sector', { sectors: ['ict', 'ict'] }, 'enterprise.sectors'],
      ['an unknown headcount band', { headcountBand: '5-10' }, 'enterprise.headcountBand'],
      ['a blank legal name', { legalName: '   ' }, 'enterprise.legalName'],
      ['an unknown nested field', { isVerified: true }, 'enterprise.isVerified'],
      ['an unknown field in a product', { products: [{ name: 'X', price: 1 }] }, 'enterprise.products.0.price'],
      ['a non-http website', { website: 'javascript:alert(1)' }, 'enterprise.website'],
      ['an impossible founding date', { foundedOn: '2023-02-29' }, 'enterprise.foundedOn'],
    ])('refuses %s (400, field named)', async (_label, enterprise, field) => {
      const before = await snapshot();
      const res = await ctx.http.post('/api/v1/auth/register-enterprise').send(registrationBody({ enterprise })).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
      expect(await snapshot()).toEqual(before);
    });

    it('refuses a short password, a missing enterprise and a founding date in the future', async () => {
      const short = await ctx.http
        .post('/api/v1/auth/register-enterprise')
        .send({ ...registrationBody(), password: 'short' })
        .expect(400);
      expect(short.body.details[0].field).toBe('password');
      const { enterprise: _omit, ...noFirm } = registrationBody();
      const missing = await ctx.http.post('/api/v1/auth/register-enterprise').send(noFirm).expect(400);
      expect(missing.body.details.map((d: { field: string }) => d.field)).toContain('enterprise');
      const future = await ctx.http
        .post('/api/v1/auth/register-enterprise')
        .send(registrationBody({ enterprise: { foundedOn: '2999-01-01' } }))
        .expect(400);
      expect(future.body.details[0].field).toBe('enterprise.foundedOn');
    });
  });

  describe('profile, ownership and members', () => {
    let firmA: RegisteredFirm;
    let firmB: RegisteredFirm;
    let ownerA: string;
    let ownerB: string;

    beforeAll(async () => {
      firmA = await registerFirm(ctx, { enterprise: { legalName: 'Công ty An Phát', sectors: ['ict'] } });
      firmB = await registerFirm(ctx, { enterprise: { legalName: 'Công ty Bình Minh', sectors: ['health'] } });
      ownerA = await login(ctx, firmA.ownerEmail);
      ownerB = await login(ctx, firmB.ownerEmail);
    });

    const profileOf = async (id: string) =>
      (
        await ctx.dataSource.query(`SELECT legal_name, address, area_code, sectors, updated_at FROM enterprises WHERE id = $1`, [
          id,
        ])
      )[0];

    it('a pending firm is hidden from the public and other firms, shown to itself, officers and admins', async () => {
      const anon = await ctx.http.get(`/api/v1/enterprises/${firmA.id}`).expect(404);
      expect(anon.body.code).toBe('ENTERPRISE_NOT_FOUND');
      await ctx.http.get(`/api/v1/enterprises/${firmA.id}`).set(bearer(ownerB)).expect(404);
      const own = await ctx.http.get(`/api/v1/enterprises/${firmA.id}`).set(bearer(ownerA)).expect(200);
      expect(own.body).toMatchObject({
        id: firmA.id,
        status: 'pending',
        legalName: 'Công ty An Phát',
        areaName: 'Phường Thủy Nguyên',
        statusReason: null,
      });
      await ctx.http.get(`/api/v1/enterprises/${firmA.id}`).set(bearer(officer)).expect(200);
      await ctx.http.get(`/api/v1/enterprises/${firmA.id}`).set(bearer(admin)).expect(200);
      const list = await ctx.http.get('/api/v1/enterprises').query({ q: 'an phat' }).expect(200);
      expect(list.body.items).toEqual([]);
      // a made-up id is the same 404
      await ctx.http.get('/api/v1/enterprises/00000000-0000-4000-8000-000000000000').expect(404);
    });

    it('once verified the profile is public, without internal notes', async () => {
      await changeStatus(ctx, admin, firmA.id, 'verify', { reason: 'Hồ sơ đầy đủ' }).expect(200);
      await changeStatus(ctx, admin, firmB.id, 'verify').expect(200);
      const res = await ctx.http.get(`/api/v1/enterprises/${firmA.id}`).expect(200);
      expect(res.body).toMatchObject({
        id: firmA.id,
        status: 'verified',
        taxCode: firmA.taxCode,
        statusEffectiveDate: vnToday(),
      });
      expect(res.body).not.toHaveProperty('statusReason');
      const own = await ctx.http.get(`/api/v1/enterprises/${firmA.id}`).set(bearer(ownerA)).expect(200);
      expect(own.body.statusReason).toBe('Hồ sơ đầy đủ');
    });

    it('an invalid token on a public route is refused rather than silently ignored', async () => {
      const res = await ctx.http.get(`/api/v1/enterprises/${firmA.id}`).set(bearer('not-a-token')).expect(401);
      expect(res.body.code).toBe('UNAUTHENTICATED');
    });

    it('the owner edits the profile: NFC text, audited with before and after; the tax code cannot be edited', async () => {
      const res = await ctx.http
        .patch(`/api/v1/enterprises/${firmA.id}`)
        .set(bearer(ownerA))
        .send({ legalName: 'Công ty An Phát Hưng'.normalize('NFD'), shortName: 'APH', website: null, tags: ['Chuyển đổi số'] })
        .expect(200);
      expect(res.body).toMatchObject({
        legalName: 'Công ty An Phát Hưng',
        shortName: 'APH',
        website: null,
        tags: ['Chuyển đổi số'],
      });
      const [org] = await ctx.dataSource.query(`SELECT name FROM organizations WHERE id = $1`, [firmA.id]);
      expect(org.name).toBe('Công ty An Phát Hưng');
      const [entry] = await ctx.dataSource.query(
        `SELECT actor_id, before, after FROM audit_log WHERE action = 'enterprise.updated' AND entity_id = $1 ORDER BY seq DESC LIMIT 1`,
        [firmA.id],
      );
      expect(entry).toMatchObject({
        actor_id: firmA.ownerId,
        before: { legalName: 'Công ty An Phát' },
        after: { legalName: 'Công ty An Phát Hưng' },
      });

      const taxEdit = await ctx.http
        .patch(`/api/v1/enterprises/${firmA.id}`)
        .set(bearer(ownerA))
        .send({ taxCode: newTaxCode() })
        .expect(400);
      expect(taxEdit.body.details[0].field).toBe('taxCode');
      const nullName = await ctx.http
        .patch(`/api/v1/enterprises/${firmA.id}`)
        .set(bearer(ownerA))
        .send({ legalName: null })
        .expect(400);
      expect(nullName.body.details[0].field).toBe('legalName');
      const [row] = await ctx.dataSource.query(`SELECT tax_code, legal_name FROM enterprises WHERE id = $1`, [firmA.id]);
      expect(row).toEqual({ tax_code: firmA.taxCode, legal_name: 'Công ty An Phát Hưng' });
    });

    it("another firm's owner cannot edit this firm, and nothing changes", async () => {
      const before = await profileOf(firmA.id);
      const res = await ctx.http
        .patch(`/api/v1/enterprises/${firmA.id}`)
        .set(bearer(ownerB))
        .send({ legalName: 'Bị chiếm quyền', areaCode: '11557' })
        .expect(403);
      expect(res.body.code).toBe('ENTERPRISE_FORBIDDEN');
      expect(await profileOf(firmA.id)).toEqual(before);
    });

    it('an officer cannot edit a firm', async () => {
      const before = await profileOf(firmA.id);
      const res = await ctx.http
        .patch(`/api/v1/enterprises/${firmA.id}`)
        .set(bearer(officer))
        .send({ address: 'Địa chỉ khác 123' })
        .expect(403);
      expect(res.body.code).toBe('ROLE_FORBIDDEN');
      expect(await profileOf(firmA.id)).toEqual(before);
    });

    it('the owner invites a member, who joins from the mailed link; a plain member may neither edit nor invite', async () => {
      const res = await ctx.http
        .post(`/api/v1/enterprises/${firmA.id}/members`)
        .set(bearer(ownerA))
        .send({ email: 'Staff@AnPhat.vn', fullName: 'Trần Thị Bình'.normalize('NFD') })
        .expect(202);
      expect(res.body).toEqual({
        id: expect.any(String),
        email: 'staff@anphat.vn',
        fullName: 'Trần Thị Bình',
        invitedAt: expect.any(String),
        expiresAt: expect.any(String),
      });
      expect(await countRows(ctx, `users WHERE email = 'staff@anphat.vn'`)).toBe(0);
      const jobs = await ctx.dataSource.query(`SELECT job_name, payload FROM outbox WHERE payload->>'invitationId' = $1`, [
        res.body.id,
      ]);
      expect(jobs).toEqual([{ job_name: 'member-invited', payload: { invitationId: res.body.id } }]);
      const pending = await ctx.http.get(`/api/v1/enterprises/${firmA.id}/invitations`).set(bearer(ownerA)).expect(200);
      expect(pending.body.map((i: { email: string }) => i.email)).toEqual(['staff@anphat.vn']);

      // The link: the invitee chooses a password and is a member; the link then stops working.
      const token = await invitationToken(ctx, 'staff@anphat.vn');
      await ctx.http.post('/api/v1/auth/invitations/accept').send({ token, password: 'password123' }).expect(400);
      const joined = await ctx.http
        .post('/api/v1/auth/invitations/accept')
        .send({ token, password: 'An Phat ke toan 2026' })
        .expect(201);
      expect(joined.body).toMatchObject({
        email: 'staff@anphat.vn',
        fullName: 'Trần Thị Bình',
        role: 'enterprise',
        orgRole: 'member',
        organizationId: firmA.id,
      });
      const reused = await ctx.http
        .post('/api/v1/auth/invitations/accept')
        .send({ token, password: 'An Phat ke toan 2026' })
        .expect(400);
      expect(reused.body.code).toBe('INVITATION_LINK_INVALID');
      expect((await ctx.http.get(`/api/v1/enterprises/${firmA.id}/invitations`).set(bearer(ownerA)).expect(200)).body).toEqual(
        [],
      );
      const audit = await ctx.dataSource.query(
        `SELECT action FROM audit_log WHERE entity_type = 'enterprise' AND entity_id = $1 AND action LIKE 'enterprise.member_%' ORDER BY seq`,
        [firmA.id],
      );
      expect(audit.map((a: { action: string }) => a.action)).toEqual(['enterprise.member_invited', 'enterprise.member_added']);

      const member = await login(ctx, 'staff@anphat.vn', 'An Phat ke toan 2026');
      const before = await profileOf(firmA.id);
      const edit = await ctx.http
        .patch(`/api/v1/enterprises/${firmA.id}`)
        .set(bearer(member))
        .send({ address: 'Số 9 Trần Phú, Hải Phòng' })
        .expect(403);
      expect(edit.body.code).toBe('ENTERPRISE_FORBIDDEN');
      expect(await profileOf(firmA.id)).toEqual(before);
      const add = await ctx.http
        .post(`/api/v1/enterprises/${firmA.id}/members`)
        .set(bearer(member))
        .send({ email: 'x@anphat.vn', fullName: 'X' })
        .expect(403);
      expect(add.body.code).toBe('ENTERPRISE_FORBIDDEN');
      expect(await countRows(ctx, `member_invitations WHERE email = 'x@anphat.vn'`)).toBe(0);

      // members see their colleagues; another firm does not
      const list = await ctx.http.get(`/api/v1/enterprises/${firmA.id}/members`).set(bearer(member)).expect(200);
      expect(list.body.items.map((u: { email: string; orgRole: string }) => [u.email, u.orgRole])).toEqual([
        [firmA.ownerEmail, 'owner'],
        ['staff@anphat.vn', 'member'],
      ]);
      expect(list.body.nextCursor).toBeNull();
      const other = await ctx.http.get(`/api/v1/enterprises/${firmA.id}/members`).set(bearer(ownerB)).expect(403);
      expect(other.body.code).toBe('ENTERPRISE_FORBIDDEN');
      await ctx.http.get(`/api/v1/enterprises/${firmA.id}/members`).set(bearer(officer)).expect(403);
      const paged = await ctx.http.get(`/api/v1/enterprises/${firmA.id}/members?limit=1`).set(bearer(admin)).expect(200);
      expect(paged.body.items).toHaveLength(1);
      const next = await ctx.http
        .get(`/api/v1/enterprises/${firmA.id}/members?limit=1&cursor=${paged.body.nextCursor}`)
        .set(bearer(admin))
        .expect(200);
      expect(next.body.items[0].email).toBe('staff@anphat.vn');
    });

    it('inviting an address that has an account looks exactly like inviting a new one; another firm cannot invite here', async () => {
      const known = await ctx.http
        .post(`/api/v1/enterprises/${firmA.id}/members`)
        .set(bearer(ownerA))
        .send({ email: 'officer@test.vn', fullName: 'Dup' })
        .expect(202);
      const unknown = await ctx.http
        .post(`/api/v1/enterprises/${firmA.id}/members`)
        .set(bearer(ownerA))
        .send({ email: 'nobody-yet@anphat.vn', fullName: 'Dup' })
        .expect(202);
      const shape = (b: Record<string, unknown>) => Object.keys(b).sort();
      expect(shape(known.body)).toEqual(shape(unknown.body));
      const pending = (await ctx.http.get(`/api/v1/enterprises/${firmA.id}/invitations`).set(bearer(ownerA)).expect(200)).body;
      expect(pending.map((i: { email: string }) => i.email).sort()).toEqual(['nobody-yet@anphat.vn', 'officer@test.vn']);
      // The holder of the known address cannot be pulled into the firm, even with a working link.
      const token = await invitationToken(ctx, 'officer@test.vn');
      const taken = await ctx.http
        .post('/api/v1/auth/invitations/accept')
        .send({ token, password: 'An Phat ke toan 2026' })
        .expect(409);
      expect(taken.body.code).toBe('EMAIL_TAKEN');
      const [officerRow] = await ctx.dataSource.query(`SELECT organization_id FROM users WHERE email = 'officer@test.vn'`);
      expect(officerRow.organization_id).not.toBe(firmA.id);

      const foreign = await ctx.http
        .post(`/api/v1/enterprises/${firmA.id}/members`)
        .set(bearer(ownerB))
        .send({ email: 'spy@binhminh.vn', fullName: 'Spy' })
        .expect(403);
      expect(foreign.body.code).toBe('ENTERPRISE_FORBIDDEN');
      await ctx.http.get(`/api/v1/enterprises/${firmA.id}/invitations`).set(bearer(ownerB)).expect(403);
      expect(await countRows(ctx, `member_invitations WHERE email = 'spy@binhminh.vn'`)).toBe(0);
    });

    it('an admin may edit any firm; an unknown area is refused', async () => {
      await ctx.http.patch(`/api/v1/enterprises/${firmB.id}`).set(bearer(admin)).send({ headcountBand: '50-199' }).expect(200);
      const bad = await ctx.http.patch(`/api/v1/enterprises/${firmB.id}`).set(bearer(admin)).send({ areaCode: '31' }).expect(400);
      expect(bad.body).toMatchObject({ code: 'AREA_CODE_INVALID', details: { field: 'areaCode', problem: 'not_commune_level' } });
    });
  });

  describe('GET /enterprises (directory and search)', () => {
    const names = new Map<string, string>();

    beforeAll(async () => {
      const firms: [string, Record<string, unknown>][] = [
        ['dientu', { legalName: 'Công ty Cổ phần Điện tử Cảng Hải Phòng', sectors: ['ict', 'logistics_seaport'], tags: ['IoT'] }],
        ['doson', { legalName: 'Công ty TNHH Du lịch Thông minh Đồ Sơn', sectors: ['smart_tourism'], areaCode: '11557' }],
        [
          'doanh',
          {
            legalName: 'Doanh nghiệp Phần mềm Sao Biển',
            sectors: ['ict'],
            tags: ['Nông nghiệp số'],
            products: [{ name: 'Hệ thống quản lý cảng', description: 'Theo dõi container' }],
          },
        ],
        ['percent', { legalName: 'Công ty 100% Vốn Việt', sectors: ['other'] }],
      ];
      for (const [key, enterprise] of firms) {
        const firm = await registerFirm(ctx, { enterprise });
        await changeStatus(ctx, admin, firm.id, 'verify').expect(200);
        names.set(key, enterprise.legalName as string);
      }
      // A pending firm that matches many searches must never show up.
      await registerFirm(ctx, {
        enterprise: { legalName: 'Công ty Điện tử Hải Phòng Chưa Duyệt', sectors: ['ict'], tags: ['IoT'] },
      });
    });

    const search = async (query: Record<string, string | number>, token?: string) => {
      const req = ctx.http.get('/api/v1/enterprises').query(query);
      const res = await (token ? req.set(bearer(token)) : req).expect(200);
      return (res.body.items as { legalName: string }[]).map((i) => i.legalName);
    };

    it.each([
      ['hai phong', 'dientu'],
      ['HẢI PHÒNG', 'dientu'],
      ['dien tu', 'dientu'],
      ['điện tử', 'dientu'],
      ['do son', 'doson'], // "D" typed for "Đ"
      ['đoanh nghiep', 'doanh'], // "Đ" typed for "D"
      ['dien tu hai phong', 'dientu'], // words in order, others between
      ['hai phong dien tu', 'dientu'], // words in any order
      ['tu cang dien', 'dientu'],
      ['dien t', 'dientu'], // the start of a word
      ['quan ly cang', 'doanh'], // a product name
      ['container', 'doanh'], // a product description
      ['nong nghiep', 'doanh'], // a tag
      ['100%', 'percent'],
    ])('q=%p finds the firm, accents and case ignored', async (q, key) => {
      expect(await search({ q })).toEqual([names.get(key)]);
    });

    it('an empty q is no filter; a blank owner name is refused', async () => {
      expect((await search({ q: '', limit: 100 })).length).toBe((await search({ limit: 100 })).length);
      const res = await ctx.http
        .post('/api/v1/auth/register-enterprise')
        .send({ ...registrationBody(), fullName: '   ' })
        .expect(400);
      expect(res.body.details[0].field).toBe('fullName');
    });

    it('ranks the closest match first', async () => {
      expect((await search({ q: 'cang hai phong' }))[0]).toBe(names.get('dientu'));
      expect(await search({ q: 'cang' })).toEqual(expect.arrayContaining([names.get('dientu'), names.get('doanh')]));
    });

    it('treats % and _ as text, not wildcards', async () => {
      expect(await search({ q: '%' })).toEqual([names.get('percent')]);
      expect(await search({ q: 'c_ng' })).toEqual([]);
    });

    it('lists verified firms only, filtered by sector and area', async () => {
      const all = await search({ limit: 100 });
      expect(all).toContain(names.get('dientu'));
      expect(all.some((n) => n.includes('Chưa Duyệt'))).toBe(false);
      expect(await search({ sector: 'smart_tourism' })).toEqual([names.get('doson')]);
      expect(await search({ sector: 'logistics_seaport', q: 'iot' })).toEqual([names.get('dientu')]);
      expect(await search({ areaCode: '11557' })).toEqual([names.get('doson')]);
      await ctx.http.get('/api/v1/enterprises?sector=crypto').expect(400);
    });

    it('pages with a stable cursor in name order', async () => {
      const everything = await search({ limit: 100 });
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: { body: { items: { legalName: string }[]; nextCursor: string | null } } = await ctx.http
          .get('/api/v1/enterprises')
          .query({ limit: 2, ...(cursor ? { cursor } : {}) })
          .expect(200);
        expect(res.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...res.body.items.map((i) => i.legalName));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(everything);
      expect(new Set(seen).size).toBe(seen.length);
      await ctx.http.get('/api/v1/enterprises?limit=101').expect(400);
      expect((await ctx.http.get('/api/v1/enterprises?cursor=garbage').expect(400)).body.code).toBe('INVALID_CURSOR');
      const forged = Buffer.from(JSON.stringify({ name: 'x', id: "1' OR 1=1" })).toString('base64url');
      expect((await ctx.http.get(`/api/v1/enterprises?cursor=${forged}`).expect(400)).body.code).toBe('INVALID_CURSOR');
    });

    it('only admins may list other statuses', async () => {
      const res = await ctx.http.get('/api/v1/enterprises?status=pending').expect(403);
      expect(res.body.code).toBe('ROLE_FORBIDDEN');
      await ctx.http.get('/api/v1/enterprises?status=pending').set(bearer(officer)).expect(403);
      const pending = await search({ status: 'pending', q: 'chua duyet' }, admin);
      expect(pending).toEqual(['Công ty Điện tử Hải Phòng Chưa Duyệt']);
    });

    it('a q search over thousands of firms is answered from the full-text index', async () => {
      // Load firms straight into the tables, as the benchmark does, so the planner sees a real table.
      await ctx.dataSource.query(
        `WITH o AS (
           INSERT INTO organizations (kind, name)
           SELECT 'enterprise', 'Công ty TNHH Giải pháp Số ' || g FROM generate_series(1, 5000) AS g RETURNING id, name)
         INSERT INTO enterprises (id, tax_code, legal_name, address, area_code, sectors, tags, status, status_effective_date)
         SELECT id, 'LOAD-' || name, name, 'Hải Phòng', '11560', ARRAY['ict'], ARRAY['phần mềm'], 'verified', current_date FROM o`,
      );
      try {
        await ctx.dataSource.query('VACUUM ANALYZE enterprises'); // VACUUM also refreshes the GIN index's own statistics
        // The rows loaded straight into the tables are searchable like any other.
        expect(await search({ q: 'giai phap so 4321' })).toEqual(['Công ty TNHH Giải pháp Số 4321']);
        expect(await search({ q: '4321 so giai phap' })).toEqual(['Công ty TNHH Giải pháp Số 4321']);
        // Capture the SQL the endpoint really runs, then ask the planner how it would run it.
        const spy = jest.spyOn(ctx.dataSource, 'query');
        await ctx.http.get('/api/v1/enterprises').query({ q: 'dien tu cang' }).expect(200);
        const call = spy.mock.calls.find(([sql]) => typeof sql === 'string' && sql.includes('search_vector'));
        spy.mockRestore();
        expect(call).toBeDefined();
        const [sql, params] = call as [string, unknown[]];
        // A table this small is cheapest to read whole; with sequential scans off the planner shows whether
        // the index can serve the query at all, i.e. whether the SQL still matches the indexed expression.
        // (At 100k firms the planner picks the index unforced for rare words: 2-8 ms measured.)
        const plan = await ctx.dataSource.transaction(async (m) => {
          await m.query('SET LOCAL enable_seqscan = off');
          const rows = await m.query<{ 'QUERY PLAN': string }[]>(`EXPLAIN ${sql}`, params);
          return rows.map((r) => r['QUERY PLAN']).join('\n');
        });
        expect(plan).toContain('Bitmap Index Scan on enterprises_search_vector_idx');
      } finally {
        await ctx.dataSource.query(`DELETE FROM enterprises WHERE tax_code LIKE 'LOAD-%'`);
        await ctx.dataSource.query(
          `DELETE FROM organizations o WHERE kind = 'enterprise' AND NOT EXISTS (SELECT 1 FROM enterprises e WHERE e.id = o.id) AND NOT EXISTS (SELECT 1 FROM users u WHERE u.organization_id = o.id)`,
        );
      }
    });
  });
});
