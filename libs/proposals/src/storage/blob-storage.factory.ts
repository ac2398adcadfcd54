import { Pool } from 'pg';
import type { AppConfig } from '@app/common';
import { BlobStorage, LocalDiskBlobStorage } from './blob-storage';
import { PostgresBlobStorage } from './postgres-blob-storage';
import { S3BlobStorage } from './s3-blob-storage';

/** Connections of the PostgreSQL blob store's own pool, per process. */
const BLOB_POOL_SIZE = 4;

/** The store BLOB_STORE names, built from the validated configuration. */
export function blobStorageFromConfig(config: AppConfig): BlobStorage {
  const kind = config.get('BLOB_STORE');
  switch (kind) {
    case 'postgres':
      return new PostgresBlobStorage(
        new Pool({
          connectionString: config.get('DATABASE_URL'),
          max: BLOB_POOL_SIZE,
          connectionTimeoutMillis: 5000,
          application_name: 'haiphong-marketplace-blobs',
        }),
      );
    case 's3': {
      const accessKeyId = config.get('S3_ACCESS_KEY_ID');
      const secretAccessKey = config.get('S3_SECRET_ACCESS_KEY');
      return new S3BlobStorage({
        bucket: config.get('S3_BUCKET') as string,
        prefix: config.get('S3_PREFIX'),
        client: {
          region: config.get('S3_REGION'),
          endpoint: config.get('S3_ENDPOINT') || undefined,
          forcePathStyle: config.get('S3_FORCE_PATH_STYLE'),
          credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined,
        },
      });
    }
    case 'disk':
      return new LocalDiskBlobStorage(config.get('STORAGE_DIR'));
    default: {
      const unknown: never = kind;
      throw new Error(`Unknown BLOB_STORE ${String(unknown)}`);
    }
  }
}
