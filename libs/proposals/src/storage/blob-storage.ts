import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomUUID } from 'node:crypto';

/**
 * Where sealed attachment bytes live. Only ciphertext is ever handed to it. Three kinds, chosen by
 * BLOB_STORE: PostgreSQL (default: one backup holds bids and their files), S3-compatible object
 * storage, and a local folder (one machine only). All pass the same contract tests
 * (test/blob-storage.e2e-spec.ts).
 */
export interface BlobStorage {
  /**
   * Stores the bytes under `key`, replacing what was there; readers never see a partial blob.
   * A stream is consumed piece by piece (never gathered whole in memory).
   */
  put(key: string, data: Buffer | Readable): Promise<void>;
  get(key: string): Promise<Buffer>;
  /** The stored bytes as a stream, for large blobs; rejects when the key is unknown. */
  open(key: string): Promise<Readable>;
  delete(key: string): Promise<void>;
  /** Every stored key with its last change, for the orphan sweep. */
  list(): AsyncIterable<{ key: string; modifiedAt: Date }>;
}

export const BLOB_STORAGE = Symbol('BLOB_STORAGE');

const KEY_PATTERN = /^[a-z0-9][a-z0-9/-]{0,200}$/;

/** Refuses keys that could escape a folder or a bucket prefix. */
export function assertBlobKey(key: string): void {
  if (!KEY_PATTERN.test(key) || key.includes('..') || key.includes('//')) throw new Error(`Invalid blob key ${key}`);
}

/** Gathers a stream into one Buffer (for the `get` of small blobs). */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** Files under one root folder: fine for one machine, not shared between instances. */
export class LocalDiskBlobStorage implements BlobStorage {
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  async put(key: string, data: Buffer | Readable): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    // Write then rename, so a reader never sees half a file.
    const temp = `${path}.${randomUUID()}.tmp`;
    try {
      await pipeline(Buffer.isBuffer(data) ? Readable.from([data]) : data, createWriteStream(temp, { mode: 0o600 }));
      await rename(temp, path);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }

  get(key: string): Promise<Buffer> {
    return readFile(this.pathOf(key));
  }

  async open(key: string): Promise<Readable> {
    const path = this.pathOf(key);
    await stat(path); // rejects for an unknown key before any byte is promised
    return createReadStream(path);
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async *list(): AsyncIterable<{ key: string; modifiedAt: Date }> {
    let entries: string[];
    try {
      entries = await readdir(this.root, { recursive: true });
    } catch {
      return; // nothing stored yet
    }
    for (const entry of entries) {
      const path = join(this.root, entry);
      const info = await stat(path).catch(() => null);
      if (!info?.isFile()) continue;
      yield { key: relative(this.root, path).split('\\').join('/'), modifiedAt: info.mtime };
    }
  }

  private pathOf(key: string): string {
    assertBlobKey(key);
    return join(this.root, key);
  }
}
