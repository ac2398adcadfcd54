import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { MailJobName, MailJobPayloads, QUEUES, QueueName } from './queues';
import { OutboxMessage } from './outbox-message.entity';

export interface OutboxJob {
  queue: QueueName;
  name: string;
  payload: object;
  runAt?: Date;
}

/**
 * Writes jobs into the outbox inside the caller's transaction: the job exists if and only if
 * the change that caused it committed. The relay in the worker moves rows to BullMQ.
 */
@Injectable()
export class OutboxService {
  async enqueue(manager: EntityManager, job: OutboxJob): Promise<void> {
    await manager.insert(OutboxMessage, {
      queue: job.queue,
      jobName: job.name,
      payload: job.payload,
      runAt: job.runAt ?? null,
      attempts: 0,
    });
  }

  /** Typed shortcut for mail jobs. */
  async enqueueMail<N extends MailJobName>(manager: EntityManager, name: N, payload: MailJobPayloads[N]): Promise<void> {
    await this.enqueue(manager, { queue: QUEUES.mail, name, payload });
  }
}
