import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';

/** Where sealed attachment bytes live. Only ciphertext is ever handed to it. */
export interface BlobStorage {
  put(key: string, data: Buffer): Promise<void>;
  get(key: string): Promise<Buffer>;
  delete(key: string): Promise<void>;
  /** Every stored key with its last change, for the orphan sweep. */
  list(): AsyncIterable<{ key: string; modifiedAt: Date }>;
}

export const BLOB_STORAGE = Symbol('BLOB_STORAGE');

const KEY_PATTERN = /^[a-z0-9][a-z0-9/-]{0,200}$/;

/** Files under one root folder; an S3-compatible store can implement the same interface. */
export class LocalDiskBlobStorage implements BlobStorage {
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  async put(key: string, data: Buffer): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    // Write then rename, so a reader never sees half a file.
    const temp = `${path}.${randomUUID()}.tmp`;
    await writeFile(temp, data, { mode: 0o600 });
    await rename(temp, path);
  }

  get(key: string): Promise<Buffer> {
    return readFile(this.pathOf(key));
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
    if (!KEY_PATTERN.test(key) || key.includes('..')) throw new Error(`Invalid blob key ${key}`);
    return join(this.root, key);
  }
}
