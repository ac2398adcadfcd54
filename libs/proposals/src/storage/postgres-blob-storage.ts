import { Readable } from 'node:stream';
import type { Pool } from 'pg';
import { assertBlobKey, BlobStorage, readAll } from './blob-storage';

/** Rows of this size: large enough to be few, small enough that one in memory is nothing. */
export const BLOB_CHUNK_BYTES = 512 * 1024;

/**
 * Blobs in the database itself (tables blob_objects and blob_chunks), so one PostgreSQL backup
 * holds the bids and their files together and every API instance sees every file.
 *
 * It uses its own small connection pool: `put` and `open` are called while the caller holds a
 * transaction from the main pool, and taking a second connection from that same pool could wait
 * forever once every connection is held by such a caller.
 */
export class PostgresBlobStorage implements BlobStorage {
  constructor(private readonly pool: Pool) {}

  async put(key: string, data: Buffer | Readable): Promise<void> {
    assertBlobKey(key);
    const client = await this.pool.connect();
    let failed = true;
    try {
      await client.query('BEGIN');
      // Replacing a key: the upsert locks its row, so two writers of one key take turns.
      await client.query(
        `INSERT INTO blob_objects (key, size_bytes, modified_at) VALUES ($1, 0, now())
         ON CONFLICT (key) DO UPDATE SET size_bytes = 0, modified_at = now()`,
        [key],
      );
      await client.query(`DELETE FROM blob_chunks WHERE key = $1`, [key]);
      let size = 0;
      let seq = 0;
      for await (const chunk of chunksOf(data)) {
        await client.query(`INSERT INTO blob_chunks (key, seq, data) VALUES ($1, $2, $3)`, [key, seq, chunk]);
        seq += 1;
        size += chunk.length;
      }
      await client.query(`UPDATE blob_objects SET size_bytes = $2 WHERE key = $1`, [key, size]);
      await client.query('COMMIT');
      failed = false;
    } finally {
      if (failed) await client.query('ROLLBACK').catch(() => undefined);
      client.release(failed);
    }
  }

  async get(key: string): Promise<Buffer> {
    return readAll(await this.open(key));
  }

  async open(key: string): Promise<Readable> {
    assertBlobKey(key);
    const rows = (
      await this.pool.query<{ n: number }>(
        `SELECT (SELECT count(*)::int FROM blob_chunks c WHERE c.key = o.key) AS n FROM blob_objects o WHERE key = $1`,
        [key],
      )
    ).rows;
    if (rows.length === 0) throw Object.assign(new Error(`No blob ${key}`), { code: 'ENOENT' });
    const pool = this.pool;
    const count = rows[0].n;
    // One chunk in memory at a time, read as the consumer asks for it, over one connection (each
    // connection keeps a read buffer as large as the largest row it has seen).
    return Readable.from(
      (async function* () {
        if (count === 0) return;
        const client = await pool.connect();
        try {
          for (let seq = 0; seq < count; seq += 1) {
            const chunk = await client.query<{ data: Buffer }>(`SELECT data FROM blob_chunks WHERE key = $1 AND seq = $2`, [
              key,
              seq,
            ]);
            if (chunk.rows.length === 0) throw new Error(`Blob ${key} lost its part ${seq} while being read`);
            yield chunk.rows[0].data;
          }
        } finally {
          client.release();
        }
      })(),
      { objectMode: false },
    );
  }

  async delete(key: string): Promise<void> {
    assertBlobKey(key);
    await this.pool.query(`DELETE FROM blob_objects WHERE key = $1`, [key]); // chunks go by ON DELETE CASCADE
  }

  async *list(): AsyncIterable<{ key: string; modifiedAt: Date }> {
    // Keyset pages, so a long list never sits in memory.
    let after = '';
    for (;;) {
      const page = await this.pool.query<{ key: string; modified_at: Date }>(
        `SELECT key, modified_at FROM blob_objects WHERE key > $1 ORDER BY key LIMIT 1000`,
        [after],
      );
      for (const row of page.rows) yield { key: row.key, modifiedAt: row.modified_at };
      if (page.rows.length < 1000) return;
      after = page.rows[page.rows.length - 1].key;
    }
  }

  /** Nest calls this at shutdown: closes the store's own pool. */
  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}

/** Re-cuts any stream (or one Buffer) into pieces of at most BLOB_CHUNK_BYTES, gathering small ones. */
async function* chunksOf(data: Buffer | Readable): AsyncIterable<Buffer> {
  if (Buffer.isBuffer(data)) {
    for (let at = 0; at < data.length; at += BLOB_CHUNK_BYTES) yield data.subarray(at, at + BLOB_CHUNK_BYTES);
    return;
  }
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const piece of data) {
    let buf = Buffer.isBuffer(piece) ? piece : Buffer.from(piece as Uint8Array);
    while (buf.length > 0) {
      const take = Math.min(buf.length, BLOB_CHUNK_BYTES - pendingBytes);
      pending.push(buf.subarray(0, take));
      pendingBytes += take;
      buf = buf.subarray(take);
      if (pendingBytes === BLOB_CHUNK_BYTES) {
        yield Buffer.concat(pending);
        pending = [];
        pendingBytes = 0;
      }
    }
  }
  if (pendingBytes > 0) yield Buffer.concat(pending);
}
