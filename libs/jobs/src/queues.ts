/** Queue and job names are constants; payload types are shared by producers and processors. */
export const QUEUES = {
  mail: 'mail',
  notifications: 'notifications',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const MAIL_JOBS = {
  accountCreated: 'account-created',
} as const;
export type MailJobName = (typeof MAIL_JOBS)[keyof typeof MAIL_JOBS];

export interface AccountCreatedPayload {
  userId: string;
  /** True when the account has no password yet and the mail must carry a set-password link. */
  needsPasswordSetup: boolean;
}

export interface MailJobPayloads {
  [MAIL_JOBS.accountCreated]: AccountCreatedPayload;
}
