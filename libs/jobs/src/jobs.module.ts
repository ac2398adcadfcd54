import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from '@app/common';
import { OutboxService } from './outbox.service';
import { OperationsService } from './operations.service';
import { OutboxRelay } from './outbox-relay.service';
import { QUEUES } from './queues';

/** Parses REDIS_URL into the connection options BullMQ (ioredis) takes. */
export function redisConnection(url: string) {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
  };
}

const queueRegistrations = Object.values(QUEUES).map((name) => ({ name }));

/**
 * Global: producers (the API) get OutboxService; the worker adds `JobsModule.withRelay()`
 * to also run the relay that moves outbox rows to Redis.
 */
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        connection: { ...redisConnection(config.get('REDIS_URL')), maxRetriesPerRequest: null },
      }),
    }),
    BullModule.registerQueue(...queueRegistrations),
  ],
  providers: [OutboxService, OperationsService],
  exports: [OutboxService, OperationsService, BullModule],
})
export class JobsModule {
  static withRelay(): DynamicModule {
    return { module: JobsModule, providers: [OutboxRelay], exports: [OutboxRelay] };
  }
}
