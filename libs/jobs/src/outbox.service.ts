import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { prepare } from '@app/database';
import { MailJobName, MailJobPayloads, QUEUES, QueueName } from './queues';

export interface OutboxJob {
  queue: QueueName;
  name: string;
  payload: object;
  runAt?: Date;
}

const insertJob = prepare((database, p: { queue: string; jobName: string; payload: string; runAt: Date | null }) =>
  database.insertInto('outbox').values({ queue: p.queue, job_name: p.jobName, payload: p.payload, run_at: p.runAt, attempts: 0 }),
);

/**
 * Writes jobs into the outbox inside the caller's transaction: the job exists if and only if
 * the change that caused it committed. The relay in the worker moves rows to BullMQ.
 */
@Injectable()
export class OutboxService {
  async enqueue(manager: EntityManager, job: OutboxJob): Promise<void> {
    await insertJob(manager, {
      queue: job.queue,
      jobName: job.name,
      payload: JSON.stringify(job.payload),
      runAt: job.runAt ?? null,
    });
  }

  /** Typed shortcut for mail jobs. */
  async enqueueMail<N extends MailJobName>(manager: EntityManager, name: N, payload: MailJobPayloads[N]): Promise<void> {
    await this.enqueue(manager, { queue: QUEUES.mail, name, payload });
  }
}
