import { applyDecorators } from '@nestjs/common';
import { IsISO8601, Matches } from 'class-validator';

/** Dates without a time ("as of") are the city's calendar days. Viet Nam has no daylight saving. */
export const CITY_TIME_ZONE = 'Asia/Ho_Chi_Minh';
const CITY_OFFSET_MS = 7 * 3_600_000;

/** Today in Hai Phong as YYYY-MM-DD (UTC+7 all year: plain arithmetic, no time-zone lookup per call). */
export function cityToday(now: Date = new Date()): string {
  return new Date(now.getTime() + CITY_OFFSET_MS).toISOString().slice(0, 10);
}

/**
 * An instant as the API shows it: ISO 8601 in Hai Phong's zone with its offset written out,
 * e.g. 2026-11-22T17:30:00.000+07:00 for 2026-11-22T10:30:00.000Z. Viet Nam has no daylight
 * saving, so the offset is always +07:00. Stored data (audit snapshots, outbox payloads, jsonb,
 * cursors, hashes) keeps `toISOString()` (UTC) as before.
 */
export function cityIso(at: Date | string): string {
  const ms = new Date(at).getTime();
  if (Number.isNaN(ms)) throw new RangeError(`Not an instant: ${String(at)}`);
  // The UTC ISO form of the shifted instant, with the offset written in place of the Z (one native call per date).
  return `${new Date(ms + CITY_OFFSET_MS).toISOString().slice(0, -1)}+07:00`;
}

/** An instant as stored data has always written it: UTC, `toISOString()`. */
export function utcIso(at: Date | string): string {
  return new Date(at).toISOString();
}

/** A real calendar day written YYYY-MM-DD (2025-02-29 is refused). */
export function IsCalendarDate(): PropertyDecorator {
  return applyDecorators(
    Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'validation.calendarDate' }),
    IsISO8601({ strict: true, strictSeparator: true }, { message: 'validation.realDate' }),
  );
}
