import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig } from '@app/common';
import { createApp } from './bootstrap';
import { SeedModule, runSeed } from './seed';

async function serve(): Promise<void> {
  const app = await createApp();
  const port = app.get(AppConfig).get('PORT');
  await app.listen({ port, host: '0.0.0.0' });
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

const command = process.argv[2] ?? 'serve';
const run = command === 'migrate' ? migrate : serve;
run().catch((err: unknown) => {
  new Logger('main').error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
