import 'reflect-metadata';
import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig, loadDotEnv, startInternalServer } from '@app/common';
import { OperationsService } from '@app/jobs';
import { AuditService } from '@app/audit';
import { blobStorageFromConfig, LocalDiskBlobStorage, rotateMasterKey } from '@app/proposals';
import { DataSource } from 'typeorm';
import { createApp } from './bootstrap';
import { SeedModule, runSeed } from './seed';

async function serve(): Promise<void> {
  const app = await createApp();
  const config = app.get(AppConfig);
  await app.listen({ port: config.get('PORT'), host: '0.0.0.0' });
  // Prometheus metrics and a readiness probe on an internal port, never on the public one.
  const operations = app.get(OperationsService);
  await startInternalServer(config.get('METRICS_PORT'), config.get('METRICS_HOST'), () => operations.probe());
}

/** `node main.js migrate`: apply migrations, load reference data, make sure an admin exists. */
async function migrate(): Promise<void> {
  const ctx = await NestFactory.createApplicationContext(SeedModule, { logger: ['error', 'warn'] });
  try {
    await runSeed(ctx);
  } finally {
    await ctx.close();
  }
}

/**
 * `node main.js rotate-master-key`: re-wraps every key DATA_MASTER_KEY protects under
 * NEW_DATA_MASTER_KEY (read from the environment, never the command line), in one transaction.
 * Stop the API and the worker first; afterwards set DATA_MASTER_KEY to the new value. See docs/runbook.md.
 */
async function rotate(): Promise<void> {
  const newMaster = Buffer.from(process.env.NEW_DATA_MASTER_KEY ?? '', 'base64');
  if (newMaster.length !== 32)
    throw new Error('Set NEW_DATA_MASTER_KEY to the base64 of 32 random bytes (openssl rand -base64 32)');
  const ctx = await NestFactory.createApplicationContext(SeedModule, { logger: ['error', 'warn'] });
  try {
    const oldMaster = Buffer.from(ctx.get(AppConfig).get('DATA_MASTER_KEY'), 'base64');
    const counts = await ctx.get(DataSource).transaction(async (manager) => {
      const done = await rotateMasterKey(manager, oldMaster, newMaster);
      await ctx.get(AuditService).record(manager, {
        actor: null,
        action: 'security.master_key_rotated',
        entityType: 'system',
        entityId: 'DATA_MASTER_KEY',
        after: { ...done },
      });
      return done;
    });
    console.log(
      `[rotate] re-wrapped ${counts.problemKeys} problem keys, ${counts.versions} proposal versions, ${counts.attachments} attachments; ` +
        'now set DATA_MASTER_KEY to the new value and start the API and the worker',
    );
  } finally {
    await ctx.close();
  }
}

/**
 * `node main.js copy-blobs-from-disk`: copies every attachment file under STORAGE_DIR into the
 * store BLOB_STORE names (PostgreSQL by default), for an installation that kept them on disk
 * before. Safe to run again: each copy replaces the same key with the same sealed bytes.
 */
async function copyBlobsFromDisk(): Promise<void> {
  const ctx = await NestFactory.createApplicationContext(SeedModule, { logger: ['error', 'warn'] });
  const config = ctx.get(AppConfig);
  const target = blobStorageFromConfig(config);
  try {
    if (config.get('BLOB_STORE') === 'disk') throw new Error('BLOB_STORE is disk already: set it to postgres or s3 first');
    const source = new LocalDiskBlobStorage(config.get('STORAGE_DIR'));
    let copied = 0;
    for await (const { key } of source.list()) {
      if (key.endsWith('.tmp')) continue;
      await target.put(key, await source.open(key));
      copied += 1;
    }
    console.log(
      `[copy-blobs] copied ${copied} files from ${config.get('STORAGE_DIR')} into the ${config.get('BLOB_STORE')} store`,
    );
  } finally {
    await (target as Partial<OnApplicationShutdown>).onApplicationShutdown?.();
    await ctx.close();
  }
}

loadDotEnv();
const command = process.argv[2] ?? 'serve';
const commands: Record<string, () => Promise<void>> = {
  serve,
  migrate,
  'rotate-master-key': rotate,
  'copy-blobs-from-disk': copyBlobsFromDisk,
};
const run =
  commands[command] ??
  (() => Promise.reject(new Error(`unknown command ${command}; use serve, migrate, rotate-master-key or copy-blobs-from-disk`)));
run().catch((err: unknown) => {
  new Logger('main').error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
