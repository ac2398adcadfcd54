import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { AccountCreatedPayload, MAIL_JOBS, MailJobName, QUEUES } from '@app/jobs';
import { AccountMailer } from '@app/identity';

/** Thin: picks the mailer for the job; retries and backoff are set when the job is relayed. */
@Processor(QUEUES.mail)
export class MailProcessor extends WorkerHost {
  private readonly logger = new Logger(MailProcessor.name);

  constructor(private readonly accounts: AccountMailer) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    const name = job.name as MailJobName;
    switch (name) {
      case MAIL_JOBS.accountCreated:
        return this.accounts.sendAccountCreated(job.data as AccountCreatedPayload);
      default: {
        const unknown: never = name;
        this.logger.error(`Unknown mail job ${String(unknown)}`);
        throw new Error(`Unknown mail job ${String(unknown)}`);
      }
    }
  }
}
