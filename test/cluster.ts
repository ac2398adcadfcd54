import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/**
 * Several API and worker processes of the product on the one test PostgreSQL and Redis, each a
 * separate Node process (nothing shared in memory), run from the TypeScript sources (ts-node,
 * transpile only: tsc checks the types in `npm test`). Their output goes to .data/test/logs/.
 */
export interface Cluster {
  apiUrls: string[];
  workerHealthUrls: string[];
  stop(): Promise<void>;
}

const ROOT = join(__dirname, '..');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function launch(name: string, entry: string, env: NodeJS.ProcessEnv): ChildProcess {
  const logs = join(ROOT, '.data', 'test', 'logs');
  mkdirSync(logs, { recursive: true });
  const out = createWriteStream(join(logs, `cluster-${name}.log`));
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', entry], {
    cwd: ROOT,
    env: { ...env, TS_NODE_TRANSPILE_ONLY: 'true', TS_NODE_PROJECT: join(ROOT, 'tsconfig.json') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  return child;
}

async function waitFor(url: string, child: ChildProcess, name: string, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null)
      throw new Error(`${name} exited with ${child.exitCode}; see .data/test/logs/cluster-${name}.log`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name} did not answer ${url} within ${ms} ms; see .data/test/logs/cluster-${name}.log`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Starts `apis` API processes and `workers` worker processes; resolves when every one is healthy. */
export async function startCluster(options: { apis: number; workers: number; env?: Record<string, string> }): Promise<Cluster> {
  const base: NodeJS.ProcessEnv = { ...process.env, METRICS_HOST: '127.0.0.1', ...options.env };
  const children: ChildProcess[] = [];
  const waits: Promise<void>[] = [];
  const apiUrls: string[] = [];
  const workerHealthUrls: string[] = [];
  try {
    for (let i = 0; i < options.apis; i += 1) {
      const port = await freePort();
      const child = launch(`api-${i + 1}`, 'apps/api/src/main.ts', { ...base, PORT: String(port), METRICS_PORT: '0' });
      children.push(child);
      apiUrls.push(`http://127.0.0.1:${port}`);
      waits.push(waitFor(`http://127.0.0.1:${port}/api/health`, child, `api-${i + 1}`, 180_000));
    }
    for (let i = 0; i < options.workers; i += 1) {
      const port = await freePort();
      const child = launch(`worker-${i + 1}`, 'apps/worker/src/main.ts', { ...base, WORKER_METRICS_PORT: String(port) });
      children.push(child);
      workerHealthUrls.push(`http://127.0.0.1:${port}`);
      waits.push(waitFor(`http://127.0.0.1:${port}/health`, child, `worker-${i + 1}`, 180_000));
    }
    await Promise.all(waits);
  } catch (err) {
    await Promise.all(children.map(stopChild));
    throw err;
  }
  return { apiUrls, workerHealthUrls, stop: () => Promise.all(children.map(stopChild)).then(() => undefined) };
}
