import './small-ocds-packages';
import { createDepartmentWithOfficer, createPublishedProblem } from './factories';
import { startApp, TestContext } from './harness';

describe('OCDS release packages: range limits', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startApp();
    const dept = await createDepartmentWithOfficer(ctx);
    // Three public events on three days; the feed serves at most two per package here.
    for (const day of ['2026-01-05', '2026-01-06', '2026-01-07']) {
      const problemId = await createPublishedProblem(ctx, dept);
      await ctx.dataSource.query(
        `INSERT INTO ocds_releases (id, ocid, problem_id, tags, date, release)
         VALUES ($1, $2, $3, '{tender}', $4::timestamptz, $5::jsonb)`,
        [
          `ocds-test-${problemId}-tender`,
          `ocds-test-${problemId}`,
          problemId,
          `${day}T03:00:00Z`,
          JSON.stringify({ ocid: `ocds-test-${problemId}`, day }),
        ],
      );
    }
  });
  afterAll(() => ctx.close());

  it('serves a range within the cap', async () => {
    const res = await ctx.http.get('/api/v1/ocds/release-packages?from=2026-01-05&to=2026-01-07').expect(200);
    expect(res.body.releases.map((r: { day: string }) => r.day)).toEqual(['2026-01-05', '2026-01-06']);
  });

  it('refuses a range holding more releases than the cap, saying what the cap is', async () => {
    const res = await ctx.http.get('/api/v1/ocds/release-packages?from=2026-01-01&to=2026-02-01').expect(400);
    expect(res.body).toMatchObject({ code: 'OCDS_RANGE_TOO_LARGE', details: { maxReleases: 2 } });
  });
});
