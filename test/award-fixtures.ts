import { ProblemDeadlinesService } from '@app/problems';
import { bearer, createUser, login, TestContext } from './harness';
import { createPublishedProblem, passDeadlineAndGrace, TestDepartment, TestFirm, TEST_RUBRIC } from './factories';

/**
 * The way to an award through the real API: a published problem, a panel of three evaluators,
 * bids from the given firms, the deadline passed, declarations, scores, and the award. Used by
 * the after-award suites, so they start from a decision the evaluation library really took.
 */
export interface Panel {
  evaluators: { id: string; token: string }[];
}

export async function createPanel(ctx: TestContext, prefix: string): Promise<Panel> {
  const evaluators = [];
  for (let i = 1; i <= 3; i++) {
    const email = `${prefix}-ev${i}@eval.test.vn`;
    const id = await createUser(ctx, { email, role: 'evaluator', fullName: `Chuyên gia ${i}` });
    evaluators.push({ id, token: await login(ctx, email) });
  }
  return { evaluators };
}

export interface Competition {
  problemId: string;
  /** Proposal ids in the order of the firms given. */
  proposals: string[];
}

/** Runs a competition to the point of the decision; scores[i] (0–10) is what every evaluator gives firm i. */
export async function runCompetition(
  ctx: TestContext,
  dept: TestDepartment,
  panel: Panel,
  bids: { firm: TestFirm; price: number; score: number }[],
  title?: string,
): Promise<Competition> {
  const problemId = await createPublishedProblem(ctx, dept, { title });
  return { problemId, proposals: await bidAndScore(ctx, dept, panel, problemId, bids) };
}

/** On a published problem: the panel, the bids, the deadline passed, declarations and scores; the proposal ids. */
export async function bidAndScore(
  ctx: TestContext,
  dept: TestDepartment,
  panel: Panel,
  problemId: string,
  bids: { firm: TestFirm; price: number; score: number }[],
): Promise<string[]> {
  const api = ctx.http;
  await api
    .put(`/api/v1/problems/${problemId}/panel`)
    .set(bearer(dept.token))
    .send({ members: panel.evaluators.map((e, i) => ({ userId: e.id, chair: i === 0 })) })
    .expect(200);
  const proposals: string[] = [];
  for (const bid of bids) {
    const res = await api
      .post(`/api/v1/problems/${problemId}/proposals`)
      .set(bearer(bid.firm.token))
      .send({
        approach: 'Khảo sát hiện trạng, thiết kế, triển khai thí điểm rồi nhân rộng',
        solution: 'Nền tảng số hoá quy trình',
        plan: 'Tháng 1: thí điểm; tháng 2–4: nhân rộng',
        team: 'Nhóm 5 kỹ sư',
        price: bid.price,
        durationMonths: 4,
      })
      .expect(201);
    proposals.push(res.body.id as string);
  }
  await passDeadlineAndGrace(ctx, problemId);
  await ctx.app.get(ProblemDeadlinesService).sweep();
  for (const e of panel.evaluators) {
    await api
      .post(`/api/v1/problems/${problemId}/conflict-declarations`)
      .set(bearer(e.token))
      .send({ declarations: bids.map((b) => ({ enterpriseId: b.firm.id, conflict: false, note: 'Không có quan hệ' })) })
      .expect(200);
    for (const [i, proposalId] of proposals.entries()) {
      const scores = TEST_RUBRIC.criteria.map((c) => ({ criterion: c.key, score: bids[i]!.score, comment: 'Đạt yêu cầu' }));
      await api.put(`/api/v1/proposals/${proposalId}/scores`).set(bearer(e.token)).send({ scores }).expect(200);
      await api.post(`/api/v1/proposals/${proposalId}/scores/submit`).set(bearer(e.token)).expect(200);
    }
  }
  return proposals;
}

export async function award(
  ctx: TestContext,
  dept: TestDepartment,
  problemId: string,
  proposalId: string,
  justification?: string,
): Promise<void> {
  await ctx.http
    .post(`/api/v1/problems/${problemId}/award`)
    .set(bearer(dept.token))
    .send(justification ? { proposalId, justification } : { proposalId })
    .expect(200);
}

/** Ends the standstill of the problem's current decision now (by the database clock). */
export async function endStandstill(ctx: TestContext, problemId: string): Promise<void> {
  await ctx.http.get(`/api/v1/problems/${problemId}/standstill`).expect(200);
  await ctx.dataSource.query(`UPDATE standstill_periods SET ends_at = now() - interval '1 second' WHERE problem_id = $1`, [
    problemId,
  ]);
}
