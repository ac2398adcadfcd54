import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * scripts/infra.mjs supervise(): a child that keeps crashing is restarted with a doubling delay,
 * each exit logged; once the launcher is closing, nothing is restarted. Run in a separate Node
 * process because the launcher is an ES module.
 */
describe('launcher supervision', () => {
  it('restarts a crashing child with backoff and stops restarting on teardown', () => {
    const infra = join(__dirname, '..', '..', 'scripts', 'infra.mjs');
    const script = `
      const { startService, supervise, teardown, sleep } = await import(${JSON.stringify(infra)});
      let launches = 0;
      const launch = async () => { launches += 1; return startService('crasher', process.execPath, ['-e', 'process.exit(3)'], { env: process.env }); };
      supervise('crasher', await launch(), launch, { initialDelayMs: 100, maxDelayMs: 400 });
      await sleep(1600);
      await teardown();
      const at = launches;
      await sleep(800);
      console.log('LAUNCHES ' + at + ' ' + launches);
      process.exit(0);
    `;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    const out = run.stdout + run.stderr;
    const [, atTeardown, later] = /LAUNCHES (\d+) (\d+)/.exec(out) ?? [];
    // 100 + 200 + 400 + 400 ms of backoff fit in 1.6 s: the first launch and at least 4 restarts.
    expect(Number(atTeardown)).toBeGreaterThanOrEqual(4);
    expect(Number(atTeardown)).toBeLessThanOrEqual(7);
    expect(Number(later)).toBe(Number(atTeardown));
    expect(out).toMatch(/crasher exited unexpectedly \(status 3\); restarting in 0\.1s/);
    expect(out).toMatch(/restarting in 0\.2s/);
    expect(out).toMatch(/restarting in 0\.4s/);
  });
});
