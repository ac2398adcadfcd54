import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  paginateListObjectsV2,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { assertBlobKey, BlobStorage, readAll } from './blob-storage';

/** Parts of a streamed upload (S3's minimum is 5 MiB); one part at a time in memory. */
const PART_BYTES = 5 * 1024 * 1024;

export interface S3BlobStorageOptions {
  bucket: string;
  /** Folder-like prefix inside the bucket, e.g. `marketplace/`; empty for the whole bucket. */
  prefix?: string;
  client: S3ClientConfig;
}

/**
 * Blobs in S3-compatible object storage (AWS S3, MinIO, Ceph, Viettel/FPT/CMC object storage…),
 * shared by every instance. Credentials come from the SDK's usual chain (AWS_ACCESS_KEY_ID /
 * AWS_SECRET_ACCESS_KEY, a profile, or an instance role).
 */
export class S3BlobStorage implements BlobStorage {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(options: S3BlobStorageOptions) {
    // Checksums only where S3 requires them: many S3-compatible servers do not accept the SDK's
    // newer default (aws-chunked bodies with checksum trailers). GCM already authenticates the bytes.
    this.client = new S3Client({
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      ...options.client,
    });
    this.bucket = options.bucket;
    this.prefix = options.prefix ?? '';
  }

  async put(key: string, data: Buffer | Readable): Promise<void> {
    const Key = this.objectKey(key);
    if (Buffer.isBuffer(data)) {
      await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key, Body: data, ContentLength: data.length }));
      return;
    }
    // A multipart upload for a stream of unknown length (a single PUT when it fits in one part);
    // an object appears only when the upload completes, so readers never see part of it.
    await new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key, Body: data },
      partSize: PART_BYTES,
      queueSize: 1,
    }).done();
  }

  async get(key: string): Promise<Buffer> {
    return readAll(await this.open(key));
  }

  async open(key: string): Promise<Readable> {
    const answer = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
    if (!(answer.Body instanceof Readable)) throw new Error(`S3 returned no stream for ${key}`);
    return answer.Body;
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
  }

  async *list(): AsyncIterable<{ key: string; modifiedAt: Date }> {
    for await (const page of paginateListObjectsV2(
      { client: this.client },
      { Bucket: this.bucket, Prefix: this.prefix || undefined },
    )) {
      for (const object of page.Contents ?? []) {
        if (!object.Key) continue;
        yield { key: object.Key.slice(this.prefix.length), modifiedAt: object.LastModified ?? new Date() };
      }
    }
  }

  /** Nest calls this at shutdown. */
  onApplicationShutdown(): void {
    this.client.destroy();
  }

  private objectKey(key: string): string {
    assertBlobKey(key);
    return `${this.prefix}${key}`;
  }
}
