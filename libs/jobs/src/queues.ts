/** Queue and job names are constants; payload types are shared by producers and processors. */
export const QUEUES = {
  mail: 'mail',
  notifications: 'notifications',
  problems: 'problems',
  evaluation: 'evaluation',
  imports: 'imports',
  orders: 'orders',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const MAIL_JOBS = {
  accountCreated: 'account-created',
  enterpriseStatusChanged: 'enterprise-status-changed',
  registrationRequested: 'registration-requested',
  registrationOnExistingAccount: 'registration-on-existing-account',
  memberInvited: 'member-invited',
} as const;
export type MailJobName = (typeof MAIL_JOBS)[keyof typeof MAIL_JOBS];

export interface AccountCreatedPayload {
  userId: string;
  /** True when the account has no password yet and the mail must carry a set-password link. */
  needsPasswordSetup: boolean;
}

/** A firm's registration was received or decided on; its members are told. */
export interface EnterpriseStatusChangedPayload {
  enterpriseId: string;
  /** enterprise_status_history.id (a bigint, as text) of the change to announce. */
  historyId: string;
}

/** A firm's registration waits for its owner to open the mailed link (registration_requests.id). */
export interface RegistrationRequestedPayload {
  requestId: string;
}

/** Someone registered a firm with the address of an existing account; its holder is told, nobody else. */
export interface RegistrationOnExistingAccountPayload {
  userId: string;
}

/** A firm invited a colleague (member_invitations.id); the worker decides which mail the address gets. */
export interface MemberInvitedPayload {
  invitationId: string;
}

export interface MailJobPayloads {
  [MAIL_JOBS.accountCreated]: AccountCreatedPayload;
  [MAIL_JOBS.enterpriseStatusChanged]: EnterpriseStatusChangedPayload;
  [MAIL_JOBS.registrationRequested]: RegistrationRequestedPayload;
  [MAIL_JOBS.registrationOnExistingAccount]: RegistrationOnExistingAccountPayload;
  [MAIL_JOBS.memberInvited]: MemberInvitedPayload;
}

/** Jobs on the problems queue (libs/problems); the worker's ProblemsProcessor routes them. */
export const PROBLEM_JOBS = {
  /** Delayed to the deadline: closes the problem if it is still published and the deadline has passed. */
  closeProblem: 'close-problem',
  /** Periodic (job scheduler): closes every published problem whose deadline has passed. */
  sweepDeadlines: 'sweep-deadlines',
  /** Delayed to deadline − N hours: reminds followers and bidders, unless the deadline moved. */
  deadlineReminder: 'deadline-reminder',
  /** On publish: finds the firms whose subscriptions match and notifies them in batches. */
  notifyMatchingSubscribers: 'notify-matching-subscribers',
} as const;
export type ProblemJobName = (typeof PROBLEM_JOBS)[keyof typeof PROBLEM_JOBS];

export interface ProblemJobPayload {
  problemId: string;
}

export interface DeadlineReminderPayload {
  problemId: string;
  hoursBefore: number;
  /** The deadline the reminder was planned for (ISO); a moved deadline makes the reminder stale. */
  deadline: string;
}

export interface ProblemJobPayloads {
  [PROBLEM_JOBS.closeProblem]: ProblemJobPayload;
  [PROBLEM_JOBS.sweepDeadlines]: Record<string, never>;
  [PROBLEM_JOBS.deadlineReminder]: DeadlineReminderPayload;
  [PROBLEM_JOBS.notifyMatchingSubscribers]: ProblemJobPayload;
}

/** Jobs on the evaluation queue (libs/evaluation); the worker's EvaluationProcessor routes them. */
export const EVALUATION_JOBS = {
  /** Periodic (job scheduler): reminds evaluators who owe scores and departments that owe a decision. */
  sweepReminders: 'sweep-evaluation-reminders',
} as const;
export type EvaluationJobName = (typeof EVALUATION_JOBS)[keyof typeof EVALUATION_JOBS];

/** Jobs on the orders queue (libs/orders); the worker's OrdersProcessor routes them. */
export const ORDER_JOBS = {
  /** Periodic (job scheduler): reminds both sides of milestones falling due or overdue. */
  sweepReminders: 'sweep-order-reminders',
} as const;
export type OrderJobName = (typeof ORDER_JOBS)[keyof typeof ORDER_JOBS];

/** Jobs on the imports queue (libs/enterprises): the dry run of an uploaded list, then its commit. */
export const IMPORT_JOBS = {
  /** Parses and checks every row of the file, writes the row report; writes no firm. */
  validate: 'validate-import',
  /** Writes the ready and updated rows of a validated import, in batches, resumably. */
  commit: 'commit-import',
} as const;
export type ImportJobName = (typeof IMPORT_JOBS)[keyof typeof IMPORT_JOBS];

export interface ImportJobPayload {
  importId: string;
}
