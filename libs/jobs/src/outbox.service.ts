import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { db } from '@app/database';
import { MailJobName, MailJobPayloads, QUEUES, QueueName } from './queues';

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
    await db(manager)
      .insertInto('outbox')
      .values({
        queue: job.queue,
        job_name: job.name,
        payload: JSON.stringify(job.payload),
        run_at: job.runAt ?? null,
        attempts: 0,
      })
      .execute();
  }

  /** Typed shortcut for mail jobs. */
  async enqueueMail<N extends MailJobName>(manager: EntityManager, name: N, payload: MailJobPayloads[N]): Promise<void> {
    await this.enqueue(manager, { queue: QUEUES.mail, name, payload });
  }
}
