import {
  addDays,
  amendDeadlines,
  checkPublishable,
  DAY_MS,
  defaultClarificationDeadline,
  HOUR_MS,
  movedClarificationDeadline,
  parseReminderHours,
  reminderTimes,
} from './deadline-rules';

const now = new Date('2026-01-10T03:00:00.000Z');

describe('deadline arithmetic', () => {
  it('defaults the clarification deadline to N days before the deadline', () => {
    expect(defaultClarificationDeadline(new Date('2026-02-01T10:00:00Z'), 3).toISOString()).toBe('2026-01-29T10:00:00.000Z');
  });

  describe('publishing', () => {
    it('needs at least the minimum open period, to the millisecond', () => {
      const exactly = addDays(now, 9);
      expect(checkPublishable(now, exactly, addDays(now, 6), 9)).toEqual({ ok: true });
      const justShort = new Date(exactly.getTime() - 1);
      expect(checkPublishable(now, justShort, addDays(now, 6), 9)).toEqual({
        ok: false,
        reason: 'deadline_too_soon',
        earliest: exactly,
      });
    });

    it('refuses a clarification deadline in the past or after the deadline', () => {
      expect(checkPublishable(now, addDays(now, 10), new Date(now.getTime() - 1), 9)).toEqual({
        ok: false,
        reason: 'clarification_past',
      });
      expect(checkPublishable(now, addDays(now, 10), addDays(now, 11), 9)).toEqual({
        ok: false,
        reason: 'clarification_after_deadline',
      });
    });
  });

  describe('amendments', () => {
    it('leaves a deadline alone when enough time remains', () => {
      const deadline = addDays(now, 5);
      const clar = addDays(now, 2);
      expect(amendDeadlines({ now, deadline, clarificationDeadline: clar, minRemainingDays: 3 })).toEqual({
        deadline,
        clarificationDeadline: clar,
        pushed: false,
      });
    });

    it('pushes the deadline so that exactly the minimum remains, and shifts the clarification deadline with it', () => {
      const deadline = addDays(now, 1);
      const clar = new Date(deadline.getTime() - 12 * HOUR_MS);
      const result = amendDeadlines({ now, deadline, clarificationDeadline: clar, minRemainingDays: 3 });
      expect(result.pushed).toBe(true);
      expect(result.deadline.getTime() - now.getTime()).toBe(3 * DAY_MS);
      expect(result.clarificationDeadline.getTime()).toBe(result.deadline.getTime() - 12 * HOUR_MS);
    });

    it('rounds a pushed deadline up to the whole second (never less than the minimum)', () => {
      const odd = new Date('2026-01-10T03:00:00.250Z');
      const result = amendDeadlines({ now: odd, deadline: odd, clarificationDeadline: odd, minRemainingDays: 3 });
      expect(result.deadline.toISOString()).toBe('2026-01-13T03:00:01.000Z');
    });

    it('pushes a requested deadline that is too close, too', () => {
      const result = amendDeadlines({
        now,
        deadline: addDays(now, 10),
        clarificationDeadline: addDays(now, 7),
        requestedDeadline: addDays(now, 1),
        minRemainingDays: 3,
      });
      expect(result).toEqual({ deadline: addDays(now, 3), clarificationDeadline: addDays(now, 0), pushed: true });
    });

    it('keeps an explicitly requested clarification deadline as asked', () => {
      const requested = addDays(now, 4);
      const result = amendDeadlines({
        now,
        deadline: addDays(now, 10),
        clarificationDeadline: addDays(now, 7),
        requestedDeadline: addDays(now, 12),
        requestedClarificationDeadline: requested,
        minRemainingDays: 3,
      });
      expect(result.clarificationDeadline).toEqual(requested);
      expect(result.pushed).toBe(false);
    });

    it('never shifts the clarification deadline past the deadline', () => {
      expect(movedClarificationDeadline(addDays(now, 10), addDays(now, 20), addDays(now, 12))).toEqual(addDays(now, 12));
    });
  });

  describe('reminders', () => {
    it('plans the reminders still ahead, and none in the past', () => {
      const deadline = addDays(now, 1.5); // 36 h away: the 48 h reminder is already late
      expect(reminderTimes(now, deadline, [48, 24])).toEqual([
        { hoursBefore: 24, runAt: new Date(deadline.getTime() - 24 * HOUR_MS) },
      ]);
    });

    it('parses the configured hours', () => {
      expect(parseReminderHours('48, 24')).toEqual([48, 24]);
      expect(parseReminderHours('')).toEqual([]);
      expect(parseReminderHours('24,24,0')).toEqual([24]);
    });
  });
});
