import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Pool } from 'pg';
import { BlobStorage, LocalDiskBlobStorage, PostgresBlobStorage, readAll, S3BlobStorage } from '@app/proposals';
import { assertTestDatabase } from './test-database-guard';
import { startTestS3, TestS3 } from './s3-test-server';

// A real collection between samples, so the memory figures below count live bytes only.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const liveBuffers = () => {
  gc();
  return process.memoryUsage().arrayBuffers;
};
/** The same, after letting V8 finish freeing the backing stores it released (done off-thread). */
const settledLiveBuffers = async () => {
  gc();
  await new Promise((resolve) => setTimeout(resolve, 20));
  return liveBuffers();
};

const MiB = 1024 * 1024;

/** 20 MiB made piece by piece, noting the most live buffer memory seen above `baseline`. */
function bigStream(totalBytes: number, seen: { peak: number; baseline: number }): Readable {
  return Readable.from(
    (function* () {
      for (let made = 0; made < totalBytes; made += 64 * 1024) {
        if (made % (2 * MiB) === 0) seen.peak = Math.max(seen.peak, liveBuffers() - seen.baseline);
        yield Buffer.alloc(64 * 1024, (made / (64 * 1024)) % 251);
      }
    })(),
  );
}

const expectedByte = (offset: number) => Math.floor(offset / (64 * 1024)) % 251;

/**
 * The one contract every attachment store keeps (PostgreSQL, S3-compatible, local disk), run
 * against the real thing each time: a real PostgreSQL, a real S3 server over HTTP, a real folder.
 */
const stores: [string, () => Promise<{ store: BlobStorage; close(): Promise<void> }>][] = [
  [
    'postgres',
    () => {
      assertTestDatabase(process.env.DATABASE_URL);
      const store = new PostgresBlobStorage(new Pool({ connectionString: process.env.DATABASE_URL, max: 4 }));
      return Promise.resolve({ store, close: () => store.onApplicationShutdown() });
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
      return { store: new LocalDiskBlobStorage(dir), close: () => rm(dir, { recursive: true, force: true }) };
    },
  ],
];

describe.each(stores)('attachment store: %s', (_kind, make) => {
  let store: BlobStorage;
  let close: () => Promise<void>;
  const prefix = `contract/${randomBytes(4).toString('hex')}`;
  beforeAll(async () => {
    ({ store, close } = await make());
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
    const total = 20 * MiB;
    const seen = { peak: 0, baseline: liveBuffers() };
    await store.put(`${prefix}/big`, bigStream(total, seen));
    expect(seen.peak).toBeLessThan(12 * MiB);

    const reading = { peak: 0, baseline: await settledLiveBuffers() };
    let offset = 0;
    let wrong = 0;
    for await (const chunk of await store.open(`${prefix}/big`)) {
      const buf = chunk as Buffer;
      if (buf[0] !== expectedByte(offset) || buf[buf.length - 1] !== expectedByte(offset + buf.length - 1)) wrong += 1;
      if (Math.floor((offset + buf.length) / (2 * MiB)) > Math.floor(offset / (2 * MiB)))
        reading.peak = Math.max(reading.peak, (await settledLiveBuffers()) - reading.baseline);
      offset += buf.length;
    }
    expect(offset).toBe(total);
    expect(wrong).toBe(0);
    expect(reading.peak).toBeLessThan(12 * MiB);
    await store.delete(`${prefix}/big`);
  });
});
