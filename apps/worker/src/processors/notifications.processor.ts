import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { QUEUES } from '@app/jobs';
import { DeliverEmailsPayload, NOTIFICATION_JOBS, NotificationJobName, NotificationMailer } from '@app/notifications';

/** Thin: routes each notifications-queue job to the service that does the work. */
@Processor(QUEUES.notifications)
export class NotificationsProcessor extends WorkerHost {
  private readonly logger = new Logger(NotificationsProcessor.name);

  constructor(private readonly mailer: NotificationMailer) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    const name = job.name as NotificationJobName;
    switch (name) {
      case NOTIFICATION_JOBS.deliverEmails:
        return this.mailer.deliver(job.data as DeliverEmailsPayload);
      default: {
        const unknown: never = name;
        this.logger.error(`Unknown notifications job ${String(unknown)}`);
        throw new Error(`Unknown notifications job ${String(unknown)}`);
      }
    }
  }
}
