/**
 * Jobs on the notifications queue. Fan-out jobs (one per event, resolving recipients in the
 * worker, batched) are added here by the features that need them, each with its payload type.
 */
export const NOTIFICATION_JOBS = {
  /** E-mail the given in-app notifications to their users (idempotent: skips ones already mailed). */
  deliverEmails: 'deliver-emails',
} as const;
export type NotificationJobName = (typeof NOTIFICATION_JOBS)[keyof typeof NOTIFICATION_JOBS];

export interface DeliverEmailsPayload {
  notificationIds: string[];
}

/** What a notification is about; clients may filter and render on it. */
export const NOTIFICATION_KINDS = [
  'problem.matching',
  'problem.invitation',
  'problem.amended',
  'problem.closed',
  'problem.cancelled',
  'question.asked',
  'question.answered',
  'deadline.reminder',
  'proposal.received',
  'proposal.confirm_or_revise',
  'enterprise.status_changed',
  'panel.assigned',
  'panel.short',
  'evaluation.reminder',
  'award.outcome',
  'complaint.filed',
  'complaint.answered',
  'complaint.decided',
  'order.update',
  'order.reminder',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];
