export * from './queues';
export * from './jobs.module';
export * from './outbox.service';
export * from './outbox-relay.service';
export * from './operations.service';
