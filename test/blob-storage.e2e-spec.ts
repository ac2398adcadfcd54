import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Pool } from 'pg';
import { BlobStorage, LocalDiskBlobStorage, PostgresBlobStorage, readAll, S3BlobStorage } from '@app/proposals';
import { assertTestDatabase } from './test-database-guard';
import { startTestS3, TestS3 } from './s3-test-server';

const MiB = 1024 * 1024;
const execFileAsync = promisify(execFile);

/**
 * The one contract every attachment store keeps (PostgreSQL, S3-compatible, local disk), run
 * against the real thing each time: a real PostgreSQL, a real S3 server over HTTP, a real folder.
 */
const stores: [string, () => Promise<{ store: BlobStorage; env: Record<string, string>; close(): Promise<void> }>][] = [
  [
    'postgres',
    () => {
      assertTestDatabase(process.env.DATABASE_URL);
      const store = new PostgresBlobStorage(new Pool({ connectionString: process.env.DATABASE_URL, max: 4 }));
      return Promise.resolve({ store, env: { BLOB_STORE: 'postgres' }, close: () => store.onApplicationShutdown() });
    },
  ],
  [
    's3',
    async () => {
      const s3: TestS3 = await startTestS3();
      const store = new S3BlobStorage({
        bucket: s3.bucket,
        prefix: 'blobs/',
        client: {
          endpoint: s3.endpoint,
          region: 'us-east-1',
          forcePathStyle: true,
          credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
        },
      });
      return {
        store,
        env: s3.env,
        close: async () => {
          store.onApplicationShutdown();
          await s3.close();
        },
      };
    },
  ],
  [
    'disk',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'marketplace-blobs-'));
      return {
        store: new LocalDiskBlobStorage(dir),
        env: { BLOB_STORE: 'disk', STORAGE_DIR: dir },
        close: () => rm(dir, { recursive: true, force: true }),
      };
    },
  ],
];

describe.each(stores)('attachment store: %s', (_kind, make) => {
  let store: BlobStorage;
  let env: Record<string, string>;
  let close: () => Promise<void>;
  const prefix = `contract/${randomBytes(4).toString('hex')}`;
  beforeAll(async () => {
    ({ store, env, close } = await make());
  });
  afterAll(() => close());

  it('gives back exactly what was stored, from a Buffer or a stream, and replaces on a second put', async () => {
    const small = randomBytes(1000);
    await store.put(`${prefix}/a`, small);
    expect((await store.get(`${prefix}/a`)).equals(small)).toBe(true);

    const pieces = [randomBytes(700_000), randomBytes(900_000), randomBytes(10)];
    await store.put(`${prefix}/b`, Readable.from(pieces));
    expect((await readAll(await store.open(`${prefix}/b`))).equals(Buffer.concat(pieces))).toBe(true);

    const replacement = randomBytes(10);
    await store.put(`${prefix}/a`, replacement);
    expect((await store.get(`${prefix}/a`)).equals(replacement)).toBe(true);

    await store.put(`${prefix}/empty`, Buffer.alloc(0));
    expect((await store.get(`${prefix}/empty`)).length).toBe(0);
  });

  it('lists what it holds with a recent time, and forgets what is deleted', async () => {
    const before = Date.now() - 60_000;
    await store.put(`${prefix}/listed`, randomBytes(10));
    const listed = new Map<string, Date>();
    for await (const item of store.list()) listed.set(item.key, item.modifiedAt);
    expect(listed.has(`${prefix}/listed`)).toBe(true);
    expect(listed.get(`${prefix}/listed`)!.getTime()).toBeGreaterThan(before);

    await store.delete(`${prefix}/listed`);
    await store.delete(`${prefix}/listed`); // deleting twice is not an error
    await expect(store.get(`${prefix}/listed`)).rejects.toThrow();
    await expect(store.open(`${prefix}/never-stored`)).rejects.toThrow();
    const after: string[] = [];
    for await (const item of store.list()) after.push(item.key);
    expect(after).not.toContain(`${prefix}/listed`);
  });

  it('refuses keys that could reach outside its place', async () => {
    for (const key of ['../etc/passwd', '/abs', 'a/../../b', 'UPPER', 'a//b']) {
      await expect(store.put(key, Buffer.from('x'))).rejects.toThrow(/Invalid blob key/);
    }
  });

  it('streams 20 MiB in and out without ever holding the whole file', async () => {
    // In a fresh process through the product's own factory (BLOB_STORE and friends), so that the
    // live-memory figures are the store's alone.
    const { stdout } = await execFileAsync(
      process.execPath,
      ['--expose-gc', '-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'test/blob-memory-probe.ts'],
      { cwd: join(__dirname, '..'), env: { ...process.env, ...env, LOG_LEVEL: 'warn' }, timeout: 150_000 },
    );
    const figures = JSON.parse(stdout.trim().split('\n').pop() as string) as {
      bytes: number;
      wrong: number;
      putPeakMiB: number;
      readPeakMiB: number;
    };
    expect(figures.bytes).toBe(20 * MiB);
    expect(figures.wrong).toBe(0);
    expect(figures.putPeakMiB).toBeLessThan(12);
    expect(figures.readPeakMiB).toBeLessThan(12);
  }, 180_000);
});
