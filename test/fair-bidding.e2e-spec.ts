import { ProblemDeadlinesService } from '@app/problems';
import { bearer, createUser, login, startApp, TestContext } from './harness';
import {
  createDepartmentWithOfficer,
  createPublishedProblem,
  createVerifiedEnterprise,
  passDeadlineAndGrace,
  TestDepartment,
  TestFirm,
  TEST_RUBRIC,
} from './factories';

/**
 * Fairness rules tried as the wrong user would: who bid and how many stays out of every read of
 * the audit log until the proposals open; the asker of a question never shows; evaluators' scores
 * stay out of it until the panel has finished; amendments cannot cut the open period; firms confirm
 * their bid after an amendment and the department sees who has not.
 */

const CRITERIA = TEST_RUBRIC.criteria.map((c) => c.key);
const bid = (marker: string, price = 900_000_000) => ({
  approach: `Cách tiếp cận ${marker}`,
  solution: `Giải pháp ${marker}`,
  plan: 'Khảo sát; triển khai; nghiệm thu',
  team: 'Nhóm 5 kỹ sư',
  price,
  durationMonths: 5,
});
const PDF = (text: string) => Buffer.from(`%PDF-1.7\n${text}\n%%EOF\n`, 'latin1');

interface AuditItem {
  seq: number;
  actorId: string | null;
  actorRole: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  after: unknown;
}

describe('fair bidding', () => {
  let ctx: TestContext;
  let dept: TestDepartment;
  let firmA: TestFirm;
  let firmB: TestFirm;
  let firmC: TestFirm;
  let adminToken: string;
  let evaluators: { id: string; token: string }[];

  beforeAll(async () => {
    ctx = await startApp();
    dept = await createDepartmentWithOfficer(ctx, 'Sở Giao thông vận tải');
    firmA = await createVerifiedEnterprise(ctx, { legalName: 'Công ty Cổ phần Bến Bính' });
    firmB = await createVerifiedEnterprise(ctx, { legalName: 'Công ty TNHH Hạ Long Số' });
    firmC = await createVerifiedEnterprise(ctx, { legalName: 'Công ty TNHH Kiến An Data' });
    await createUser(ctx, { email: 'admin@fair.test.vn', role: 'admin' });
    adminToken = await login(ctx, 'admin@fair.test.vn');
    evaluators = [];
    for (let i = 1; i <= 3; i++) {
      const email = `ev${i}@fair.test.vn`;
      evaluators.push({ id: await createUser(ctx, { email, role: 'evaluator' }), token: await login(ctx, email) });
    }
  });
  afterAll(() => ctx.close());

  const api = () => ctx.http;
  const audit = async (query = '') =>
    (await api().get(`/api/v1/audit?limit=100${query}`).set(bearer(adminToken)).expect(200)).body as {
      items: AuditItem[];
      nextCursor: string | null;
    };
  /** Rows newer than `since` only: the log is shared with the suites that ran before this one. */
  const auditSince = async (since: number, query = '') => (await audit(query)).items.filter((i) => i.seq > since);
  const verify = async () =>
    (await api().get('/api/v1/audit/verify').set(bearer(adminToken)).expect(200)).body as { valid: boolean; checked: number };
  const submit = (firm: TestFirm, problemId: string, body: object) =>
    api().post(`/api/v1/problems/${problemId}/proposals`).set(bearer(firm.token)).send(body);
  const amend = (problemId: string, changes: object, reason = 'Bổ sung yêu cầu kỹ thuật') =>
    api().post(`/api/v1/problems/${problemId}/amendments`).set(bearer(dept.token)).send({ reason, changes });
  const openProposals = async (problemId: string) => {
    await passDeadlineAndGrace(ctx, problemId);
    expect(await ctx.app.get(ProblemDeadlinesService).close(problemId)).toBe('closed');
  };
  const newestSeq = async () =>
    (await ctx.dataSource.query<{ n: string }[]>(`SELECT coalesce(max(seq), 0)::text AS n FROM audit_log`))[0]!.n;
  const dbAuditMentions = async (ids: string[], sinceSeq = '0') =>
    (
      await ctx.dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM audit_log a, unnest($1::text[]) AS s(secret)
         WHERE a.seq > $2::bigint AND (a.actor_id::text = s.secret OR a.entity_id = s.secret
            OR a.after::text LIKE '%' || s.secret || '%' OR a.before::text LIKE '%' || s.secret || '%')`,
        [ids, sinceSeq],
      )
    )[0]!.n;

  it('keeps every bid action out of the audit log — rows, filters, counts, seq and verify — until the proposals open', async () => {
    const problemId = await createPublishedProblem(ctx, dept, { deadlineIn: '1 hour' });
    const before = await verify();
    const newestBefore = (await audit()).items[0]?.seq ?? 0;

    // Bid activity: A uploads, submits and revises; B submits and withdraws; C asks a question.
    const upload = await api()
      .post(`/api/v1/problems/${problemId}/attachments`)
      .set(bearer(firmA.token))
      .attach('file', PDF('thuyet minh'), 'Thuyết minh.pdf')
      .expect(201);
    const a = await submit(firmA, problemId, { ...bid('A'), attachmentIds: [upload.body.id] }).expect(201);
    await api().put(`/api/v1/proposals/${a.body.id}`).set(bearer(firmA.token)).send(bid('A2')).expect(200);
    const b = await submit(firmB, problemId, bid('B')).expect(201);
    await api().post(`/api/v1/proposals/${b.body.id}/withdraw`).set(bearer(firmB.token)).expect(200);
    const question = await api()
      .post(`/api/v1/problems/${problemId}/questions`)
      .set(bearer(firmC.token))
      .send({ question: 'Dữ liệu có sẵn ở định dạng nào?' })
      .expect(201);

    const secrets = [
      a.body.id,
      b.body.id,
      upload.body.id,
      firmA.memberId,
      firmB.memberId,
      firmC.memberId,
      firmA.id,
      firmB.id,
      firmC.id,
    ];
    // Through the API, as the admin: no row, whatever the filter; the count of rows and the chain
    // grew by the question only (which names no firm).
    const all = await audit();
    expect(all.items.filter((i) => i.seq > newestBefore).map((i) => i.action)).toEqual(['question.asked']);
    for (const query of [
      '&entityType=proposal',
      '&entityType=proposal_attachment',
      `&entityId=${a.body.id}`,
      `&entityId=${upload.body.id}`,
      `&actorId=${firmA.memberId}`,
      `&actorId=${firmC.memberId}`,
      '&action=proposal.submitted',
      '&action=proposal.withdrawn',
      '&action=proposal.attachment_uploaded',
    ]) {
      expect({ query, items: await auditSince(newestBefore, query) }).toEqual({ query, items: [] });
    }
    const asked = all.items.find((i) => i.action === 'question.asked');
    expect(asked).toMatchObject({ actorId: null, actorRole: 'enterprise', entityId: question.body.id });
    const during = await verify();
    expect(during).toMatchObject({ valid: true, checked: before.checked + 1 });
    // And in the database itself: nothing in the chain names a bid, a bidder or the asker.
    expect(await dbAuditMentions(secrets)).toBe(0);
    // Nor is the department told anything about bids: its notifications (and so its mails) before the
    // opening are the anonymous question only, naming no firm, bid or asker.
    const toDepartment = await ctx.dataSource.query<{ kind: string; row: string }[]>(
      `SELECT n.kind, to_jsonb(n)::text AS row FROM notifications n WHERE n.user_id = $1`,
      [dept.officerId],
    );
    expect(toDepartment.map((n) => n.kind)).toEqual(['question.asked']);
    const names = ['Bến Bính', 'Hạ Long Số', 'Kiến An Data'];
    for (const n of toDepartment) for (const secret of [...secrets, ...names]) expect(n.row).not.toContain(secret);
    // Other roles cannot read the log at all.
    for (const token of [dept.token, firmA.token, evaluators[0]!.token])
      await api().get('/api/v1/audit').set(bearer(token)).expect(403);

    // The proposals open (deadline + grace, then closing): the held entries join the chain, in order.
    await openProposals(problemId);
    const opened = (await audit('&entityType=proposal')).items
      .filter((i) => i.entityId === a.body.id || i.entityId === b.body.id)
      .reverse();
    expect(opened.map((i) => [i.action, i.actorId, i.entityId])).toEqual([
      ['proposal.submitted', firmA.memberId, a.body.id],
      ['proposal.revised', firmA.memberId, a.body.id],
      ['proposal.submitted', firmB.memberId, b.body.id],
      ['proposal.withdrawn', firmB.memberId, b.body.id],
    ]);
    expect((await audit(`&entityId=${upload.body.id}`)).items).toHaveLength(1);
    const after = await verify();
    expect(after).toMatchObject({ valid: true, checked: during.checked + 6 }); // 5 held + problem.closed
    // The asker stays anonymous for good.
    expect(await dbAuditMentions([firmC.memberId, firmC.id])).toBe(0);
  });

  it('a problem cancelled before its proposals open keeps its bids sealed for good; the chain commits to them by a digest', async () => {
    const problemId = await createPublishedProblem(ctx, dept, { deadlineIn: '1 hour' });
    const since = await newestSeq();
    const a = await submit(firmA, problemId, bid('CANCELLED')).expect(201);
    await api()
      .post(`/api/v1/problems/${problemId}/cancel`)
      .set(bearer(dept.token))
      .send({ reason: 'Thay đổi kế hoạch' })
      .expect(200);
    expect(await dbAuditMentions([a.body.id, firmA.memberId, firmA.id], since)).toBe(0);
    const anchor = (await audit('&action=audit.sealed_anchored')).items.find((i) => i.entityId === problemId);
    expect(anchor?.after).toEqual({ scope: 'bids', digest: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(await verify()).toMatchObject({ valid: true });
    await api().get(`/api/v1/proposals/${a.body.id}`).set(bearer(adminToken)).expect(403);
  });

  it("keeps each evaluator's scores out of the audit log until the panel has finished", async () => {
    const problemId = await createPublishedProblem(ctx, dept, { deadlineIn: '1 hour' });
    await api()
      .put(`/api/v1/problems/${problemId}/panel`)
      .set(bearer(dept.token))
      .send({ members: evaluators.map((e, i) => ({ userId: e.id, chair: i === 0 })) })
      .expect(200);
    const a = await submit(firmA, problemId, bid('SCORED')).expect(201);
    await openProposals(problemId);
    const since = Number(await newestSeq());
    const score = async (e: { token: string }, value: number) => {
      await api()
        .put(`/api/v1/proposals/${a.body.id}/scores`)
        .set(bearer(e.token))
        .send({ scores: CRITERIA.map((criterion) => ({ criterion, score: value, comment: 'Ổn' })) })
        .expect(200);
      await api().post(`/api/v1/proposals/${a.body.id}/scores/submit`).set(bearer(e.token)).expect(200);
    };
    for (const e of evaluators) {
      await api()
        .post(`/api/v1/problems/${problemId}/conflict-declarations`)
        .set(bearer(e.token))
        .send({ declarations: [{ enterpriseId: firmA.id, conflict: false }] })
        .expect(200);
    }
    await score(evaluators[0]!, 9);
    await score(evaluators[1]!, 4);
    for (const query of [
      '&action=scores.saved',
      '&action=scores.submitted',
      `&actorId=${evaluators[0]!.id}&entityType=proposal`,
    ]) {
      expect({ query, items: await auditSince(since, query) }).toEqual({ query, items: [] });
    }
    expect((await audit(`&entityId=${a.body.id}`)).items.map((i) => i.action)).not.toContain('scores.submitted');
    await score(evaluators[2]!, 7);
    const submitted = (await audit('&action=scores.submitted')).items.filter((i) => i.entityId === a.body.id);
    expect(submitted.map((i) => i.actorId).reverse()).toEqual(evaluators.map((e) => e.id));
    expect(await verify()).toMatchObject({ valid: true });
  });

  it('an amendment cannot shorten the open period or the question period, nor come after the deadline; it may extend them', async () => {
    const problemId = await createPublishedProblem(ctx, dept, { deadlineIn: '20 days' });
    const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
    const shorter = await amend(problemId, { deadline: inDays(3) }).expect(400);
    expect(shorter.body.code).toBe('DEADLINE_SHORTENED');
    const slightlyShorter = await amend(problemId, { deadline: inDays(19) }).expect(400);
    expect(slightlyShorter.body.code).toBe('DEADLINE_SHORTENED');
    const questions = await amend(problemId, { clarificationDeadline: new Date(Date.now() + 3_600_000).toISOString() }).expect(
      400,
    );
    expect(questions.body).toMatchObject({ code: 'CLARIFICATION_DEADLINE_INVALID', details: { reason: 'shortened' } });
    const [{ n }] = await ctx.dataSource.query(`SELECT count(*)::int AS n FROM problem_amendments WHERE problem_id = $1`, [
      problemId,
    ]);
    expect(n).toBe(0);

    const longer = await amend(problemId, { deadline: inDays(25), clarificationDeadline: inDays(21) }).expect(201);
    expect(longer.body.amendment.number).toBe(1);

    // Between the deadline and the end of the grace the problem is still "published", but closed to amendments.
    await ctx.dataSource.query(
      `UPDATE problems SET clarification_deadline = now() - interval '1 second', deadline = now() WHERE id = $1`,
      [problemId],
    );
    const late = await amend(problemId, { expectedResults: 'Thêm chỉ tiêu' }).expect(409);
    expect(late.body.code).toBe('PROBLEM_STATUS_CONFLICT');
  });

  it('firms confirm their bid after an amendment with a receipt; the department sees, after opening, who never did', async () => {
    const problemId = await createPublishedProblem(ctx, dept, { deadlineIn: '20 days' });
    const a = await submit(firmA, problemId, bid('CONFIRMS')).expect(201);
    const b = await submit(firmB, problemId, bid('SILENT')).expect(201);
    const c = await submit(firmC, problemId, bid('REVISES')).expect(201);
    expect(a.body.receipt.amendmentNumber).toBe(0);
    const nothing = await api()
      .post(`/api/v1/proposals/${a.body.id}/confirm`)
      .set(bearer(firmA.token))
      .send({ amendmentNumber: 1 })
      .expect(409);
    expect(nothing.body.code).toBe('NOTHING_TO_CONFIRM');

    await amend(problemId, { expectedResults: 'Giảm 60% thời gian xử lý' }).expect(201);
    await amend(problemId, { summary: 'Tóm tắt đã sửa' }).expect(201);
    const mine = await api().get(`/api/v1/proposals/${a.body.id}`).set(bearer(firmA.token)).expect(200);
    expect(mine.body).toMatchObject({
      madeAgainstAmendment: 0,
      confirmedAmendment: 0,
      latestAmendment: 2,
      needsConfirmation: true,
    });

    const old = await api()
      .post(`/api/v1/proposals/${a.body.id}/confirm`)
      .set(bearer(firmA.token))
      .send({ amendmentNumber: 1 })
      .expect(409);
    expect(old.body).toMatchObject({ code: 'AMENDMENT_NOT_LATEST', details: { latestAmendment: 2 } });
    // The same code in the reader's language: Vietnamese by default, English on request.
    expect(old.body.message).toBe('Văn bản sửa đổi lần 2 là văn bản mới nhất; vui lòng đọc và xác nhận văn bản đó.');
    const oldEn = await api()
      .post(`/api/v1/proposals/${a.body.id}/confirm`)
      .set(bearer(firmA.token))
      .set('Accept-Language', 'en')
      .send({ amendmentNumber: 1 })
      .expect(409);
    expect(oldEn.body).toMatchObject({
      code: 'AMENDMENT_NOT_LATEST',
      message: 'Amendment 2 is the latest; read it and confirm that one.',
    });
    // Another firm cannot confirm (or learn about) A's bid.
    await api().post(`/api/v1/proposals/${a.body.id}/confirm`).set(bearer(firmB.token)).send({ amendmentNumber: 2 }).expect(404);
    await api().post(`/api/v1/proposals/${a.body.id}/confirm`).set(bearer(dept.token)).send({ amendmentNumber: 2 }).expect(403);

    const confirmed = await api()
      .post(`/api/v1/proposals/${a.body.id}/confirm`)
      .set(bearer(firmA.token))
      .send({ amendmentNumber: 2 })
      .expect(200);
    expect(confirmed.body).toEqual({
      proposalId: a.body.id,
      version: 1,
      amendmentNumber: 2,
      confirmedAt: expect.any(String),
      sha256: a.body.receipt.sha256,
    });
    const again = await api()
      .post(`/api/v1/proposals/${a.body.id}/confirm`)
      .set(bearer(firmA.token))
      .send({ amendmentNumber: 2 })
      .expect(200);
    expect(again.body).toEqual(confirmed.body);
    const revised = await api().put(`/api/v1/proposals/${c.body.id}`).set(bearer(firmC.token)).send(bid('REVISED')).expect(200);
    expect(revised.body.receipt.amendmentNumber).toBe(2);

    // Before opening the department learns nothing; after it, who answered the latest amendment.
    await api().get(`/api/v1/problems/${problemId}/proposals`).set(bearer(dept.token)).expect(403);
    await openProposals(problemId);
    const list = await api().get(`/api/v1/problems/${problemId}/proposals`).set(bearer(dept.token)).expect(200);
    const byId = new Map(
      (
        list.body.items as { id: string; needsConfirmation: boolean; confirmedAmendment: number; madeAgainstAmendment: number }[]
      ).map((p) => [p.id, p]),
    );
    expect(byId.get(a.body.id)).toMatchObject({ needsConfirmation: false, confirmedAmendment: 2, madeAgainstAmendment: 0 });
    expect(byId.get(b.body.id)).toMatchObject({ needsConfirmation: true, confirmedAmendment: 0, madeAgainstAmendment: 0 });
    expect(byId.get(c.body.id)).toMatchObject({ needsConfirmation: false, confirmedAmendment: 2, madeAgainstAmendment: 2 });
    const late = await api()
      .post(`/api/v1/proposals/${b.body.id}/confirm`)
      .set(bearer(firmB.token))
      .send({ amendmentNumber: 2 })
      .expect(409);
    expect(late.body.code).toBe('PROPOSAL_DEADLINE_PASSED');
    // The confirmation is in the audit log now that the bids are open.
    expect((await audit('&action=proposal.confirmed')).items.map((i) => i.entityId)).toContain(a.body.id);
  });
});
