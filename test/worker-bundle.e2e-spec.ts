import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './cluster';

/**
 * The worker runs no HTTP API: its built bundle (dist/apps/worker/main.js, built by `npm test` and
 * `npm start` when a source changed) must not load Swagger, passport, the throttler or fastify.
 * The real bundle is started against the test PostgreSQL and Redis until its health endpoint
 * answers; what it has loaded by then is read from require.cache (test/loaded-packages.js).
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

async function loadedByWorker(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'worker-bundle-'));
  const out = join(dir, 'loaded.json');
  const port = await freePort();
  const child = spawn(process.execPath, ['-r', join(__dirname, 'loaded-packages.js'), BUNDLE], {
    cwd: ROOT,
    env: { ...process.env, LOADED_PACKAGES_FILE: out, WORKER_METRICS_PORT: String(port), METRICS_HOST: '127.0.0.1' },
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
    await exited;
    return files;
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the worker bundle', () => {
  let files: string[];

  beforeAll(async () => {
    if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: npm test builds it (nest build worker)`);
    files = await loadedByWorker();
  }, 90_000);

  it('runs (PostgreSQL, Redis, BullMQ, TypeORM, Nest) and loads no HTTP-only package', () => {
    const packages = new Set(files.map(packageOf));
    // The probe sees what the worker really uses, so a broken probe cannot pass the check below.
    expect([...packages]).toEqual(expect.arrayContaining(['@nestjs/core', 'bullmq', 'ioredis', 'pg', 'typeorm']));
    // (The DTOs' Swagger decorators are the no-op shim bundled in: apps/worker/webpack.config.js.)
    expect(HTTP_ONLY.filter((p) => packages.has(p))).toEqual([]);
  });
});
