import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig, loadDotEnv, startInternalServer } from '@app/common';
import { OperationsService } from '@app/jobs';
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

loadDotEnv();
const command = process.argv[2] ?? 'serve';
const run = command === 'migrate' ? migrate : serve;
run().catch((err: unknown) => {
  new Logger('main').error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
