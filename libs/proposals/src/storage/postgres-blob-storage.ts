import { Kysely, PostgresDialect, sql } from 'kysely';
import { Readable } from 'node:stream';
import type { Pool, PoolClient } from 'pg';
import type { DB } from '@app/database';
import { assertBlobKey, BlobStorage, readAll } from './blob-storage';

/** Rows of this size: large enough to be few, small enough that one in memory is nothing. */
export const BLOB_CHUNK_BYTES = 512 * 1024;

/**
 * Blobs in the database itself (tables blob_objects and blob_chunks), so one PostgreSQL backup
 * holds the bids and their files together and every API instance sees every file.
 *
 * It uses its own small connection pool: `put` and `open` are called while the caller holds a
 * transaction from the main pool, and taking a second connection from that same pool could wait
 * forever once every connection is held by such a caller. The queries are the typed builder's,
 * on that pool (not through TypeORM, whose connections are the main pool's).
 */
export class PostgresBlobStorage implements BlobStorage {
  private readonly db: Kysely<DB>;

  constructor(private readonly pool: Pool) {
    this.db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  }

  async put(key: string, data: Buffer | Readable): Promise<void> {
    assertBlobKey(key);
    await this.db.transaction().execute(async (trx) => {
      // Replacing a key: the upsert locks its row, so two writers of one key take turns.
      await trx
        .insertInto('blob_objects')
        .values({ key, size_bytes: 0, modified_at: sql`now()` })
        .onConflict((c) => c.column('key').doUpdateSet({ size_bytes: 0, modified_at: sql`now()` }))
        .execute();
      await trx.deleteFrom('blob_chunks').where('key', '=', key).execute();
      let size = 0;
      let seq = 0;
      for await (const chunk of chunksOf(data)) {
        await trx.insertInto('blob_chunks').values({ key, seq, data: chunk }).execute();
        seq += 1;
        size += chunk.length;
      }
      await trx.updateTable('blob_objects').set({ size_bytes: size }).where('key', '=', key).execute();
    });
  }

  async get(key: string): Promise<Buffer> {
    return readAll(await this.open(key));
  }

  async open(key: string): Promise<Readable> {
    assertBlobKey(key);
    const object = await this.db
      .selectFrom('blob_objects as o')
      .select((eb) =>
        eb
          .selectFrom('blob_chunks as c')
          .select(sql<number>`count(*)::int`.as('n'))
          .whereRef('c.key', '=', 'o.key')
          .$asScalar()
          .as('n'),
      )
      .where('o.key', '=', key)
      .executeTakeFirst();
    if (!object) throw Object.assign(new Error(`No blob ${key}`), { code: 'ENOENT' });
    const pool = this.pool;
    const count = object.n;
    // One chunk in memory at a time, read as the consumer asks for it, over one connection (each
    // connection keeps a read buffer as large as the largest row it has seen).
    return Readable.from(
      (async function* () {
        if (count === 0) return;
        const client = await pool.connect();
        const db = onOneClient(client);
        try {
          for (let seq = 0; seq < count; seq += 1) {
            const chunk = await db
              .selectFrom('blob_chunks')
              .select('data')
              .where('key', '=', key)
              .where('seq', '=', seq)
              .executeTakeFirst();
            if (!chunk) throw new Error(`Blob ${key} lost its part ${seq} while being read`);
            yield chunk.data;
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
    await this.db.deleteFrom('blob_objects').where('key', '=', key).execute(); // chunks go by ON DELETE CASCADE
  }

  async *list(): AsyncIterable<{ key: string; modifiedAt: Date }> {
    // Keyset pages, so a long list never sits in memory.
    let after = '';
    for (;;) {
      const page = await this.db
        .selectFrom('blob_objects')
        .select(['key', 'modified_at'])
        .where('key', '>', after)
        .orderBy('key')
        .limit(1000)
        .execute();
      for (const row of page) yield { key: row.key, modifiedAt: row.modified_at };
      if (page.length < 1000) return;
      after = page[page.length - 1]!.key;
    }
  }

  /** Nest calls this at shutdown: closes the store's own pool. */
  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}

/**
 * The typed builder on one connection already taken from the pool, which the caller releases:
 * the chunks of one blob are read over one connection (see `open`).
 */
function onOneClient(client: PoolClient): Kysely<DB> {
  // Queries go to that client (its methods bound to it); releasing it is the caller's.
  const borrowed = { query: client.query.bind(client), release: () => undefined } as unknown as PoolClient;
  return new Kysely<DB>({
    dialect: new PostgresDialect({ pool: { connect: () => Promise.resolve(borrowed), end: () => Promise.resolve() } }),
  });
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
