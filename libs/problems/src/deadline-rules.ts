/** Deadline arithmetic, pure: `now` is always the database clock, read by the caller. */

export const DAY_MS = 24 * 3600 * 1000;
export const HOUR_MS = 3600 * 1000;

export function addDays(at: Date, days: number): Date {
  return new Date(at.getTime() + days * DAY_MS);
}

/** Clarifications close a fixed number of days before the proposal deadline, unless set. */
export function defaultClarificationDeadline(deadline: Date, closeDays: number): Date {
  return addDays(deadline, -closeDays);
}

export type PublishCheck =
  | { ok: true }
  | { ok: false; reason: 'deadline_too_soon'; earliest: Date }
  | { ok: false; reason: 'clarification_past' | 'clarification_after_deadline' };

/** A problem stays open at least `minOpenDays`; questions may be asked from publishing until the clarification deadline. */
export function checkPublishable(now: Date, deadline: Date, clarificationDeadline: Date, minOpenDays: number): PublishCheck {
  const earliest = addDays(now, minOpenDays);
  if (deadline.getTime() < earliest.getTime()) return { ok: false, reason: 'deadline_too_soon', earliest };
  if (clarificationDeadline.getTime() > deadline.getTime()) return { ok: false, reason: 'clarification_after_deadline' };
  if (clarificationDeadline.getTime() < now.getTime()) return { ok: false, reason: 'clarification_past' };
  return { ok: true };
}

export interface AmendedDeadlines {
  deadline: Date;
  clarificationDeadline: Date;
  /** True when the deadline was pushed out to keep the minimum remaining time. */
  pushed: boolean;
}

export type AmendmentRefusal =
  | { reason: 'deadline_passed' }
  | { reason: 'deadline_shortened'; deadline: Date }
  | { reason: 'below_minimum_open_period'; earliest: Date }
  | { reason: 'clarification_shortened'; clarificationDeadline: Date }
  | { reason: 'clarification_past' };

/**
 * What an amendment may not do to the dates, whatever else it changes:
 * - amend at all once the deadline has passed (bids received until then are being committed);
 * - move the deadline earlier: firms planned their bids on it, and refusing only when a bid exists
 *   would tell the department that one does — so it is refused always;
 * - leave less than the minimum open period since publishing (implied by the above; kept as its own
 *   check so a changed rule cannot silently allow it);
 * - move the clarification deadline earlier, or into the past.
 */
export function refuseAmendedDates(input: {
  now: Date;
  publishedAt: Date;
  deadline: Date;
  clarificationDeadline: Date;
  requestedDeadline?: Date;
  requestedClarificationDeadline?: Date;
  minOpenDays: number;
}): AmendmentRefusal | null {
  if (input.now.getTime() >= input.deadline.getTime()) return { reason: 'deadline_passed' };
  const requested = input.requestedDeadline;
  if (requested && requested.getTime() < input.deadline.getTime())
    return { reason: 'deadline_shortened', deadline: input.deadline };
  const earliest = addDays(input.publishedAt, input.minOpenDays);
  if (requested && requested.getTime() < earliest.getTime()) return { reason: 'below_minimum_open_period', earliest };
  const clarification = input.requestedClarificationDeadline;
  if (clarification && clarification.getTime() < input.clarificationDeadline.getTime()) {
    return { reason: 'clarification_shortened', clarificationDeadline: input.clarificationDeadline };
  }
  if (clarification && clarification.getTime() < input.now.getTime()) return { reason: 'clarification_past' };
  return null;
}

/**
 * The deadlines after an amendment. The (requested or current) deadline is pushed out so that at
 * least `minRemainingDays` remain from now; a pushed deadline lands on exactly that, rounded up to the
 * whole second. When the deadline moves and no clarification deadline was asked for, the clarification
 * deadline moves by the same amount, keeping the window firms had (never past the deadline).
 */
export function amendDeadlines(input: {
  now: Date;
  deadline: Date;
  clarificationDeadline: Date;
  requestedDeadline?: Date;
  requestedClarificationDeadline?: Date;
  minRemainingDays: number;
}): AmendedDeadlines {
  const minimum = new Date(Math.ceil(addDays(input.now, input.minRemainingDays).getTime() / 1000) * 1000);
  let deadline = input.requestedDeadline ?? input.deadline;
  const pushed = deadline.getTime() < minimum.getTime();
  if (pushed) deadline = minimum;
  const clarificationDeadline = movedClarificationDeadline(
    input.deadline,
    input.clarificationDeadline,
    deadline,
    input.requestedClarificationDeadline,
  );
  return { deadline, clarificationDeadline, pushed };
}

/**
 * The clarification deadline after the deadline moved from `previousDeadline` to `deadline`: as asked
 * when asked for (the caller refuses one after the deadline), else shifted by the same amount, never
 * past the deadline.
 */
export function movedClarificationDeadline(
  previousDeadline: Date,
  previousClarification: Date,
  deadline: Date,
  requested?: Date,
): Date {
  if (requested) return requested;
  const shifted = new Date(previousClarification.getTime() + deadline.getTime() - previousDeadline.getTime());
  return shifted.getTime() > deadline.getTime() ? deadline : shifted;
}

/** When the reminders for a deadline fall; ones already in the past are not planned. */
export function reminderTimes(now: Date, deadline: Date, hoursBefore: number[]): { hoursBefore: number; runAt: Date }[] {
  return hoursBefore
    .map((h) => ({ hoursBefore: h, runAt: new Date(deadline.getTime() - h * HOUR_MS) }))
    .filter((r) => r.runAt.getTime() > now.getTime());
}

export function parseReminderHours(value: string): number[] {
  return [
    ...new Set(
      value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .map(Number)
        .filter((n) => Number.isInteger(n) && n > 0),
    ),
  ];
}
