import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
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
    // (in a CTE: for a bare DELETE the driver returns [rows, count] instead of the rows)
    const [row] = await this.dataSource.query<{ n: number }[]>(
      `WITH gone AS (DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1) RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [hours],
    );
    return row.n;
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
      const referenced = await this.dataSource.query<{ storage_key: string }[]>(
        `SELECT storage_key FROM proposal_attachments WHERE storage_key = ANY($1)`,
        [batch],
      );
      const keep = new Set(referenced.map((r) => r.storage_key));
      for (const key of batch.filter((k) => !keep.has(k))) {
        await this.blobs.delete(key);
        deleted += 1;
      }
    }
    return deleted;
  }
}
