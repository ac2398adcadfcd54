/**
 * `npm run bench:start`: how long `npm start` takes on an already built tree to answer
 * /api/health with 200 (Postgres and Redis up, API and worker booted). One warm-up start (builds
 * what changed and migrates if needed, not timed), then RUNS timed starts, each stopped with
 * Ctrl-C (SIGINT) once healthy. Writes bench/results/start.json and start.md. Bounded: each start
 * is given 120 s. Uses the development cluster under .data/ on free ports, so stop your own
 * `npm start` first.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import getPort from 'get-port';

const ROOT = path.resolve(__dirname, '..');
const RUNS = Number(process.env.RUNS ?? 3);
/** The launcher's lines that mark a phase, by the phase they end. */
const PHASES: [string, RegExp][] = [
  ['redis', /\[run\] redis ready/],
  ['postgres', /\[run\] postgres ready/],
  ['builds checked', /\[run\] portal: up to date|\[run\] building the portal/],
  ['migrate (or its skip)', /\[run\] schema and seed: up to date|\[seed\] /],
];

interface Run {
  healthyMs: number;
  /** The worker starts once the API is healthy (scripts/run.ts); its own /health answering. */
  workerHealthyMs: number;
  phasesMs: Record<string, number>;
}

async function oneStart(env: NodeJS.ProcessEnv, port: number, workerPort: number, timeoutMs = 120_000): Promise<Run> {
  const t0 = performance.now();
  const child = spawn('npm', ['start'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const phasesMs: Record<string, number> = {};
  let output = '';
  const onData = (chunk: Buffer): void => {
    output += chunk.toString();
    for (const [name, pattern] of PHASES)
      if (!(name in phasesMs) && pattern.test(output)) phasesMs[name] = Math.round(performance.now() - t0);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const until = t0 + timeoutMs;
  const healthyAfter = async (url: string): Promise<number> => {
    while (performance.now() < until && child.exitCode === null) {
      const ok = await fetch(url, { signal: AbortSignal.timeout(1000) }).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return Math.round(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 50));
    }
    return -1;
  };
  const healthyMs = await healthyAfter(`http://127.0.0.1:${port}/api/health`);
  const workerHealthyMs = healthyMs < 0 ? -1 : await healthyAfter(`http://127.0.0.1:${workerPort}/health`);
  // Ctrl-C as a terminal sends it: to the whole process group.
  if (child.pid) process.kill(-child.pid, 'SIGINT');
  await exited;
  if (healthyMs < 0 || workerHealthyMs < 0)
    throw new Error(`npm start did not become healthy within ${timeoutMs / 1000} s:\n${output.slice(-3000)}`);
  return { healthyMs, workerHealthyMs, phasesMs };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function main(): Promise<void> {
  const port = await getPort({ host: '127.0.0.1' });
  const workerPort = await getPort({ host: '127.0.0.1' });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    PGPORT_EMBEDDED: String(await getPort({ host: '127.0.0.1' })),
    REDIS_PORT_EMBEDDED: String(await getPort({ host: '127.0.0.1' })),
    METRICS_PORT: '0',
    WORKER_METRICS_PORT: String(workerPort),
  };
  console.log('[bench:start] warm-up start (builds and migrates if needed; not timed)');
  await oneStart(env, port, workerPort, 15 * 60_000);
  const runs: Run[] = [];
  for (let i = 1; i <= RUNS; i++) {
    const run = await oneStart(env, port, workerPort);
    console.log(
      `[bench:start] run ${i}: API healthy after ${(run.healthyMs / 1000).toFixed(2)} s, worker ${(run.workerHealthyMs / 1000).toFixed(2)} s ${JSON.stringify(run.phasesMs)}`,
    );
    runs.push(run);
  }
  const result = {
    date: new Date().toISOString(),
    what: 'npm start on an already built tree until GET /api/health answers 200',
    target: '<= 10 s',
    machine: { cpus: os.cpus().length, loadAverage1m: Number(os.loadavg()[0]?.toFixed(2)) },
    medianHealthyMs: median(runs.map((r) => r.healthyMs)),
    medianWorkerHealthyMs: median(runs.map((r) => r.workerHealthyMs)),
    runs,
  };
  const dir = path.join(ROOT, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'start.json'), JSON.stringify(result, null, 2) + '\n');
  const phaseNames = PHASES.map(([name]) => name);
  const md = [
    '# npm start on a built tree',
    '',
    `${result.date}, ${result.machine.cpus} cores, load average ${result.machine.loadAverage1m} (a shared machine).`,
    `Median time to a healthy API: **${(result.medianHealthyMs / 1000).toFixed(2)} s** (target ${result.target}); the worker,`,
    `started once the API answers, is healthy after ${(result.medianWorkerHealthyMs / 1000).toFixed(2)} s.`,
    '',
    `| run | ${phaseNames.join(' | ')} | API healthy | worker healthy |`,
    `| --- | ${phaseNames.map(() => '---').join(' | ')} | --- | --- |`,
    ...runs.map(
      (r, i) =>
        `| ${i + 1} | ${phaseNames.map((n) => `${((r.phasesMs[n] ?? NaN) / 1000).toFixed(2)} s`).join(' | ')} | ${(r.healthyMs / 1000).toFixed(2)} s | ${(r.workerHealthyMs / 1000).toFixed(2)} s |`,
    ),
    '',
    'Each column is the time since `npm start` was run when the launcher printed that step (or, for the',
    'last two, when GET /api/health and the worker’s internal /health first answered 200). The load',
    'average is other work on the machine: the figure is noisy, take the median.',
    '',
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'start.md'), md);
  console.log(
    `[bench:start] median ${(result.medianHealthyMs / 1000).toFixed(2)} s; written bench/results/start.json and start.md`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
