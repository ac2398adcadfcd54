import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { ProblemDeadlinesService } from '@app/problems';
import { EvaluationRemindersService } from '@app/evaluation';
import releaseSchema from '../libs/ocds/schema/release-schema.json';
import packageSchema from '../libs/ocds/schema/release-package-schema.json';
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

const CRITERIA = TEST_RUBRIC.criteria.map((c) => c.key);

/** Every criterion the same score, so an evaluator's weighted total is 10 × score. */
const uniform = (score: number, comment = `Nhận xét ${score}`) => ({
  scores: CRITERIA.map((criterion) => ({ criterion, score, comment })),
});

function proposalBody(marker: string, price: number) {
  return {
    approach: `Cách tiếp cận ${marker}`,
    solution: `Giải pháp ${marker}`,
    plan: 'Khảo sát; triển khai; nghiệm thu',
    team: 'Nhóm 5 kỹ sư',
    price,
    durationMonths: 5,
  };
}

interface Evaluator {
  id: string;
  token: string;
}

describe('evaluation and award', () => {
  let ctx: TestContext;
  let dept: TestDepartment;
  let otherDept: TestDepartment;
  let firms: TestFirm[];
  /** The five evaluators made in beforeAll. */
  let ev: [Evaluator, Evaluator, Evaluator, Evaluator, Evaluator];
  let outsider: Evaluator;
  let adminToken: string;

  let firstSeq: string;

  beforeAll(async () => {
    ctx = await startApp();
    // The audit log outlives spec files (append-only): this file's checks look at its own rows only.
    [{ seq: firstSeq }] = await ctx.dataSource.query(`SELECT coalesce(max(seq), 0)::bigint AS seq FROM audit_log`);
    dept = await createDepartmentWithOfficer(ctx, 'Sở Khoa học và Công nghệ');
    otherDept = await createDepartmentWithOfficer(ctx, 'Sở Tài chính');
    firms = [];
    for (const name of ['Công ty An Phát', 'Công ty Bạch Đằng', 'Công ty Cát Bi', 'Công ty Đồ Sơn']) {
      firms.push(await createVerifiedEnterprise(ctx, { legalName: name }));
    }
    const evaluators: Evaluator[] = [];
    for (let i = 1; i <= 5; i++) {
      const email = `evaluator${i}@eval.test.vn`;
      const id = await createUser(ctx, { email, role: 'evaluator', fullName: `Chuyên gia ${i}` });
      evaluators.push({ id, token: await login(ctx, email) });
    }
    ev = evaluators as typeof ev;
    const outsiderId = await createUser(ctx, { email: 'outsider@eval.test.vn', role: 'evaluator' });
    outsider = { id: outsiderId, token: await login(ctx, 'outsider@eval.test.vn') };
    await createUser(ctx, { email: 'admin@eval.test.vn', role: 'admin' });
    adminToken = await login(ctx, 'admin@eval.test.vn');
  });
  afterAll(() => ctx.close());

  const api = () => ctx.http;
  const panelOf = (members: Evaluator[]) => ({ members: members.map((m, i) => ({ userId: m.id, chair: i === 0 })) });
  const submit = async (firm: TestFirm, problemId: string, price: number, marker = firm.id) =>
    (
      await api()
        .post(`/api/v1/problems/${problemId}/proposals`)
        .set(bearer(firm.token))
        .send(proposalBody(marker, price))
        .expect(201)
    ).body.id as string;
  const close = async (problemId: string) => {
    await passDeadlineAndGrace(ctx, problemId);
    expect(await ctx.app.get(ProblemDeadlinesService).sweep()).toContain(problemId);
  };
  const declareAll = async (e: Evaluator, problemId: string, conflicted: string[] = []) => {
    const bidders = await api().get(`/api/v1/problems/${problemId}/bidders`).set(bearer(e.token)).expect(200);
    const declarations = (bidders.body.items as { enterpriseId: string }[]).map((b) => ({
      enterpriseId: b.enterpriseId,
      conflict: conflicted.includes(b.enterpriseId),
      note: conflicted.includes(b.enterpriseId) ? 'Người thân làm việc tại công ty' : 'Không có quan hệ',
    }));
    await api()
      .post(`/api/v1/problems/${problemId}/conflict-declarations`)
      .set(bearer(e.token))
      .send({ declarations })
      .expect(200);
  };
  const score = async (e: Evaluator, proposalId: string, value: number) => {
    await api().put(`/api/v1/proposals/${proposalId}/scores`).set(bearer(e.token)).send(uniform(value)).expect(200);
    await api().post(`/api/v1/proposals/${proposalId}/scores/submit`).set(bearer(e.token)).expect(200);
  };
  const notifications = async (token: string) =>
    (await api().get('/api/v1/me/notifications?limit=100').set(bearer(token)).expect(200)).body.items as {
      kind: string;
      data: Record<string, unknown>;
    }[];
  const auditActions = async (entityId: string) =>
    (
      await ctx.dataSource.query<{ action: string; after: unknown }[]>(
        `SELECT action, after FROM audit_log WHERE entity_id = $1 ORDER BY seq`,
        [entityId],
      )
    ).map((r) => r.action);

  /** A problem inserted published, with a panel of the given evaluators named through the API. */
  async function problemWithPanel(members: Evaluator[]): Promise<string> {
    const problemId = await createPublishedProblem(ctx, dept);
    await api().put(`/api/v1/problems/${problemId}/panel`).set(bearer(dept.token)).send(panelOf(members)).expect(200);
    return problemId;
  }

  it('runs the whole path from publishing to the award with three evaluators, and publishes valid OCDS packages', async () => {
    const created = await api()
      .post('/api/v1/problems')
      .set(bearer(dept.token))
      .send({
        title: 'Số hoá thủ tục cấp phép xây dựng',
        summary: 'Rút ngắn thời gian cấp phép',
        description: 'Hồ sơ giấy, xử lý thủ công',
        expectedResults: 'Giảm 50% thời gian xử lý',
        sector: 'public_administration',
        tags: ['cấp phép'],
        budgetCeiling: 2_000_000_000,
        durationMonths: 6,
        deadline: new Date(Date.now() + 20 * 86_400_000).toISOString(),
        rubric: TEST_RUBRIC,
      })
      .expect(201);
    const problemId = created.body.id as string;
    await api().post(`/api/v1/problems/${problemId}/publish`).set(bearer(dept.token)).expect(200);

    // The panel: only the department's officers; at least three active evaluators and one chair.
    const [e1, e2, e3] = ev;
    await api()
      .put(`/api/v1/problems/${problemId}/panel`)
      .set(bearer(otherDept.token))
      .send(panelOf([e1, e2, e3]))
      .expect(403);
    for (const bad of [
      panelOf([e1, e2]),
      { members: [e1, e2, e3].map((m) => ({ userId: m.id, chair: true })) },
      { members: [e1, e2, e3].map((m) => ({ userId: m.id })) },
      { members: [...[e1, e2].map((m, i) => ({ userId: m.id, chair: i === 0 })), { userId: dept.officerId }] },
    ]) {
      const res = await api().put(`/api/v1/problems/${problemId}/panel`).set(bearer(dept.token)).send(bad).expect(400);
      expect(res.body.code).toBe('PANEL_INVALID');
    }
    const panel = await api()
      .put(`/api/v1/problems/${problemId}/panel`)
      .set(bearer(dept.token))
      .send(panelOf([e1, e2, e3]))
      .expect(200);
    expect(panel.body.members.map((m: { userId: string; chair: boolean }) => [m.userId, m.chair])).toEqual([
      [e1.id, true],
      [e2.id, false],
      [e3.id, false],
    ]);
    expect(
      (await notifications(e2.token)).filter((n) => n.kind === 'panel.assigned' && n.data.problemId === problemId),
    ).toHaveLength(1);
    const mine = await api().get('/api/v1/me/panels').set(bearer(e2.token)).expect(200);
    expect(mine.body.items.map((p: { problemId: string }) => p.problemId)).toContain(problemId);
    const theirs = await api().get('/api/v1/me/panels').set(bearer(outsider.token)).expect(200);
    expect(theirs.body.items).toEqual([]);
    await api().get(`/api/v1/problems/${problemId}/panel`).set(bearer(e3.token)).expect(200);

    // A public amendment, then three bids through the API.
    await api()
      .post(`/api/v1/problems/${problemId}/amendments`)
      .set(bearer(dept.token))
      .send({ reason: 'Bổ sung dữ liệu', changes: { dataAvailable: 'Dữ liệu hồ sơ 2020–2025' } })
      .expect(201);
    const [fa, fb, fc] = firms;
    const pa = await submit(fa!, problemId, 1_500_000_000, 'SEALED-MARKER-A');
    const pb = await submit(fb!, problemId, 1_200_000_000);
    const pc = await submit(fc!, problemId, 900_000_000);

    // Before the deadline the panel sees nothing.
    expect((await api().get(`/api/v1/problems/${problemId}/bidders`).set(bearer(e1.token)).expect(403)).body.code).toBe(
      'PROPOSAL_SEALED',
    );
    await api()
      .post(`/api/v1/problems/${problemId}/conflict-declarations`)
      .set(bearer(e1.token))
      .send({ declarations: [{ enterpriseId: fa!.id, conflict: false }] })
      .expect(403);

    await close(problemId);
    // Changing the panel after the deadline needs a reason.
    expect(
      (
        await api()
          .put(`/api/v1/problems/${problemId}/panel`)
          .set(bearer(dept.token))
          .send(panelOf([e1, e2, ev[3]]))
          .expect(400)
      ).body.code,
    ).toBe('PANEL_CHANGE_REASON_REQUIRED');

    // No proposal opens for an evaluator before they declare for its firm.
    expect((await api().get(`/api/v1/proposals/${pa}`).set(bearer(e1.token)).expect(403)).body.code).toBe(
      'CONFLICT_DECLARATION_REQUIRED',
    );
    expect((await api().put(`/api/v1/proposals/${pa}/scores`).set(bearer(e1.token)).send(uniform(8)).expect(403)).body.code).toBe(
      'CONFLICT_DECLARATION_REQUIRED',
    );
    const bidders = await api().get(`/api/v1/problems/${problemId}/bidders`).set(bearer(e1.token)).expect(200);
    expect(bidders.body.items).toHaveLength(3);
    expect(Object.keys(bidders.body.items[0]).sort()).toEqual(['declaration', 'enterpriseId', 'name']);
    expect(bidders.body.items.map((b: { name: string }) => b.name).sort()).toEqual([
      'Công ty An Phát',
      'Công ty Bạch Đằng',
      'Công ty Cát Bi',
    ]);

    await declareAll(e1, problemId);
    const [{ status }] = await ctx.dataSource.query(`SELECT status FROM problems WHERE id = $1`, [problemId]);
    expect(status).toBe('evaluating');
    await declareAll(e2, problemId);
    await declareAll(e3, problemId);
    const read = await api().get(`/api/v1/proposals/${pa}`).set(bearer(e1.token)).expect(200);
    expect(read.body.content.price).toBe(1_500_000_000);

    // Drafts; submission needs every criterion.
    await api()
      .put(`/api/v1/proposals/${pa}/scores`)
      .set(bearer(e1.token))
      .send({ scores: [{ criterion: 'approach', score: 8.5, comment: 'Tốt' }] })
      .expect(200);
    const incomplete = await api().post(`/api/v1/proposals/${pa}/scores/submit`).set(bearer(e1.token)).expect(400);
    expect(incomplete.body).toMatchObject({ code: 'SCORES_INCOMPLETE', details: { missing: ['team', 'price'] } });
    await api()
      .put(`/api/v1/proposals/${pa}/scores`)
      .set(bearer(e1.token))
      .send({ scores: [{ criterion: 'approach', score: 8.555 }] })
      .expect(400);
    await api()
      .put(`/api/v1/proposals/${pa}/scores`)
      .set(bearer(e1.token))
      .send({ scores: [{ criterion: 'nope', score: 5 }] })
      .expect(400);

    // e2 scores A and submits; e1 (not submitted) cannot see e2's scores.
    await score(e2, pa, 8);
    const hidden = await api().get(`/api/v1/proposals/${pa}/scores?evaluatorId=${e2.id}`).set(bearer(e1.token)).expect(403);
    expect(hidden.body.code).toBe('SCORES_HIDDEN');
    const own = await api().get(`/api/v1/proposals/${pa}/scores`).set(bearer(e1.token)).expect(200);
    expect(own.body.mine.scores).toEqual([{ criterion: 'approach', name: 'Approach', score: 8.5, comment: 'Tốt' }]);
    expect(own.body.evaluations).toEqual([]);

    // Officers follow progress, but see no scores and no ranking before the panel has finished.
    const progress = await api().get(`/api/v1/problems/${problemId}/evaluation-progress`).set(bearer(dept.token)).expect(200);
    expect(progress.body.complete).toBe(false);
    const progressA = progress.body.proposals.find((p: { proposalId: string }) => p.proposalId === pa);
    expect(progressA).toMatchObject({ eligible: 3, submitted: 1, needsEvaluator: false, complete: false });
    expect(JSON.stringify(progress.body)).not.toContain('"score"');
    expect((await api().get(`/api/v1/proposals/${pa}/scores`).set(bearer(dept.token)).expect(403)).body.code).toBe(
      'SCORES_HIDDEN',
    );
    expect((await api().get(`/api/v1/problems/${problemId}/ranking`).set(bearer(dept.token)).expect(409)).body.code).toBe(
      'SCORING_INCOMPLETE',
    );
    await api().get(`/api/v1/problems/${problemId}/evaluation-progress`).set(bearer(otherDept.token)).expect(403);

    // A: 80 average; B: 70; C: 50 (under the pass mark of 60).
    await score(e1, pa, 8);
    await score(e3, pa, 8);
    const afterOwn = await api().get(`/api/v1/proposals/${pa}/scores`).set(bearer(e1.token)).expect(200);
    expect(afterOwn.body.evaluations.map((e: { evaluatorId: string }) => e.evaluatorId).sort()).toEqual([e2.id, e3.id].sort());
    expect((await api().put(`/api/v1/proposals/${pa}/scores`).set(bearer(e1.token)).send(uniform(9)).expect(409)).body.code).toBe(
      'SCORES_ALREADY_SUBMITTED',
    );
    for (const e of [e1, e2, e3]) {
      await score(e, pb, 7);
      await score(e, pc, 5);
    }

    // Reopen: the officer reopens e2's scores for B with a reason; scoring is incomplete again.
    await api().post(`/api/v1/proposals/${pb}/scores/reopen`).set(bearer(dept.token)).send({ evaluatorId: e2.id }).expect(400);
    await api()
      .post(`/api/v1/proposals/${pb}/scores/reopen`)
      .set(bearer(e1.token))
      .send({ evaluatorId: e2.id, reason: 'Nhầm' })
      .expect(403);
    await api()
      .post(`/api/v1/proposals/${pb}/scores/reopen`)
      .set(bearer(dept.token))
      .send({ evaluatorId: e2.id, reason: 'Điểm tiêu chí nhân sự nhập nhầm' })
      .expect(200);
    expect((await api().get(`/api/v1/problems/${problemId}/ranking`).set(bearer(dept.token)).expect(409)).body.code).toBe(
      'SCORING_INCOMPLETE',
    );
    await api().put(`/api/v1/proposals/${pb}/scores`).set(bearer(e2.token)).send(uniform(7.25)).expect(200);
    await api().post(`/api/v1/proposals/${pb}/scores/submit`).set(bearer(e2.token)).expect(200);
    const [reopenRow] = await ctx.dataSource.query(
      `SELECT reopen_reason, reopened_by, submitted_at IS NOT NULL AS submitted FROM proposal_score_submissions WHERE proposal_id = $1 AND evaluator_id = $2`,
      [pb, e2.id],
    );
    expect(reopenRow).toEqual({ reopen_reason: 'Điểm tiêu chí nhân sự nhập nhầm', reopened_by: dept.officerId, submitted: true });

    // The ranking, for officers and panel.
    const ranking = await api().get(`/api/v1/problems/${problemId}/ranking`).set(bearer(dept.token)).expect(200);
    expect(
      ranking.body.items.map((i: { proposalId: string; rank: number | null; finalScore: number; passed: boolean }) => [
        i.proposalId,
        i.rank,
        i.finalScore,
        i.passed,
      ]),
    ).toEqual([
      [pa, 1, 80, true],
      [pb, 2, 70.83, true],
      [pc, null, 50, false],
    ]);
    expect(ranking.body.items[0]).toMatchObject({
      enterprise: { id: fa!.id, name: 'Công ty An Phát' },
      price: 1_500_000_000,
      average: 80,
      spread: 0,
      disagreement: false,
      consensus: null,
    });
    expect(ranking.body.items[1].evaluators.map((e: { total: number }) => e.total).sort()).toEqual([70, 70, 72.5]);
    await api().get(`/api/v1/problems/${problemId}/ranking`).set(bearer(e3.token)).expect(200);
    const officerScores = await api().get(`/api/v1/proposals/${pa}/scores`).set(bearer(dept.token)).expect(200);
    expect(officerScores.body.evaluations).toHaveLength(3);

    // Firms never see each other's proposals or scores.
    await api().get(`/api/v1/proposals/${pb}`).set(bearer(fa!.token)).expect(404);
    await api().get(`/api/v1/proposals/${pb}/scores`).set(bearer(fa!.token)).expect(403);
    await api().get(`/api/v1/problems/${problemId}/ranking`).set(bearer(fa!.token)).expect(403);
    // No result before the outcome.
    expect((await api().get(`/api/v1/problems/${problemId}/result`).expect(404)).body.code).toBe('PROBLEM_NOT_DECIDED');

    // The award: under the pass mark → refused; not the top one without a justification → refused.
    expect(
      (await api().post(`/api/v1/problems/${problemId}/award`).set(bearer(dept.token)).send({ proposalId: pc }).expect(409)).body
        .code,
    ).toBe('AWARD_NOT_ALLOWED');
    expect(
      (await api().post(`/api/v1/problems/${problemId}/award`).set(bearer(dept.token)).send({ proposalId: pb }).expect(400)).body
        .code,
    ).toBe('AWARD_JUSTIFICATION_REQUIRED');
    await api().post(`/api/v1/problems/${problemId}/award`).set(bearer(otherDept.token)).send({ proposalId: pa }).expect(403);
    const justification = 'Giá thấp hơn 300 triệu đồng, điểm kỹ thuật chênh lệch không đáng kể';
    const awarded = await api()
      .post(`/api/v1/problems/${problemId}/award`)
      .set(bearer(dept.token))
      .send({ proposalId: pb, justification })
      .expect(200);
    expect(awarded.body).toMatchObject({ outcome: 'awarded', proposalId: pb });
    await api().post(`/api/v1/problems/${problemId}/award`).set(bearer(dept.token)).send({ proposalId: pa }).expect(409);

    const states = await ctx.dataSource.query(`SELECT id, status FROM proposals WHERE problem_id = $1 ORDER BY status`, [
      problemId,
    ]);
    expect(Object.fromEntries(states.map((s: { id: string; status: string }) => [s.id, s.status]))).toEqual({
      [pa]: 'not_awarded',
      [pb]: 'awarded',
      [pc]: 'not_awarded',
    });
    const [problemRow] = await ctx.dataSource.query(`SELECT status FROM problems WHERE id = $1`, [problemId]);
    expect(problemRow.status).toBe('awarded');
    for (const firm of [fa, fb, fc]) {
      const outcome = (await notifications(firm!.token)).filter(
        (n) => n.kind === 'award.outcome' && n.data.problemId === problemId,
      );
      expect(outcome).toHaveLength(1);
      expect(outcome[0]!.data.won).toBe(firm === fb);
    }

    // Each bidder sees its own scores and rank, evaluators unnamed.
    const ownA = await api().get(`/api/v1/proposals/${pa}`).set(bearer(fa!.token)).expect(200);
    expect(ownA.body.evaluation).toMatchObject({
      outcome: 'awarded',
      status: 'not_awarded',
      rank: 1,
      finalScore: 80,
      passed: true,
      passMark: 60,
      rankedCount: 2,
    });
    expect(ownA.body.evaluation.evaluators.map((e: { label: string }) => e.label)).toEqual([
      'Chuyên gia 1',
      'Chuyên gia 2',
      'Chuyên gia 3',
    ]);
    const ownAEn = await api().get(`/api/v1/proposals/${pa}`).set(bearer(fa!.token)).set('Accept-Language', 'en').expect(200);
    expect(ownAEn.body.evaluation.evaluators.map((e: { label: string }) => e.label)).toEqual([
      'Expert 1',
      'Expert 2',
      'Expert 3',
    ]);
    expect(ownA.body.evaluation.evaluators[0].scores).toEqual(
      CRITERIA.map((c) => expect.objectContaining({ criterion: c, score: 8, comment: 'Nhận xét 8' })),
    );
    expect(JSON.stringify(ownA.body.evaluation)).not.toContain(e1.id);
    expect(JSON.stringify(ownA.body.evaluation)).not.toContain('Bạch Đằng');
    const ownC = await api().get(`/api/v1/proposals/${pc}`).set(bearer(fc!.token)).expect(200);
    expect(ownC.body.evaluation).toMatchObject({ rank: null, passed: false, finalScore: 50 });

    // The public result.
    const result = await api().get(`/api/v1/problems/${problemId}/result`).expect(200);
    const [{ tax_code: taxB }] = await ctx.dataSource.query(`SELECT tax_code FROM enterprises WHERE id = $1`, [fb!.id]);
    expect(result.body).toEqual({
      problemId,
      title: 'Số hoá thủ tục cấp phép xây dựng',
      outcome: 'awarded',
      decidedAt: expect.any(String),
      proposals: 3,
      winner: { enterpriseId: fb!.id, name: 'Công ty Bạch Đằng', taxCode: taxB },
      price: 1_200_000_000,
      durationMonths: 5,
      justification,
      reason: null,
      scoreSummary: { winnerScore: 70.83, passMark: 60, ranked: 2, minScore: 50, maxScore: 80 },
    });

    // The audit trail, with no sealed content in it.
    const actions = await auditActions(problemId);
    for (const a of [
      'problem.published',
      'problem.amended',
      'panel.changed',
      'problem.closed',
      'conflicts.declared',
      'problem.evaluation_started',
      'problem.awarded',
    ]) {
      expect(actions).toContain(a);
    }
    expect(await auditActions(pb)).toEqual(expect.arrayContaining(['scores.submitted', 'scores.reopened', 'scores.saved']));
    // The rows themselves, so a failure shows what leaked.
    const leaked = await ctx.dataSource.query(
      `SELECT seq, action, after FROM audit_log
        WHERE seq > $1 AND (after::text LIKE '%SEALED-MARKER-A%' OR after::text LIKE '%1500000000%')`,
      [firstSeq],
    );
    expect(leaked).toEqual([]);

    // OCDS: the problem's releases and the dated package validate against the official 1.1.5 schema.
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    ajv.addSchema(releaseSchema, releaseSchema.id);
    const validate = ajv.compile(packageSchema);
    const byProblem = await api().get(`/api/v1/ocds/releases?problemId=${problemId}`).expect(200);
    expect(validate(byProblem.body)).toBe(true);
    expect(validate.errors ?? []).toEqual([]);
    const releases = byProblem.body.releases as {
      id: string;
      ocid: string;
      tag: string[];
      tender: { tenderers?: unknown[] };
      parties: { roles: string[]; identifier?: { id: string } }[];
      awards?: { value: unknown; suppliers: { id: string }[] }[];
    }[];
    const ocid = `ocds-hpsm01-${problemId}`;
    expect(releases.map((r) => r.id)).toEqual([`${ocid}-tender`, `${ocid}-amendment-1`, `${ocid}-award`]);
    expect(releases.every((r) => r.ocid === ocid)).toBe(true);
    // Sealed: nobody bid as far as the public knew until the deadline.
    expect(releases[0]!.tender.tenderers).toEqual([]);
    expect(releases[1]!.tender.tenderers).toEqual([]);
    expect(releases[2]!.tender.tenderers).toHaveLength(3);
    expect(releases[2]!.awards).toEqual([
      expect.objectContaining({
        value: { amount: 1_200_000_000, currency: 'VND' },
        suppliers: [{ id: `VN-TAX-${taxB}`, name: 'Công ty Bạch Đằng' }],
      }),
    ]);
    expect(releases[2]!.parties.find((p) => p.identifier?.id === taxB)?.roles).toEqual(['tenderer', 'supplier']);
    expect(releases[2]!.parties.find((p) => p.roles.includes('buyer'))).toBeDefined();

    const from = new Date(Date.now() - 86_400_000).toISOString();
    const to = new Date(Date.now() + 86_400_000).toISOString();
    const pkg = await api()
      .get(`/api/v1/ocds/release-packages?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`)
      .expect(200);
    expect(validate(pkg.body)).toBe(true);
    expect(validate.errors ?? []).toEqual([]);
    expect(pkg.body.releases.map((r: { id: string }) => r.id)).toEqual(expect.arrayContaining(releases.map((r) => r.id)));
    await api()
      .get(`/api/v1/ocds/release-packages?from=${encodeURIComponent(to)}&to=${encodeURIComponent(from)}`)
      .expect(400);
    await api().get(`/api/v1/ocds/release-packages?from=yesterday&to=today`).expect(400);
    // Stored snapshots are immutable.
    await expect(ctx.dataSource.query(`UPDATE ocds_releases SET tags = '{}' WHERE problem_id = $1`, [problemId])).rejects.toThrow(
      /append-only/,
    );
  });

  it('keeps a conflicted evaluator away from that proposal for good, and tells the department to add an evaluator', async () => {
    const [e1, e2, e3, e4, e5] = ev;
    const problemId = await problemWithPanel([e1, e2, e3]);
    const [fa, fb] = firms;
    const upload = await api()
      .post(`/api/v1/problems/${problemId}/attachments`)
      .set(bearer(fa!.token))
      .attach('file', Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n', 'latin1'), {
        filename: 'ho-so.pdf',
        contentType: 'application/pdf',
      })
      .expect(201);
    const pa = (
      await api()
        .post(`/api/v1/problems/${problemId}/proposals`)
        .set(bearer(fa!.token))
        .send({ ...proposalBody('A', 1_000_000_000), attachmentIds: [upload.body.id] })
        .expect(201)
    ).body.id as string;
    const pb = await submit(fb!, problemId, 1_100_000_000);
    await close(problemId);

    await declareAll(e3, problemId, [fa!.id]);
    // e3 never sees A: not the proposal, its attachment, its scores; nor can they score it.
    expect((await api().get(`/api/v1/proposals/${pa}`).set(bearer(e3.token)).expect(403)).body.code).toBe('CONFLICT_OF_INTEREST');
    await api().get(`/api/v1/proposals/${pa}/attachments/${upload.body.id}`).set(bearer(e3.token)).expect(403);
    expect((await api().get(`/api/v1/proposals/${pa}/scores`).set(bearer(e3.token)).expect(403)).body.code).toBe(
      'CONFLICT_OF_INTEREST',
    );
    expect((await api().put(`/api/v1/proposals/${pa}/scores`).set(bearer(e3.token)).send(uniform(9)).expect(403)).body.code).toBe(
      'CONFLICT_OF_INTEREST',
    );
    const listed = await api().get(`/api/v1/problems/${problemId}/proposals`).set(bearer(e3.token)).expect(200);
    expect(listed.body.items.map((p: { id: string }) => p.id)).toEqual([pb]);
    // No switching back.
    const back = await api()
      .post(`/api/v1/problems/${problemId}/conflict-declarations`)
      .set(bearer(e3.token))
      .send({ declarations: [{ enterpriseId: fa!.id, conflict: false }] })
      .expect(409);
    expect(back.body.code).toBe('CONFLICT_DECLARATION_FINAL');
    // Two of three left for A: the department is told, and progress flags it.
    expect(
      (await notifications(dept.token)).filter((n) => n.kind === 'panel.short' && n.data.problemId === problemId),
    ).toHaveLength(1);
    let progress = await api().get(`/api/v1/problems/${problemId}/evaluation-progress`).set(bearer(dept.token)).expect(200);
    const flagOf = (id: string) => progress.body.proposals.find((p: { proposalId: string }) => p.proposalId === id);
    expect(flagOf(pa)).toMatchObject({ eligible: 2, needsEvaluator: true });
    expect(flagOf(pb)).toMatchObject({ eligible: 3, needsEvaluator: false });

    // e2 said "no conflict" with B and drafted scores, then declares one: the scores go.
    await declareAll(e2, problemId);
    await api().put(`/api/v1/proposals/${pb}/scores`).set(bearer(e2.token)).send(uniform(6)).expect(200);
    await api()
      .post(`/api/v1/problems/${problemId}/conflict-declarations`)
      .set(bearer(e2.token))
      .send({ declarations: [{ enterpriseId: fb!.id, conflict: true, note: 'Vừa biết anh trai làm tại đây' }] })
      .expect(200);
    const [{ n: left }] = await ctx.dataSource.query(
      `SELECT count(*)::int AS n FROM proposal_scores WHERE proposal_id = $1 AND evaluator_id = $2`,
      [pb, e2.id],
    );
    expect(left).toBe(0);

    // The officer adds two evaluators after the deadline, with a reason that is kept.
    await api()
      .put(`/api/v1/problems/${problemId}/panel`)
      .set(bearer(dept.token))
      .send({ ...panelOf([e1, e2, e3, e4, e5]), reason: 'Bổ sung do xung đột lợi ích' })
      .expect(200);
    const rows = await ctx.dataSource.query(
      `SELECT change_reason FROM problem_panel_members WHERE problem_id = $1 AND user_id = $2`,
      [problemId, e5.id],
    );
    expect(rows[0].change_reason).toBe('Bổ sung do xung đột lợi ích');
    await declareAll(e1, problemId);
    await declareAll(e4, problemId);
    await declareAll(e5, problemId);
    for (const e of [e1, e2, e4, e5]) await score(e, pa, 7);
    for (const e of [e1, e3, e4]) await score(e, pb, 8);
    progress = await api().get(`/api/v1/problems/${problemId}/evaluation-progress`).set(bearer(dept.token)).expect(200);
    expect(progress.body.complete).toBe(false);
    await score(e5, pb, 6);

    const ranking = await api().get(`/api/v1/problems/${problemId}/ranking`).set(bearer(dept.token)).expect(200);
    const itemA = ranking.body.items.find((i: { proposalId: string }) => i.proposalId === pa);
    expect(itemA.evaluators.map((e: { evaluatorId: string }) => e.evaluatorId).sort()).toEqual(
      [e1.id, e2.id, e4.id, e5.id].sort(),
    );
    const itemB = ranking.body.items.find((i: { proposalId: string }) => i.proposalId === pb);
    expect(itemB.evaluators.map((e: { evaluatorId: string }) => e.evaluatorId).sort()).toEqual(
      [e1.id, e3.id, e4.id, e5.id].sort(),
    );
    // e3's view of the ranking leaves A out.
    const e3Ranking = await api().get(`/api/v1/problems/${problemId}/ranking`).set(bearer(e3.token)).expect(200);
    expect(e3Ranking.body.items.map((i: { proposalId: string }) => i.proposalId)).toEqual([pb]);
  });

  it('breaks ties by lower price, then by the earlier final submission; the chair records a consensus for a flagged proposal', async () => {
    const [e1, e2, e3] = ev;
    const problemId = await problemWithPanel([e1, e2, e3]);
    const [fx, fy, fz, fw] = firms;
    const py = await submit(fy!, problemId, 1_000_000_000, 'Y');
    const pz = await submit(fz!, problemId, 1_000_000_000, 'Z');
    const px = await submit(fx!, problemId, 900_000_000, 'X');
    const pw = await submit(fw!, problemId, 800_000_000, 'W');
    // Y revises after Z submitted: its final submission is now the later one.
    await api().put(`/api/v1/proposals/${py}`).set(bearer(fy!.token)).send(proposalBody('Y2', 1_000_000_000)).expect(200);
    await close(problemId);
    for (const e of [e1, e2, e3]) {
      await declareAll(e, problemId);
      for (const p of [px, py, pz]) await score(e, p, 7.5);
    }
    // W: 100, 50, 80 → spread 50 > 20, flagged.
    await score(e1, pw, 10);
    await score(e2, pw, 5);
    // Consensus only once everyone eligible has submitted for it.
    expect(
      (
        await api()
          .post(`/api/v1/proposals/${pw}/consensus`)
          .set(bearer(e1.token))
          .send({ score: 85, reason: 'Thống nhất' })
          .expect(409)
      ).body.code,
    ).toBe('CONSENSUS_NOT_ALLOWED');
    await score(e3, pw, 8);

    let ranking = await api().get(`/api/v1/problems/${problemId}/ranking`).set(bearer(e2.token)).expect(200);
    expect(ranking.body.items.map((i: { proposalId: string; rank: number }) => [i.proposalId, i.rank])).toEqual([
      [pw, 1],
      [px, 2],
      [pz, 3],
      [py, 4],
    ]);
    const w = ranking.body.items[0];
    expect(w).toMatchObject({ average: 76.67, spread: 50, disagreement: true, consensus: null, finalScore: 76.67 });
    expect(ranking.body.items[1]).toMatchObject({ finalScore: 75, disagreement: false });

    // Only the chair, only where flagged.
    await api()
      .post(`/api/v1/proposals/${pw}/consensus`)
      .set(bearer(e2.token))
      .send({ score: 70, reason: 'Thống nhất' })
      .expect(409);
    await api()
      .post(`/api/v1/proposals/${px}/consensus`)
      .set(bearer(e1.token))
      .send({ score: 70, reason: 'Thống nhất' })
      .expect(409);
    await api()
      .post(`/api/v1/proposals/${pw}/consensus`)
      .set(bearer(dept.token))
      .send({ score: 70, reason: 'Thống nhất' })
      .expect(403);
    await api()
      .post(`/api/v1/proposals/${pw}/consensus`)
      .set(bearer(e1.token))
      .send({ score: 70, reason: 'Hội đồng thống nhất sau thảo luận' })
      .expect(200);
    ranking = await api().get(`/api/v1/problems/${problemId}/ranking`).set(bearer(dept.token)).expect(200);
    expect(ranking.body.items.map((i: { proposalId: string; rank: number }) => [i.proposalId, i.rank])).toEqual([
      [px, 1],
      [pz, 2],
      [py, 3],
      [pw, 4],
    ]);
    // Kept beside the individual scores.
    expect(ranking.body.items[3]).toMatchObject({
      average: 76.67,
      consensus: { score: 70, reason: 'Hội đồng thống nhất sau thảo luận' },
      finalScore: 70,
      evaluators: expect.arrayContaining([expect.objectContaining({ total: 100 }), expect.objectContaining({ total: 50 })]),
    });
    expect(await auditActions(pw)).toContain('consensus.recorded');

    // Awarding the top one needs no justification.
    await api().post(`/api/v1/problems/${problemId}/award`).set(bearer(dept.token)).send({ proposalId: px }).expect(200);
    const result = await api().get(`/api/v1/problems/${problemId}/result`).expect(200);
    expect(result.body).toMatchObject({
      winner: { enterpriseId: fx!.id },
      price: 900_000_000,
      scoreSummary: { winnerScore: 75, ranked: 4, minScore: 70, maxScore: 75 },
    });
  });

  it('refuses an evaluator who is not on the panel on every evaluation endpoint', async () => {
    const [e1, e2, e3] = ev;
    const problemId = await problemWithPanel([e1, e2, e3]);
    const pa = await submit(firms[0]!, problemId, 1_000_000_000);
    await close(problemId);
    await declareAll(e1, problemId);
    const t = bearer(outsider.token);
    const attempts: [string, () => Promise<{ status: number; body: { code: string } }>][] = [
      ['GET panel', () => api().get(`/api/v1/problems/${problemId}/panel`).set(t)],
      [
        'PUT panel',
        () =>
          api()
            .put(`/api/v1/problems/${problemId}/panel`)
            .set(t)
            .send(panelOf([e1, e2, e3])),
      ],
      ['GET bidders', () => api().get(`/api/v1/problems/${problemId}/bidders`).set(t)],
      [
        'POST declarations',
        () =>
          api()
            .post(`/api/v1/problems/${problemId}/conflict-declarations`)
            .set(t)
            .send({ declarations: [{ enterpriseId: firms[0]!.id, conflict: false }] }),
      ],
      ['GET proposal', () => api().get(`/api/v1/proposals/${pa}`).set(t)],
      ['GET proposals', () => api().get(`/api/v1/problems/${problemId}/proposals`).set(t)],
      ['PUT scores', () => api().put(`/api/v1/proposals/${pa}/scores`).set(t).send(uniform(5))],
      ['POST submit', () => api().post(`/api/v1/proposals/${pa}/scores/submit`).set(t)],
      ['GET scores', () => api().get(`/api/v1/proposals/${pa}/scores`).set(t)],
      [
        'POST reopen',
        () => api().post(`/api/v1/proposals/${pa}/scores/reopen`).set(t).send({ evaluatorId: e1.id, reason: 'Thử' }),
      ],
      ['POST consensus', () => api().post(`/api/v1/proposals/${pa}/consensus`).set(t).send({ score: 50, reason: 'Thử' })],
      ['GET ranking', () => api().get(`/api/v1/problems/${problemId}/ranking`).set(t)],
      ['GET progress', () => api().get(`/api/v1/problems/${problemId}/evaluation-progress`).set(t)],
      ['POST award', () => api().post(`/api/v1/problems/${problemId}/award`).set(t).send({ proposalId: pa })],
      ['POST unsuccessful', () => api().post(`/api/v1/problems/${problemId}/unsuccessful`).set(t).send({ reason: 'Thử' })],
    ];
    for (const [name, attempt] of attempts) {
      const res = await attempt();
      expect({ name, status: res.status, code: res.body.code }).toEqual({
        name,
        status: 403,
        code: expect.stringMatching(/^(NOT_ON_PANEL|ROLE_FORBIDDEN)$/),
      });
    }
    // Evaluator-facing endpoints say why.
    expect((await api().get(`/api/v1/proposals/${pa}`).set(t)).body.code).toBe('NOT_ON_PANEL');
    expect((await api().get(`/api/v1/problems/${problemId}/bidders`).set(t)).body.code).toBe('NOT_ON_PANEL');
    // Nothing was written by those attempts.
    const [{ n }] = await ctx.dataSource.query(`SELECT count(*)::int AS n FROM proposal_scores WHERE evaluator_id = $1`, [
      outsider.id,
    ]);
    expect(n).toBe(0);
    // Admins may read the ranking state (409 here: scoring is not complete), not write scores.
    await api().get(`/api/v1/problems/${problemId}/ranking`).set(bearer(adminToken)).expect(409);
  });

  it('reminds evaluators once per period, then the officer once scoring is complete; an unsuccessful outcome is public with its reason', async () => {
    const [e1, e2, e3] = ev;
    const problemId = await problemWithPanel([e1, e2, e3]);
    const pa = await submit(firms[0]!, problemId, 1_000_000_000);
    await close(problemId);
    const reminders = ctx.app.get(EvaluationRemindersService);
    const remindersOf = async (token: string) =>
      (await notifications(token)).filter((n) => n.kind === 'evaluation.reminder' && n.data.problemId === problemId);

    // Not yet: closed less than EVALUATION_REMINDER_DAYS ago.
    await reminders.sweep();
    expect(await remindersOf(e1.token)).toHaveLength(0);
    await ctx.dataSource.query(`UPDATE problems SET closed_at = now() - interval '4 days' WHERE id = $1`, [problemId]);
    await declareAll(e1, problemId);
    await score(e1, pa, 6);
    await reminders.sweep();
    expect(await remindersOf(e1.token)).toHaveLength(0); // done
    expect(await remindersOf(e2.token)).toHaveLength(1);
    expect(await remindersOf(e3.token)).toHaveLength(1);
    await reminders.sweep();
    expect(await remindersOf(e2.token)).toHaveLength(1); // not twice within the period

    for (const e of [e2, e3]) {
      await declareAll(e, problemId);
      await score(e, pa, 6);
    }
    await reminders.sweep();
    expect(await remindersOf(dept.token)).toHaveLength(0); // complete, but only just
    await ctx.dataSource.query(
      `UPDATE proposal_score_submissions SET submitted_at = now() - interval '4 days' WHERE proposal_id = $1`,
      [pa],
    );
    await reminders.sweep();
    expect((await remindersOf(dept.token)).map((n) => n.data.reminder)).toEqual(['officer']);
    await reminders.sweep();
    expect(await remindersOf(dept.token)).toHaveLength(1);

    expect((await api().get(`/api/v1/problems/${problemId}/result`).expect(404)).body.code).toBe('PROBLEM_NOT_DECIDED');
    await api().post(`/api/v1/problems/${problemId}/unsuccessful`).set(bearer(dept.token)).send({}).expect(400);
    await api()
      .post(`/api/v1/problems/${problemId}/unsuccessful`)
      .set(bearer(dept.token))
      .send({ reason: 'Giá đề xuất vượt khả năng ngân sách' })
      .expect(200);
    const result = await api().get(`/api/v1/problems/${problemId}/result`).expect(200);
    expect(result.body).toMatchObject({
      outcome: 'unsuccessful',
      reason: 'Giá đề xuất vượt khả năng ngân sách',
      winner: null,
      price: null,
      proposals: 1,
      scoreSummary: { winnerScore: null, passMark: 60, ranked: 1, minScore: 60, maxScore: 60 },
    });
    const own = await api().get(`/api/v1/proposals/${pa}`).set(bearer(firms[0]!.token)).expect(200);
    expect(own.body.evaluation).toMatchObject({ outcome: 'unsuccessful', status: 'not_awarded', rank: 1, finalScore: 60 });
    expect(
      (await notifications(firms[0]!.token)).filter((n) => n.kind === 'award.outcome' && n.data.problemId === problemId),
    ).toHaveLength(1);
    const pkg = await api().get(`/api/v1/ocds/releases?problemId=${problemId}`).expect(200);
    expect(pkg.body.releases.map((r: { tag: string[]; awards: { status: string }[] }) => [r.tag, r.awards?.[0]?.status])).toEqual(
      [[['awardUpdate', 'tenderUpdate'], 'unsuccessful']],
    );
    // No more reminders once decided.
    await reminders.sweep();
    expect(await remindersOf(dept.token)).toHaveLength(1);
  });
});
