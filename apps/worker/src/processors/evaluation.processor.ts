import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import { AppConfig } from '@app/common';
import { EVALUATION_JOBS, EvaluationJobName, QUEUES } from '@app/jobs';
import { EvaluationRemindersService } from '@app/evaluation';

export const EVALUATION_REMINDER_SCHEDULER_ID = 'evaluation-reminder-sweep';

/** Thin: (re-)registers the periodic reminder sweep on start and routes its jobs. */
@Processor(QUEUES.evaluation)
export class EvaluationProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(EvaluationProcessor.name);

  constructor(
    private readonly reminders: EvaluationRemindersService,
    private readonly config: AppConfig,
    @InjectQueue(QUEUES.evaluation) private readonly queue: Queue,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      EVALUATION_REMINDER_SCHEDULER_ID,
      { every: this.config.get('EVALUATION_REMINDER_SWEEP_INTERVAL_MS') },
      { name: EVALUATION_JOBS.sweepReminders, data: {}, opts: { removeOnComplete: 100, removeOnFail: 100 } },
    );
  }

  async process(job: Job): Promise<unknown> {
    const name = job.name as EvaluationJobName;
    switch (name) {
      case EVALUATION_JOBS.sweepReminders:
        return this.reminders.sweep();
      default: {
        const unknown: never = name;
        this.logger.error(`Unknown evaluation job ${String(unknown)}`);
        throw new Error(`Unknown evaluation job ${String(unknown)}`);
      }
    }
  }
}
