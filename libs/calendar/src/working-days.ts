import { cityToday } from '@app/common';

/** Calendar days are 'YYYY-MM-DD' strings in the city's time zone (UTC+7, no daylight saving). */
const DAY_MS = 86_400_000;

export function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}

export function isWeekend(day: string): boolean {
  const dow = new Date(`${day}T00:00:00Z`).getUTCDay();
  return dow === 0 || dow === 6;
}

export function isWorkingDay(day: string, holidays: ReadonlySet<string>): boolean {
  return !isWeekend(day) && !holidays.has(day);
}

/**
 * The n-th working day after `day` (the day itself never counts: a decision taken on a Monday
 * starts its period on Tuesday). n = 0 gives `day` back.
 */
export function addWorkingDays(day: string, n: number, holidays: ReadonlySet<string>): string {
  let current = day;
  for (let counted = 0; counted < n;) {
    current = nextDay(current);
    if (isWorkingDay(current, holidays)) counted++;
  }
  return current;
}

/**
 * When a period of `n` working days that starts after `at` ends: midnight in Hai Phong at the end
 * of its last working day (so the whole of that day is inside the period).
 */
export function workingDaysEnd(at: Date, n: number, holidays: ReadonlySet<string>): Date {
  const last = addWorkingDays(cityToday(at), n, holidays);
  return new Date(`${nextDay(last)}T00:00:00+07:00`);
}

/** How many calendar days to load so that `n` working days surely fit (weekends + Tết's week). */
export function lookaheadDays(n: number): number {
  return Math.ceil(n * 1.6) + 21;
}
