export * from './queues';
export * from './jobs.module';
export * from './outbox.service';
export * from './outbox-relay.service';
export * from './outbox-message.entity';
export * from './operations.service';
