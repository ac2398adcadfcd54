import { bearer, TestContext } from './harness';
import { TestDepartment, TestFirm } from './factories';
import { award, endStandstill, Panel, runCompetition } from './award-fixtures';

/**
 * A catalogue entry made the real way: a competition `winner` wins against `loser`, the order's one
 * milestone is agreed, delivered and accepted, and the department answers "was it solved?".
 * "no" leaves a completed order that is not an entry.
 */
export async function catalogueEntry(
  ctx: TestContext,
  dept: TestDepartment,
  panel: Panel,
  winner: TestFirm,
  loser: TestFirm,
  solved: 'yes' | 'partly' | 'no',
  title?: string,
): Promise<{ problemId: string; orderId: string }> {
  const api = ctx.http;
  const c = await runCompetition(
    ctx,
    dept,
    panel,
    [
      { firm: winner, price: 600_000_000, score: 9 },
      { firm: loser, price: 550_000_000, score: 7 },
    ],
    title,
  );
  await award(ctx, dept, c.problemId, c.proposals[0]!);
  await endStandstill(ctx, c.problemId);
  const orderId = (await api.post(`/api/v1/problems/${c.problemId}/order`).set(bearer(dept.token)).expect(201)).body.id as string;
  const milestones = [
    { phase: 'single', deliverable: 'Hệ thống trực tuyến', dueDate: '2027-06-30', amount: 600_000_000, kpis: [] },
  ];
  await api.put(`/api/v1/orders/${orderId}/plan`).set(bearer(winner.token)).send({ staged: false, milestones }).expect(200);
  await api.post(`/api/v1/orders/${orderId}/agree`).set(bearer(winner.token)).send({ planVersion: 1 }).expect(200);
  const started = (await api.post(`/api/v1/orders/${orderId}/agree`).set(bearer(dept.token)).send({ planVersion: 1 }).expect(200))
    .body;
  const m = started.milestones[0].id as string;
  await api
    .post(`/api/v1/orders/${orderId}/milestones/${m}/submissions`)
    .set(bearer(winner.token))
    .send({ text: 'Bàn giao hệ thống', kpiResults: [] })
    .expect(201);
  await api.post(`/api/v1/orders/${orderId}/milestones/${m}/accept`).set(bearer(dept.token)).expect(200);
  await api
    .post(`/api/v1/orders/${orderId}/outcome`)
    .set(bearer(dept.token))
    .send({ solved, explanation: 'Thời gian xử lý hồ sơ giảm rõ rệt sau khi triển khai hệ thống.', kpis: [] })
    .expect(200);
  return { problemId: c.problemId, orderId };
}
