// The launcher's decisions, kept free of side effects so test/unit/launcher-plan.spec.ts can check
// them: which command an argument list asks for, what each command starts and where, and whether a
// build or a migration is needed.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export type Command = 'start' | 'test' | 'bench' | 'demo' | 'infra';

export const USAGE = 'usage: tsx scripts/run.ts <start|test|bench|demo|infra [--test]> [extra args]';

export interface Mode {
  /** Where Postgres, Redis, logs and mail live, under the repository. */
  dataRoot: string;
  database: string;
  /** Drop and re-create the database first (tests start clean). */
  recreateDatabase: boolean;
  /** Empty Redis first. */
  wipeRedis: boolean;
  /**
   * npm start: fixed ports (the printed URLs stay the same) and crashed children restarted.
   * Otherwise (tests, benches) free ports, and a crash ends the run.
   */
  keepUp: boolean;
  /** Exit status after a Ctrl-C. */
  exitOnInterrupt: number;
  /** Extra `-c` settings for Postgres. */
  postgresFlags: string[];
}

const START: Mode = {
  dataRoot: '.data',
  database: 'marketplace',
  recreateDatabase: false,
  wipeRedis: false,
  keepUp: true,
  exitOnInterrupt: 0,
  postgresFlags: [],
};
const TEST: Mode = {
  dataRoot: '.data/test',
  database: 'marketplace_test',
  recreateDatabase: true,
  wipeRedis: true,
  keepUp: false,
  exitOnInterrupt: 130,
  // Throw-away data: trade durability for speed.
  postgresFlags: ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'],
};
export const MODES = {
  start: START,
  test: TEST,
  bench: { ...TEST, database: 'marketplace_bench', recreateDatabase: false, wipeRedis: false, postgresFlags: [] },
} satisfies Record<string, Mode>;

export interface Invocation {
  command: Command;
  mode: Mode;
  /** Passed on to jest (test) or bench/run.ts (bench). */
  args: string[];
}

/** The command line (`process.argv.slice(2)`) as an invocation, or null for a usage error. */
export function parseArgs(argv: string[]): Invocation | null {
  const [command, ...args] = argv;
  switch (command) {
    case 'start':
    case 'demo':
      return { command, mode: MODES.start, args };
    case 'test':
      return { command, mode: MODES.test, args };
    case 'bench':
      return { command, mode: MODES.bench, args };
    case 'infra':
      // `infra --test`: the test cluster, kept as it is (no wipe) and stopped by Ctrl-C with status 0.
      // `infra --bench`: the same cluster with the settings `npm run bench` gives it (durable commits),
      // for running one bench file at a time against it.
      return {
        command,
        mode: args.includes('--bench')
          ? { ...MODES.bench, exitOnInterrupt: 0 }
          : args.includes('--test')
            ? { ...MODES.test, recreateDatabase: false, wipeRedis: false, exitOnInterrupt: 0 }
            : MODES.start,
        args,
      };
    default:
      return null;
  }
}

/** What the launcher starts itself: Postgres and Redis unless their URLs are given. */
export function servicesToStart(env: NodeJS.ProcessEnv): { postgres: boolean; redis: boolean } {
  return { postgres: !env.DATABASE_URL, redis: !env.REDIS_URL };
}

/**
 * The port for a service: under npm start a fixed one (the variable's value or the default) so the
 * URLs printed stay the same; otherwise null, meaning "any free port".
 */
export function fixedPort(mode: Mode, value: string | undefined, fallback: number): number | null {
  if (!mode.keepUp) return null;
  const port = Number(value ?? fallback);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`not a port: ${value}`);
  return port;
}

/** A URL with its password hidden, for logs. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):([^@]*)@/, '//$1:***@');
}

/** Newest modification time under `p` (a file or a folder, leaving out `ignore`d paths), 0 when it does not exist. */
export function newestMtime(p: string, ignore: ReadonlySet<string> = new Set()): number {
  if (ignore.has(p)) return 0;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry), ignore));
  return newest;
}

/** One thing the launcher builds: from its inputs, with a command, marked done by a stamp file. */
export interface BuildTarget {
  name: string;
  inputs: string[];
  /**
   * Written after a successful build. Not the outputs' own times: webpack leaves an unchanged
   * output file untouched, so those would look stale forever and every start would rebuild.
   */
  stamp: string;
  /** Files inside the inputs that the build itself writes (they would make every build look stale). */
  generated?: string[];
  command: string[];
  env?: Record<string, string>;
}

/**
 * Node flags of the API process (also in Dockerfile and docker-compose.yml, which cannot import
 * this). V8 sizes its heap by the machine, not by what the API keeps: under load the API's resident
 * set grew to 445 MB with ~80 MB live. A 256 MB old-space limit makes V8 collect sooner: peak 217 MB
 * at the same throughput and tail latency (bench/api-memory.ts; 192 MB gave the same peak with a
 * longer search tail). Uploads are Buffers outside this heap.
 *
 * No allocation-site pretenuring: V8 saw objects built at start-up survive and made their allocation
 * sites allocate straight into the old generation; the same sites then ran per request, and the dead
 * old objects kept the young ones they point to alive through every scavenge. The API promoted
 * ~1.5 MB per scavenge and ran a full collection every ~0.7 s under a list load; without it, none,
 * and the list's CPU per request fell by a quarter (docs/decisions.md, "Pretenuring").
 */
export const API_NODE_FLAGS = ['--max-old-space-size=256', '--no-allocation-site-pretenuring'];

const SHARED_SERVER_INPUTS = ['libs', 'tsconfig.json', 'nest-cli.json', 'package-lock.json'];

export const BUILDS = {
  api: {
    name: 'api',
    inputs: ['apps/api/src', 'apps/api/tsconfig.app.json', 'scripts/openapi-metadata.js', ...SHARED_SERVER_INPUTS],
    stamp: 'dist/apps/api/.built',
    generated: ['apps/api/src/openapi-metadata.ts'],
    // openapi-metadata.js regenerates a committed file that test/openapi.e2e-spec.ts checks for
    // freshness: `npm test` must never run this target (it builds only the worker).
    command: ['npm', 'run', 'build:api'],
  },
  worker: {
    name: 'worker',
    inputs: ['apps/worker/src', 'apps/worker/tsconfig.app.json', 'apps/worker/webpack.config.js', ...SHARED_SERVER_INPUTS],
    stamp: 'dist/apps/worker/.built',
    command: ['npm', 'run', 'build:worker'],
  },
  portal: {
    name: 'portal',
    inputs: ['apps/portal/src', 'apps/portal/index.html', 'apps/portal/vite.config.ts', 'package-lock.json'],
    stamp: 'dist/portal/.built',
    command: ['npm', 'run', 'build:portal'],
    // Always the production build of React, whatever NODE_ENV the run uses.
    env: { NODE_ENV: 'production' },
  },
} satisfies Record<string, BuildTarget>;

/** True when the target was never built or an input changed since its stamp. */
export function needsBuild(target: BuildTarget, root: string): boolean {
  const built = newestMtime(path.join(root, target.stamp));
  const ignore = new Set((target.generated ?? []).map((p) => path.join(root, p)));
  return built === 0 || target.inputs.some((p) => newestMtime(path.join(root, p), ignore) > built);
}

/**
 * What makes a finished `migrate` still valid: the API build that ran it, the database it ran on
 * (its cluster's system identifier and the database's oid change when either is re-created) and
 * the first-admin settings. Equal fingerprints mean migrate would change nothing, so npm start
 * skips it (a Nest boot of its own: seconds).
 */
export function migrationFingerprint(parts: {
  apiBuild: number;
  database: string;
  adminEmail?: string;
  adminPassword?: string;
}): string {
  return createHash('sha256')
    .update(JSON.stringify([parts.apiBuild, parts.database, parts.adminEmail ?? '', parts.adminPassword ?? '']))
    .digest('hex');
}
