import { applyDecorators } from '@nestjs/common';
import { IsISO8601, Matches } from 'class-validator';
import type { EntityManager } from 'typeorm';

/** Dates without a time ("as of") are the city's calendar days. Viet Nam has no daylight saving. */
export const CITY_TIME_ZONE = 'Asia/Ho_Chi_Minh';

const dayFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: CITY_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** Today in Hai Phong as YYYY-MM-DD. */
export function cityToday(now: Date = new Date()): string {
  const parts = Object.fromEntries(dayFormat.formatToParts(now).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/**
 * Today in Hai Phong by the database clock (the transaction's start), as YYYY-MM-DD. Used where
 * a date is recorded with a change, so every API instance agrees on when a day ends.
 */
export async function cityTodayByDb(manager: EntityManager): Promise<string> {
  const rows = await manager.query<{ today: string }[]>(`SELECT (now() AT TIME ZONE $1)::date::text AS today`, [CITY_TIME_ZONE]);
  return rows[0].today;
}

const localTimeFormat = new Intl.DateTimeFormat('vi-VN', { timeZone: CITY_TIME_ZONE, dateStyle: 'short', timeStyle: 'short' });

/** For notification and e-mail texts: people read times in Hai Phong's own zone. */
export function localTime(at: Date | string): string {
  return `${localTimeFormat.format(new Date(at))} (giờ Việt Nam)`;
}

/** A real calendar day written YYYY-MM-DD (2025-02-29 is refused). */
export function IsCalendarDate(): PropertyDecorator {
  return applyDecorators(
    Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '$property must be a date written YYYY-MM-DD' }),
    IsISO8601({ strict: true, strictSeparator: true }, { message: '$property must be a real calendar date' }),
  );
}
