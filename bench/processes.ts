/**
 * The processes a bench measures from outside: the built API as `npm start` runs it, the raw
 * baseline server, and what /proc says of their CPU time and memory. Linux only (/proc).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import getPort from 'get-port';
import { API_NODE_FLAGS } from '../scripts/launcher/plan';

const ROOT = join(__dirname, '..');
/** Linux reports CPU time in clock ticks of 1/100 s (USER_HZ) on every architecture Node runs on. */
const MS_PER_TICK = 10;

export interface Server {
  base: string;
  pid: number;
  stop(): Promise<void>;
}

function stopper(child: ChildProcess): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
}

async function waitHealthy(base: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`the API exited (${child.exitCode}) before it was healthy`);
    const ok = await fetch(`${base}/api/health/live`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the API did not answer /api/health/live within ${timeoutMs / 1000} s`);
}

/** npm start's node flags for the API; API_NODE_FLAGS=' ' measures without them. */
export function apiNodeFlags(): string[] {
  return process.env.API_NODE_FLAGS !== undefined ? process.env.API_NODE_FLAGS.split(' ').filter(Boolean) : API_NODE_FLAGS;
}

/**
 * The built API (`dist/apps/api/main.js`; `npm run bench` builds it when a source changed, this
 * builds it only when missing) in a process of its own with npm start's node flags (apiNodeFlags),
 * NODE_ENV=production and the given log level; its stdout — the access log at `info` — goes to
 * `logFile`, as a log collector would take it.
 */
export async function startBuiltApi(options: { logLevel: string; logFile?: string }): Promise<Server> {
  const main = join(ROOT, 'dist', 'apps', 'api', 'main.js');
  if (!existsSync(main)) {
    const built = spawnSync('npm', ['run', 'build:api'], { cwd: ROOT, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('npm run build:api failed');
  }
  const port = await getPort();
  const flags = apiNodeFlags();
  const out = options.logFile ? openSync(options.logFile, 'w') : 'ignore';
  const child = spawn(process.execPath, [...flags, main], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production', PORT: String(port), LOG_LEVEL: options.logLevel },
    stdio: ['ignore', out, 'inherit'],
  });
  if (typeof out === 'number') closeSync(out);
  const stop = stopper(child);
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitHealthy(base, child);
  } catch (err) {
    await stop();
    throw err;
  }
  return { base, pid: child.pid as number, stop };
}

/** bench/raw-server.ts in a process of its own (tsx: no type-checker, no ts-node REPL loaded). */
export async function startRawServer(env: Record<string, string> = {}): Promise<Server> {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(__dirname, 'raw-server.ts')],
    {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const stop = stopper(child);
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the raw server exited (${code}) before it listened`)));
    createInterface({ input: child.stdout }).once('line', (line) => resolve((JSON.parse(line) as { port: number }).port));
  });
  return { base: `http://127.0.0.1:${port}`, pid: child.pid as number, stop };
}

/** A process and its descendants (tsx runs the script in a child of its own). */
function withDescendants(pid: number): number[] {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    return [pid, ...children.flatMap((c) => withDescendants(Number(c)))];
  } catch {
    return [];
  }
}

/**
 * CPU time (user + system) one process has used so far, in ms, with `reaped` also that of the
 * children it has waited for; 0 once it has exited.
 */
export function ownCpuMs(pid: number, reaped = false): number {
  try {
    // Fields after the command name: state is the 1st, utime the 12th, stime the 13th, cutime and cstime next.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const children = reaped ? Number(fields[13]) + Number(fields[14]) : 0;
    return (Number(fields[11]) + Number(fields[12]) + children) * MS_PER_TICK;
  } catch {
    return 0;
  }
}

/** CPU time a process and its descendants have used so far, in ms. */
export function cpuMs(pid: number): number {
  return withDescendants(pid).reduce((sum, p) => sum + ownCpuMs(p), 0);
}

/**
 * CPU time of every PostgreSQL process on the machine (the bench's cluster is the only one), in ms,
 * with that of the backends and autovacuum workers that exited: the postmaster reaps them, and
 * their time moves to its children's fields (without it a run's figure could come out negative).
 */
export function postgresCpuMs(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').startsWith('postgres')) total += ownCpuMs(Number(entry), true);
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

/** A figure from /proc/<pid>/status in MB (VmRSS: now; VmHWM: the peak since the process started). */
export function procMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Math.round(Number(match[1]) / 1024) : NaN;
}
