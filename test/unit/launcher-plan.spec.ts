import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  API_NODE_FLAGS,
  BUILDS,
  MODES,
  fixedPort,
  migrationFingerprint,
  needsBuild,
  parseArgs,
  redact,
  servicesToStart,
  type BuildTarget,
} from '../../scripts/launcher/plan';

/** scripts/launcher/plan.ts: what the launcher decides before it starts anything. */
describe('launcher plan', () => {
  it('parses the command line: each command with its mode and the arguments passed on', () => {
    expect(parseArgs(['start'])).toMatchObject({ command: 'start', mode: MODES.start, args: [] });
    expect(parseArgs(['test', 'test/auth.e2e-spec.ts', '-t', 'login'])).toMatchObject({
      command: 'test',
      mode: MODES.test,
      args: ['test/auth.e2e-spec.ts', '-t', 'login'],
    });
    expect(parseArgs(['bench', 'scale'])).toMatchObject({ command: 'bench', mode: MODES.bench, args: ['scale'] });
    // The demo loads into the database npm start uses.
    expect(parseArgs(['demo'])?.mode).toBe(MODES.start);
    expect(parseArgs([])).toBeNull();
    expect(parseArgs(['deploy'])).toBeNull();
  });

  it('infra --test keeps the test cluster as it is; plain infra is the start cluster', () => {
    const kept = parseArgs(['infra', '--test'])?.mode;
    expect(kept).toMatchObject({
      dataRoot: '.data/test',
      database: 'marketplace_test',
      recreateDatabase: false,
      wipeRedis: false,
      exitOnInterrupt: 0,
    });
    expect(parseArgs(['infra'])?.mode).toBe(MODES.start);
  });

  it('infra --bench is the bench cluster with durable commits, as npm run bench starts it', () => {
    const bench = parseArgs(['infra', '--bench'])?.mode;
    expect(bench).toMatchObject({
      database: 'marketplace_bench',
      recreateDatabase: false,
      postgresFlags: [],
      exitOnInterrupt: 0,
    });
  });

  it('tests start clean, on throw-away settings, and fail on a crash; npm start keeps data and restarts', () => {
    expect(MODES.test).toMatchObject({ recreateDatabase: true, wipeRedis: true, keepUp: false, exitOnInterrupt: 130 });
    expect(MODES.test.postgresFlags).toContain('fsync=off');
    expect(MODES.start).toMatchObject({ recreateDatabase: false, wipeRedis: false, keepUp: true, postgresFlags: [] });
    // Tests and benches never share a database with npm start.
    expect(new Set([MODES.start.database, MODES.test.database, MODES.bench.database]).size).toBe(3);
  });

  it('starts Postgres and Redis only when their URLs are not given', () => {
    expect(servicesToStart({})).toEqual({ postgres: true, redis: true });
    expect(servicesToStart({ DATABASE_URL: 'postgres://db/x' })).toEqual({ postgres: false, redis: true });
    expect(servicesToStart({ REDIS_URL: 'redis://r:6379' })).toEqual({ postgres: true, redis: false });
  });

  it('uses fixed ports for npm start (the variable, else the default) and free ones otherwise', () => {
    expect(fixedPort(MODES.start, undefined, 54329)).toBe(54329);
    expect(fixedPort(MODES.start, '5500', 54329)).toBe(5500);
    expect(fixedPort(MODES.test, '5500', 54329)).toBeNull();
    expect(fixedPort(MODES.bench, undefined, 63790)).toBeNull();
    expect(() => fixedPort(MODES.start, 'abc', 54329)).toThrow(/not a port/);
    expect(() => fixedPort(MODES.start, '70000', 54329)).toThrow(/not a port/);
  });

  it('the container files start the API with the same node flags as npm start', () => {
    const root = path.join(__dirname, '..', '..');
    const command = JSON.stringify(['node', ...API_NODE_FLAGS, 'dist/apps/api/main.js']).replace(/,/g, ', ');
    expect(fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8')).toContain(`CMD ${command}`);
    expect(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8')).toContain(`command: ${command}`);
  });

  it('hides passwords in URLs it logs', () => {
    expect(redact('postgres://app:s3cret@db:5432/x')).toBe('postgres://app:***@db:5432/x');
    expect(redact('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });

  describe('builds only what changed', () => {
    let root: string;
    const target: BuildTarget = { name: 't', inputs: ['src', 'config.json'], stamp: 'out/.built', command: ['true'] };
    const touch = (file: string, secondsAgo: number): void => {
      const p = path.join(root, file);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, 'x');
      const t = new Date(Date.now() - secondsAgo * 1000);
      // The file and the folders above it (a folder's time changes when a file is added or removed,
      // which counts as a change too).
      for (let q = p; q.startsWith(root) && q !== root; q = path.dirname(q)) fs.utimesSync(q, t, t);
    };
    beforeEach(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'launcher-plan-'))));
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    it('builds when never built, skips when the stamp is newer than every input, builds again after a change deep in an input', () => {
      touch('src/a/b.ts', 100);
      touch('config.json', 100);
      expect(needsBuild(target, root)).toBe(true);
      touch('out/.built', 50);
      expect(needsBuild(target, root)).toBe(false);
      touch('src/a/c.ts', 10);
      expect(needsBuild(target, root)).toBe(true);
    });

    it('a deleted file counts as a change; a missing input does not force a build', () => {
      touch('src/a.ts', 100);
      touch('out/.built', 50);
      expect(needsBuild({ ...target, inputs: [...target.inputs, 'not-there'] }, root)).toBe(false);
      fs.rmSync(path.join(root, 'src/a.ts'));
      expect(needsBuild(target, root)).toBe(true);
    });

    it('a file the build itself writes into its inputs does not make it stale', () => {
      touch('src/a.ts', 100);
      touch('src/generated.ts', 100);
      touch('out/.built', 50);
      // Rewritten in place by the build (its folder's time does not change).
      const rewritten = new Date(Date.now() - 10_000);
      fs.utimesSync(path.join(root, 'src/generated.ts'), rewritten, rewritten);
      expect(needsBuild(target, root)).toBe(true);
      expect(needsBuild({ ...target, generated: ['src/generated.ts'] }, root)).toBe(false);
      expect(BUILDS.api.generated).toEqual(['apps/api/src/openapi-metadata.ts']);
    });

    it('npm test never builds the API (its build regenerates a file a test checks); each target has its own stamp', () => {
      expect(BUILDS.api.command.join(' ')).toBe('npm run build:api');
      expect(BUILDS.worker.inputs).not.toContain('apps/api/src');
      expect(BUILDS.worker.inputs).toContain('apps/worker/webpack.config.js');
      expect(BUILDS.portal.env).toEqual({ NODE_ENV: 'production' });
      expect(new Set(Object.values(BUILDS).map((b) => b.stamp)).size).toBe(3);
    });
  });

  it('migrates again when the build, the database or the first-admin settings change', () => {
    const base = { apiBuild: 1000, database: '7301/16384', adminEmail: 'a@x.vn' };
    const f = migrationFingerprint(base);
    expect(migrationFingerprint({ ...base })).toBe(f);
    expect(migrationFingerprint({ ...base, apiBuild: 1001 })).not.toBe(f);
    expect(migrationFingerprint({ ...base, database: '7301/16999' })).not.toBe(f);
    expect(migrationFingerprint({ ...base, adminEmail: 'b@x.vn' })).not.toBe(f);
    expect(migrationFingerprint({ ...base, adminPassword: 'secret-123' })).not.toBe(f);
  });
});
