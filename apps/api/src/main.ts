import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig, loadDotEnv, startInternalServer } from '@app/common';
import { OperationsService } from '@app/jobs';
import { AuditService } from '@app/audit';
import { rotateMasterKey } from '@app/proposals';
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
  if (newMaster.length !== 32) throw new Error('Set NEW_DATA_MASTER_KEY to the base64 of 32 random bytes (openssl rand -base64 32)');
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

loadDotEnv();
const command = process.argv[2] ?? 'serve';
const commands: Record<string, () => Promise<void>> = { serve, migrate, 'rotate-master-key': rotate };
const run = commands[command] ?? (() => Promise.reject(new Error(`unknown command ${command}; use serve, migrate or rotate-master-key`)));
run().catch((err: unknown) => {
  new Logger('main').error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
