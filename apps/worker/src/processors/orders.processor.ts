import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import { AppConfig } from '@app/common';
import { ORDER_JOBS, OrderJobName, QUEUES } from '@app/jobs';
import { OrderRemindersService } from '@app/orders';

export const ORDER_REMINDER_SCHEDULER_ID = 'order-reminder-sweep';

/** Thin: (re-)registers the periodic milestone reminder sweep on start and routes its jobs. */
@Processor(QUEUES.orders)
export class OrdersProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(OrdersProcessor.name);

  constructor(
    private readonly reminders: OrderRemindersService,
    private readonly config: AppConfig,
    @InjectQueue(QUEUES.orders) private readonly queue: Queue,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      ORDER_REMINDER_SCHEDULER_ID,
      { every: this.config.get('ORDER_REMINDER_SWEEP_INTERVAL_MS') },
      { name: ORDER_JOBS.sweepReminders, data: {}, opts: { removeOnComplete: 100, removeOnFail: 100 } },
    );
  }

  async process(job: Job): Promise<unknown> {
    const name = job.name as OrderJobName;
    switch (name) {
      case ORDER_JOBS.sweepReminders:
        return this.reminders.sweep();
      default: {
        const unknown: never = name;
        this.logger.error(`Unknown order job ${String(unknown)}`);
        throw new Error(`Unknown order job ${String(unknown)}`);
      }
    }
  }
}
