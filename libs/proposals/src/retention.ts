import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { sql } from 'kysely';
import { DataSource } from 'typeorm';
import { db } from '@app/database';
import { BLOB_STORAGE, BlobStorage } from './storage/blob-storage';

/** Retention sweeps for the tables and files this library owns. */
@Injectable()
export class ProposalsRetention {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(BLOB_STORAGE) private readonly blobs: BlobStorage,
  ) {}

  /** Idempotency keys older than `hours`: a client retrying after that gets a fresh submission check. */
  async pruneIdempotencyKeys(hours: number): Promise<number> {
    const { numDeletedRows } = await db(this.dataSource)
      .deleteFrom('idempotency_keys')
      .where('created_at', '<', sql<Date>`now() - make_interval(hours => ${hours})`)
      .executeTakeFirst();
    return Number(numDeletedRows);
  }

  /**
   * Stored blobs no attachment row refers to (left by a transaction that rolled back after the
   * file was written, or a crash), once older than `graceHours` so an upload still in flight is
   * never touched. Returns how many were deleted.
   */
  async pruneOrphanBlobs(graceHours: number): Promise<number> {
    const cutoff = Date.now() - graceHours * 3600_000;
    const candidates: string[] = [];
    for await (const blob of this.blobs.list()) {
      if (blob.modifiedAt.getTime() < cutoff && !blob.key.endsWith('.tmp')) candidates.push(blob.key);
      else if (blob.key.endsWith('.tmp') && blob.modifiedAt.getTime() < cutoff) candidates.push(blob.key);
    }
    let deleted = 0;
    for (let i = 0; i < candidates.length; i += 500) {
      const batch = candidates.slice(i, i + 500);
      const referenced = await db(this.dataSource)
        .selectFrom('proposal_attachments')
        .select('storage_key')
        .where('storage_key', 'in', batch)
        .execute();
      const keep = new Set(referenced.map((r) => r.storage_key));
      for (const key of batch.filter((k) => !keep.has(k))) {
        await this.blobs.delete(key);
        deleted += 1;
      }
    }
    return deleted;
  }
}
