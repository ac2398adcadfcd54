import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { runMigrations } from '@app/database';
import { freePort } from './cluster';

/**
 * The worker runs no HTTP API: its built bundle (dist/apps/worker/main.js, built by `npm test` and
 * `npm start` when a source changed) must not load Swagger, passport, the throttler or fastify.
 * The real bundle is started until its health endpoint answers, on a database and a Redis
 * database of its own (so it takes no job and relays no outbox row of the other tests); what it
 * has loaded by then is read from require.cache (test/loaded-packages.js).
 */
const ROOT = join(__dirname, '..');
const BUNDLE = join(ROOT, 'dist', 'apps', 'worker', 'main.js');
const HTTP_ONLY = [
  '@nestjs/swagger',
  '@nestjs/passport',
  'passport',
  'passport-local',
  'passport-jwt',
  '@nestjs/throttler',
  '@nest-lab/throttler-storage-redis',
  '@nestjs/platform-fastify',
  'fastify',
  '@fastify/cookie',
  '@fastify/helmet',
  '@fastify/multipart',
  '@fastify/static',
  '@bull-board/fastify',
];

/** The package a node_modules file belongs to (the innermost node_modules). */
function packageOf(file: string): string {
  const [first = '', second = ''] = file.slice(file.lastIndexOf('/node_modules/') + '/node_modules/'.length).split('/');
  return first.startsWith('@') ? `${first}/${second}` : first;
}

const PROBE_DB = 'marketplace_test_worker_probe';

/** Runs `sql` on the test cluster's maintenance database. */
async function onCluster(sql: string): Promise<void> {
  const url = new URL(process.env.DATABASE_URL ?? '');
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A migrated database and a Redis database index apart from the other tests'. */
async function isolatedEnv(): Promise<{ DATABASE_URL: string; REDIS_URL: string }> {
  await onCluster(`DROP DATABASE IF EXISTS ${PROBE_DB} WITH (FORCE)`);
  await onCluster(`CREATE DATABASE ${PROBE_DB}`);
  const db = new URL(process.env.DATABASE_URL ?? '');
  db.pathname = `/${PROBE_DB}`;
  await runMigrations(db.toString());
  const redis = new URL(process.env.REDIS_URL ?? '');
  redis.pathname = '/15';
  return { DATABASE_URL: db.toString(), REDIS_URL: redis.toString() };
}

async function loadedByWorker(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'worker-bundle-'));
  const out = join(dir, 'loaded.json');
  const port = await freePort();
  const child = spawn(process.execPath, ['-r', join(__dirname, 'loaded-packages.js'), BUNDLE], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...(await isolatedEnv()),
      LOADED_PACKAGES_FILE: out,
      WORKER_METRICS_PORT: String(port),
      METRICS_HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const until = Date.now() + 60_000;
    let healthy = false;
    while (!healthy && Date.now() < until && child.exitCode === null) {
      healthy = await fetch(`http://127.0.0.1:${port}/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (!healthy) await new Promise((r) => setTimeout(r, 250));
    }
    if (!healthy) throw new Error(`the built worker did not become healthy: ${stderr.slice(-2000)}`);
    // Running and healthy: ask for the list, then stop the worker the usual way.
    child.kill('SIGUSR2');
    while (!existsSync(out) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    const files = JSON.parse(readFileSync(out, 'utf8')) as string[];
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
    return files;
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await exited;
    rmSync(dir, { recursive: true, force: true });
    await onCluster(`DROP DATABASE IF EXISTS ${PROBE_DB} WITH (FORCE)`);
  }
}

describe('the worker bundle', () => {
  let files: string[];

  beforeAll(async () => {
    if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: npm test builds it (nest build worker)`);
    files = await loadedByWorker();
  }, 150_000);

  it('runs (PostgreSQL, Redis, BullMQ, TypeORM, Nest) and loads no HTTP-only package', () => {
    const packages = new Set(files.map(packageOf));
    // The probe sees what the worker really uses, so a broken probe cannot pass the check below.
    expect([...packages]).toEqual(expect.arrayContaining(['@nestjs/core', 'bullmq', 'ioredis', 'pg', 'typeorm']));
    // (The DTOs' Swagger decorators are the no-op shim bundled in: apps/worker/webpack.config.js.)
    expect(HTTP_ONLY.filter((p) => packages.has(p))).toEqual([]);
  });
});
