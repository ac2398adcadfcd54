import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import { AppConfig } from '@app/common';
import { DeadlineReminderPayload, PROBLEM_JOBS, ProblemJobName, ProblemJobPayload, QUEUES } from '@app/jobs';
import { FollowsService, ProblemDeadlinesService } from '@app/problems';

/** Names the one periodic sweep; upserting it again (every worker start) replaces rather than duplicates it. */
export const DEADLINE_SWEEP_SCHEDULER_ID = 'deadline-sweep';

/**
 * Thin: routes problems-queue jobs to the services. On start it (re-)registers the periodic deadline
 * sweep, so a flushed Redis loses at most the time until the next worker start, and the sweep closes
 * any problem whose delayed close job was lost.
 */
@Processor(QUEUES.problems)
export class ProblemsProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(ProblemsProcessor.name);

  constructor(
    private readonly deadlines: ProblemDeadlinesService,
    private readonly follows: FollowsService,
    private readonly config: AppConfig,
    @InjectQueue(QUEUES.problems) private readonly queue: Queue,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      DEADLINE_SWEEP_SCHEDULER_ID,
      { every: this.config.get('DEADLINE_SWEEP_INTERVAL_MS') },
      { name: PROBLEM_JOBS.sweepDeadlines, data: {}, opts: { removeOnComplete: 100, removeOnFail: 100 } },
    );
  }

  async process(job: Job): Promise<unknown> {
    const name = job.name as ProblemJobName;
    switch (name) {
      case PROBLEM_JOBS.closeProblem:
        return this.deadlines.closeOnDeadline((job.data as ProblemJobPayload).problemId);
      case PROBLEM_JOBS.sweepDeadlines:
        return this.deadlines.sweep();
      case PROBLEM_JOBS.deadlineReminder:
        return this.deadlines.remind(job.data as DeadlineReminderPayload);
      case PROBLEM_JOBS.notifyMatchingSubscribers:
        return this.follows.notifyMatchingSubscribers((job.data as ProblemJobPayload).problemId);
      default: {
        const unknown: never = name;
        this.logger.error(`Unknown problems job ${String(unknown)}`);
        throw new Error(`Unknown problems job ${String(unknown)}`);
      }
    }
  }
}
