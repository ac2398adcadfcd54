import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { ProblemDeadlinesService } from '@app/problems';
import { WorkerModule } from '../apps/worker/src/worker.module';
import { bearer, eventually, startApp, TestContext } from './harness';
import { createDepartmentWithOfficer, createPublishedProblem, createVerifiedEnterprise } from './factories';

/**
 * Two workers on one PostgreSQL and Redis each run the outbox relay and the problems queue: a
 * deadline reminder planned once must reach each firm once (the scale test covers the close, mails
 * and pruning across processes; this is the reminders' own check).
 */
describe('deadline reminders with two workers', () => {
  let ctx: TestContext;
  let second: INestApplicationContext;

  beforeAll(async () => {
    ctx = await startApp({ worker: true });
    second = await NestFactory.createApplicationContext(WorkerModule, { logger: ['error', 'warn'] });
    await second.init();
  });
  afterAll(async () => {
    await second?.close();
    await ctx?.close();
  });

  it('each following firm gets one reminder, however many workers relay and run it', async () => {
    const dept = await createDepartmentWithOfficer(ctx);
    const firms = [await createVerifiedEnterprise(ctx), await createVerifiedEnterprise(ctx)];
    // 24 h and 3 s away: the 24-hour reminder falls due 3 s from now (the 48-hour one is already past).
    const problemId = await createPublishedProblem(ctx, dept, { deadlineIn: '24 hours 3 seconds' });
    // Deadlines come from the API at millisecond precision; the reminder names the deadline it is for.
    await ctx.dataSource.query(`UPDATE problems SET deadline = date_trunc('milliseconds', deadline) WHERE id = $1`, [problemId]);
    for (const firm of firms) await ctx.http.post(`/api/v1/problems/${problemId}/follow`).set(bearer(firm.token)).expect(200);
    await ctx.dataSource.transaction((manager) =>
      ctx.app.get(ProblemDeadlinesService).planDeadlineJobs(manager, problemId, new Date()),
    );

    const reminders = () =>
      ctx.dataSource.query<{ user_id: string }[]>(
        `SELECT user_id FROM notifications WHERE kind = 'deadline.reminder' AND data->>'problemId' = $1 ORDER BY user_id`,
        [problemId],
      );
    await eventually(async () => ((await reminders()).length >= firms.length ? true : undefined), 20_000);
    await new Promise((r) => setTimeout(r, 3000)); // time for a duplicate to show up, if any
    const got = await reminders();
    expect(got.map((r) => r.user_id).sort()).toEqual(firms.map((f) => f.memberId).sort());
  }, 60_000);
});
