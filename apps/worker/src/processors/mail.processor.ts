import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import {
  AccountCreatedPayload,
  EnterpriseStatusChangedPayload,
  MAIL_JOBS,
  MailJobName,
  MemberInvitedPayload,
  QUEUES,
  RegistrationOnExistingAccountPayload,
  RegistrationRequestedPayload,
} from '@app/jobs';
import { AccountMailer } from '@app/identity';
import { EnterpriseMailer, InvitationMailer, RegistrationMailer } from '@app/enterprises';

/** Thin: picks the mailer for the job; retries and backoff are set when the job is relayed. */
@Processor(QUEUES.mail)
export class MailProcessor extends WorkerHost {
  private readonly logger = new Logger(MailProcessor.name);

  constructor(
    private readonly accounts: AccountMailer,
    private readonly enterprises: EnterpriseMailer,
    private readonly registrations: RegistrationMailer,
    private readonly invitations: InvitationMailer,
  ) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    const name = job.name as MailJobName;
    switch (name) {
      case MAIL_JOBS.accountCreated:
        return this.accounts.sendAccountCreated(job.data as AccountCreatedPayload);
      case MAIL_JOBS.enterpriseStatusChanged:
        return this.enterprises.sendStatusChanged(job.data as EnterpriseStatusChangedPayload);
      case MAIL_JOBS.registrationRequested:
        return this.registrations.sendConfirmation(job.data as RegistrationRequestedPayload);
      case MAIL_JOBS.registrationOnExistingAccount:
        return this.registrations.sendExistingAccountNotice(job.data as RegistrationOnExistingAccountPayload);
      case MAIL_JOBS.memberInvited:
        return this.invitations.sendInvitation(job.data as MemberInvitedPayload);
      default: {
        const unknown: never = name;
        this.logger.error(`Unknown mail job ${String(unknown)}`);
        throw new Error(`Unknown mail job ${String(unknown)}`);
      }
    }
  }
}
