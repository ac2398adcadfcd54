import { spawn } from 'node:child_process';
import { startApp, TestContext } from './harness';

/** Runs `scripts/demo.ts` as `npm run demo` does, against the test database. */
function runDemo(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [require.resolve('ts-node/dist/bin'), '-r', 'tsconfig-paths/register', 'scripts/demo.ts'],
      {
        env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('npm run demo', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startApp();
  });
  afterAll(() => ctx.close());

  it('loads a living portal through the real API — every problem state, an award with scores, its order delivered into the catalogue — and does nothing the second time', async () => {
    const first = await runDemo();
    expect(first.output).toContain('[demo] loaded');
    expect(first.code).toBe(0);
    const states = await ctx.dataSource.query<{ status: string }[]>(`SELECT DISTINCT status FROM problems ORDER BY status`);
    expect(states.map((s) => s.status)).toEqual(['awarded', 'cancelled', 'draft', 'evaluating', 'published']);
    const [counts] = await ctx.dataSource.query<{ departments: number; firms: number; verified: number; scores: number }[]>(
      `SELECT (SELECT count(*)::int FROM organizations WHERE kind = 'department') AS departments,
              (SELECT count(*)::int FROM enterprises) AS firms,
              (SELECT count(*)::int FROM enterprises WHERE status = 'verified') AS verified,
              (SELECT count(*)::int FROM proposal_scores) AS scores`,
    );
    expect(counts).toMatchObject({ departments: 4, firms: 8, verified: 7 });
    expect(counts!.scores).toBeGreaterThan(0);
    // After the award: the order delivered (the pilot returned once), its outcome, a catalogue entry.
    const catalogue = await ctx.http.get('/api/v1/catalogue').expect(200);
    expect(catalogue.body.items).toHaveLength(1);
    const order = (await ctx.http.get(`/api/v1/orders/${catalogue.body.items[0].orderId}`).expect(200)).body;
    expect(order).toMatchObject({ status: 'completed', staged: true, outcome: { solved: 'yes' } });
    expect(order.milestones.map((m: { phase: string; status: string; rounds: number }) => [m.phase, m.status, m.rounds])).toEqual(
      [
        ['pilot', 'accepted', 2],
        ['scale_up', 'accepted', 1],
      ],
    );
    const again = await runDemo();
    expect(again.code).toBe(0);
    expect(again.output).toContain('already loaded');
  }, 180_000);
});
