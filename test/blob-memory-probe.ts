/**
 * Run by test/blob-storage.e2e-spec.ts in a fresh process (small heap: a forced GC is quick and
 * the figures are the store's, not the test runner's): streams 20 MiB into the store BLOB_STORE
 * names and back out, sampling live buffer memory, and prints the figures as one JSON line.
 */
import 'reflect-metadata';
import { Readable } from 'node:stream';
// The storage files alone, not the libraries' index files: the probe starts in a moment.
import { validateEnv } from '../libs/common/src/config/env.schema';
import type { AppConfig } from '../libs/common/src/config/app-config.module';
import { blobStorageFromConfig } from '../libs/proposals/src/storage/blob-storage.factory';

const MiB = 1024 * 1024;
const PIECE = 64 * 1024;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const forceGc: () => void = gc;

/** Live buffer memory, after a full collection and a moment for V8 to free backing stores off-thread. */
async function liveBuffers(): Promise<number> {
  forceGc();
  await new Promise((r) => setTimeout(r, 20));
  forceGc();
  return process.memoryUsage().arrayBuffers;
}

const byteAt = (offset: number) => Math.floor(offset / PIECE) % 251;

async function main(): Promise<void> {
  const env = validateEnv(process.env);
  const config = { get: (key: keyof typeof env) => env[key] } as unknown as AppConfig;
  const store = blobStorageFromConfig(config);
  const key = `probe/${process.pid}`;
  const total = 20 * MiB;

  const put = { baseline: await liveBuffers(), peak: 0 };
  const source = Readable.from(
    (async function* () {
      for (let made = 0; made < total; made += PIECE) {
        if (made % (4 * MiB) === 2 * MiB) put.peak = Math.max(put.peak, (await liveBuffers()) - put.baseline);
        yield Buffer.alloc(PIECE, byteAt(made));
      }
    })(),
  );
  await store.put(key, source);

  const read = { baseline: await liveBuffers(), peak: 0 };
  let offset = 0;
  let wrong = 0;
  for await (const chunk of await store.open(key)) {
    const buf = chunk as Buffer;
    if (buf[0] !== byteAt(offset) || buf[buf.length - 1] !== byteAt(offset + buf.length - 1)) wrong += 1;
    if (Math.floor((offset + buf.length) / (4 * MiB)) > Math.floor(offset / (4 * MiB)))
      read.peak = Math.max(read.peak, (await liveBuffers()) - read.baseline);
    offset += buf.length;
  }
  await store.delete(key);
  await (store as { onApplicationShutdown?: () => unknown }).onApplicationShutdown?.();
  console.log(JSON.stringify({ bytes: offset, wrong, putPeakMiB: put.peak / MiB, readPeakMiB: read.peak / MiB }));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
