import { addWorkingDays, isWorkingDay, workingDaysEnd } from './working-days';

describe('working days of the city calendar', () => {
  const tet2026 = new Set(['2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20']);

  it('skips weekends', () => {
    // Friday 6 Nov 2026 + 5 working days: Mon 9 … Fri 13.
    expect(addWorkingDays('2026-11-06', 5, new Set())).toBe('2026-11-13');
    // Monday + 5: Tue … Fri, then Monday.
    expect(addWorkingDays('2026-11-09', 5, new Set())).toBe('2026-11-16');
    expect(isWorkingDay('2026-11-07', new Set())).toBe(false);
    expect(isWorkingDay('2026-11-08', new Set())).toBe(false);
  });

  it('skips holidays: a decision just before Tết waits out the whole break', () => {
    // Thursday 12 Feb 2026: Fri 13, (weekend, Tết 16–20, weekend), Mon 23, Tue 24, Wed 25, Thu 26.
    expect(addWorkingDays('2026-02-12', 5, tet2026)).toBe('2026-02-26');
  });

  it('counts a decision taken on a day off from the next working day', () => {
    expect(addWorkingDays('2026-11-07', 1, new Set())).toBe('2026-11-09');
    expect(addWorkingDays('2026-11-07', 0, new Set())).toBe('2026-11-07');
  });

  it('ends at midnight in Hai Phong after the last working day, whatever the UTC date of the decision', () => {
    // 23:30 on Monday 9 Nov in Hai Phong is still 9 Nov there (16:30 UTC).
    expect(workingDaysEnd(new Date('2026-11-09T16:30:00Z'), 5, new Set()).toISOString()).toBe('2026-11-16T17:00:00.000Z');
    // 00:30 on Tuesday 10 Nov in Hai Phong is 17:30 UTC on Monday: the period starts a day later.
    expect(workingDaysEnd(new Date('2026-11-09T17:30:00Z'), 5, new Set()).toISOString()).toBe('2026-11-17T17:00:00.000Z');
  });
});
