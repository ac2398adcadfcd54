// Child processes of the launcher: spawning, ordered shutdown, restart with backoff.
//
// Hand-written on purpose (no supervisor library does all three): every long-running child is
// spawned in its own process group (detached), so a Ctrl-C in the terminal reaches only the
// launcher, which then stops things in order — app processes first (they drain requests and jobs
// while the database is still up), then Redis, then Postgres. A tiny shell watchdog per child stops
// it if the launcher itself is killed with SIGKILL, and a process 'exit' hook signals whatever is
// still running. pm2 and forever daemonise and outlive the terminal; execa and concurrently stop
// everything at once.
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');

export function log(message: string): void {
  process.stdout.write(`[run] ${message}\n`);
}

/** An expected failure: run.ts prints its message as one line and exits 1. */
export class LaunchError extends Error {}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function rel(p: string): string {
  return path.relative(process.cwd(), p) || '.';
}

export interface ExitResult {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Exit status of a finished child the way a shell reports it. */
export function exitStatus({ code, signal }: ExitResult): number {
  return code ?? 128 + (signal ? (os.constants.signals[signal] ?? 0) : 0);
}

/** [signal, ms to wait for the exit] tried in turn when stopping. */
export type StopPlan = [NodeJS.Signals, number][];

export interface Entry {
  name: string;
  pid: number | undefined;
  /** Shutdown order: 0 = app processes, 1 = redis, 2 = postgres. */
  tier: number;
  /** Signal the child's whole process group (it was spawned detached). */
  group: boolean;
  stopPlan: StopPlan;
  exited: boolean;
  result: ExitResult | null;
  done: Promise<ExitResult>;
}

const managed = new Set<Entry>();
let closing = false;

// Runs beside each child: when the launcher disappears (even by SIGKILL), stops the child (its first
// stop signal, SIGKILL 20 s later: a worker whose Redis went at the same time may never finish).
const WATCHDOG = [
  'L=$1; C=$2; S=$3; T=$4',
  'while kill -0 "$L" 2>/dev/null && kill -0 "$C" 2>/dev/null; do sleep 1; done',
  'kill -0 "$C" 2>/dev/null || exit 0',
  'kill -s "$S" -- "$T" 2>/dev/null; sleep 20; kill -0 "$C" 2>/dev/null && kill -9 -- "$T" 2>/dev/null',
].join('\n');
function watch(pid: number, group: boolean, signal: NodeJS.Signals): ChildProcess {
  const args = [String(process.pid), String(pid), signal.replace(/^SIG/, ''), group ? `-${pid}` : String(pid)];
  const watchdog = spawn('/bin/sh', ['-c', WATCHDOG, 'watchdog', ...args], { detached: true, stdio: 'ignore' });
  watchdog.on('error', () => {});
  watchdog.unref();
  return watchdog;
}

function signalEntry(entry: Entry, signal: NodeJS.Signals): void {
  if (entry.exited || !entry.pid) return;
  try {
    process.kill(entry.group ? -entry.pid : entry.pid, signal);
  } catch {
    /* already gone */
  }
}

const DEFAULT_STOP: StopPlan = [
  ['SIGTERM', 10_000],
  ['SIGKILL', 5_000],
];

/** Takes a spawned child under management (see the header comment). */
export function manage(
  name: string,
  child: ChildProcess,
  { tier = 0, group = true, stopPlan = DEFAULT_STOP }: { tier?: number; group?: boolean; stopPlan?: StopPlan } = {},
): Entry {
  let resolveDone: (r: ExitResult) => void = () => {};
  const done = new Promise<ExitResult>((resolve) => (resolveDone = resolve));
  const entry: Entry = { name, pid: child.pid, tier, group, stopPlan, exited: false, result: null, done };
  const watchdog = child.pid && watch(child.pid, group, stopPlan[0]?.[0] ?? 'SIGTERM');
  const finish = (result: ExitResult): void => {
    if (entry.exited) return;
    Object.assign(entry, { exited: true, result });
    managed.delete(entry);
    if (watchdog && watchdog.exitCode === null) watchdog.kill('SIGKILL');
    resolveDone(result);
  };
  child.once('exit', (code, signal) => finish({ code, signal }));
  child.once('error', (err: NodeJS.ErrnoException) => {
    log(`${name}: ${err.message}`);
    finish({ code: err.code === 'ENOENT' ? 127 : 1, signal: null });
  });
  if (!child.pid) return entry; // spawn failed; 'error' follows
  managed.add(entry);
  if (closing) void stopEntry(entry);
  return entry;
}

export async function stopEntry(entry: Entry): Promise<ExitResult> {
  for (const [signal, ms] of entry.stopPlan) {
    if (entry.exited) break;
    signalEntry(entry, signal);
    await Promise.race([entry.done, sleep(ms)]);
    if (!entry.exited && signal !== 'SIGKILL') log(`${entry.name} still running after ${ms / 1000}s`);
  }
  return entry.done;
}

let teardownPromise: Promise<void> | null = null;
/** Stops everything still running, tier by tier (then anything registered meanwhile). Idempotent. */
export function teardown(): Promise<void> {
  closing = true;
  teardownPromise ??= (async () => {
    for (const tier of [0, 1, 2]) await Promise.all([...managed].filter((e) => e.tier === tier).map(stopEntry));
    await Promise.all([...managed].map(stopEntry));
  })();
  return teardownPromise;
}

export function isClosing(): boolean {
  return closing;
}

// Last resort when the launcher exits with children still up (uncaught error, process.exit).
process.on('exit', () => {
  for (const entry of managed) signalEntry(entry, entry.stopPlan[0]?.[0] ?? 'SIGTERM');
});

/** Starts a long-running app process in its own process group with inherited output. */
export function startService(name: string, command: string, args: string[], { env }: { env: NodeJS.ProcessEnv }): Entry {
  const child = spawn(command, args, { cwd: ROOT, env, detached: true, stdio: ['ignore', 'inherit', 'inherit'] });
  return manage(name, child);
}

/** Runs a command to completion the same way; returns its exit status. */
export async function runStep(
  name: string,
  command: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv },
): Promise<number> {
  return closing ? 130 : exitStatus(await startService(name, command, args, options).done);
}

/**
 * Keeps `name` running: whenever its entry ends while the launcher is not closing, logs why and
 * calls `launch()` again after a backoff (1 s, doubling to 30 s; back to 1 s once it has stayed up
 * a minute). `launch` returns a managed entry or throws; a throw is retried the same way. A Ctrl-C
 * sets closing, which ends the loop, and teardown() stops the current child.
 */
export function supervise(
  name: string,
  first: Entry,
  launch: () => Promise<Entry>,
  { initialDelayMs = 1000, maxDelayMs = 30_000 }: { initialDelayMs?: number; maxDelayMs?: number } = {},
): void {
  let delay = initialDelayMs;
  const watch = (entry: Entry): void => {
    const startedAt = Date.now();
    void entry.done.then((result) => {
      if (closing) return;
      if (Date.now() - startedAt > 60_000) delay = initialDelayMs;
      log(`${name} exited unexpectedly (status ${exitStatus(result)}); restarting in ${delay / 1000}s`);
      void restart();
    });
  };
  const restart = async (): Promise<void> => {
    await sleep(delay);
    delay = Math.min(delay * 2, maxDelayMs);
    if (closing) return;
    try {
      const entry = await launch();
      log(`${name} restarted (pid ${entry.pid})`);
      watch(entry);
    } catch (err) {
      if (closing) return;
      log(
        `${name} could not be restarted (${err instanceof Error ? err.message : String(err)}); trying again in ${delay / 1000}s`,
      );
      void restart();
    }
  };
  watch(first);
}
