import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppConfig, loadDotEnv, startInternalServer, validateEnv } from '@app/common';
import { OperationsService, OutboxRelay } from '@app/jobs';
import { WorkerModule } from './worker.module';

/** The worker: BullMQ processors and the outbox relay. No HTTP. */
async function bootstrap(): Promise<void> {
  loadDotEnv();
  validateEnv(process.env);
  const app = await NestFactory.createApplicationContext(WorkerModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  const config = app.get(AppConfig);
  const operations = app.get(OperationsService);
  const relay = app.get(OutboxRelay);
  // The worker's health signal: PostgreSQL and Redis answer, and the outbox relay is not stuck.
  const server = await startInternalServer(config.get('WORKER_METRICS_PORT'), config.get('METRICS_HOST'), async () => {
    const probe = await operations.probe();
    const stalledFor = Math.round((Date.now() - relay.lastRoundAt) / 1000);
    const relayUp = stalledFor < config.get('WORKER_STALL_SECONDS');
    return {
      ok: probe.ok && relayUp,
      details: { ...probe.details, outboxRelay: { status: relayUp ? 'up' : 'down', lastRoundSecondsAgo: stalledFor } },
    };
  });
  app
    .get(Logger)
    .log(
      `Worker started: relaying the outbox and processing jobs${server ? `; health and metrics on ${config.get('METRICS_HOST')}:${config.get('WORKER_METRICS_PORT')}` : ''}`,
    );
}

bootstrap().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
