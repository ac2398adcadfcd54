import { exitStatus, runStep, sleep, startService, supervise, teardown } from '../../scripts/launcher/processes';

/**
 * scripts/launcher/processes.ts: a child that keeps crashing is restarted with a doubling delay,
 * each exit logged; once the launcher is closing, nothing is restarted; a step's exit status is
 * reported the way a shell does.
 */
describe('launcher processes', () => {
  let output: string[];
  beforeEach(() => {
    output = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      output.push(String(chunk));
      return true;
    });
  });
  afterEach(() => jest.restoreAllMocks());

  it('reports exit statuses as a shell does', async () => {
    expect(await runStep('ok', process.execPath, ['-e', 'process.exit(0)'], { env: process.env })).toBe(0);
    expect(await runStep('fails', process.execPath, ['-e', 'process.exit(4)'], { env: process.env })).toBe(4);
    expect(await runStep('missing', '/nonexistent/binary', [], { env: process.env })).toBe(127);
    expect(exitStatus({ code: null, signal: 'SIGKILL' })).toBe(137);
    expect(exitStatus({ code: null, signal: 'SIGINT' })).toBe(130);
  });

  it('restarts a crashing child with backoff and stops restarting on teardown', async () => {
    let launches = 0;
    const launch = () => {
      launches += 1;
      return Promise.resolve(startService('crasher', process.execPath, ['-e', 'process.exit(3)'], { env: process.env }));
    };
    supervise('crasher', await launch(), launch, { initialDelayMs: 100, maxDelayMs: 400 });
    await sleep(1600);
    await teardown();
    const atTeardown = launches;
    await sleep(800);
    // 100 + 200 + 400 + 400 ms of backoff fit in 1.6 s: the first launch and at least 4 restarts.
    expect(atTeardown).toBeGreaterThanOrEqual(4);
    expect(atTeardown).toBeLessThanOrEqual(7);
    expect(launches).toBe(atTeardown);
    const out = output.join('');
    expect(out).toMatch(/crasher exited unexpectedly \(status 3\); restarting in 0\.1s/);
    expect(out).toMatch(/restarting in 0\.2s/);
    expect(out).toMatch(/restarting in 0\.4s/);
  }, 20_000);
});
