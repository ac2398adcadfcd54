import type { EntityManager } from 'typeorm';
import { AppError, ErrorCode } from '@app/common';
import { sql } from 'kysely';
import { db } from '@app/database';
import type { Enterprise } from './enterprise-records';
import type { StatusAction } from './status-transitions';

export type EffectiveDateRule = 'activity_start' | 'registration' | 'footprint_change' | 'previous_decision';

/** When the firm's digital-technology activity began: the stated later start, else its founding date. */
export const activityStartOf = (firm: Pick<Enterprise, 'activityStartedOn' | 'foundedOn'>): string | null =>
  firm.activityStartedOn ?? firm.foundedOn;

/** The earliest day a decision may be dated, and the rule that sets it. */
export async function earliestEffectiveDate(
  manager: EntityManager,
  firm: Enterprise,
  action: StatusAction,
): Promise<{ earliest: string; rule: EffectiveDateRule } | null> {
  const candidates: { earliest: string; rule: EffectiveDateRule }[] = [];
  if (action === 'verify' || action === 'reject') {
    // A firm counts from when its activity began, so its verification may be dated back to then;
    // without a known start, no earlier than its registration.
    const start = activityStartOf(firm);
    if (start) candidates.push({ earliest: start, rule: 'activity_start' });
    else {
      const reg = await db(manager)
        .selectFrom('enterprise_status_history')
        .select(sql<string | null>`min(effective_date)::text`.as('day'))
        .where('enterprise_id', '=', firm.id)
        .executeTakeFirst();
      if (reg?.day) candidates.push({ earliest: reg.day, rule: 'registration' });
    }
  } else {
    // Later decisions stay in date order after the decisions that made the firm count (not after its registration).
    const prev = await db(manager)
      .selectFrom('enterprise_status_history')
      .select(sql<string | null>`max(effective_date)::text`.as('day'))
      .where('enterprise_id', '=', firm.id)
      .where('from_status', 'is not', null)
      .executeTakeFirst();
    if (prev?.day) candidates.push({ earliest: prev.day, rule: 'previous_decision' });
  }
  // Moves and sector changes while counted: a decision dated before one would count the firm in the wrong place.
  if (firm.activityMovedOn) candidates.push({ earliest: firm.activityMovedOn, rule: 'footprint_change' });
  return candidates.sort((a, b) => a.earliest.localeCompare(b.earliest)).pop() ?? null;
}

export async function assertEffectiveDateAllowed(
  manager: EntityManager,
  firm: Enterprise,
  action: StatusAction,
  effectiveDate: string,
): Promise<void> {
  const limit = await earliestEffectiveDate(manager, firm, action);
  if (limit && effectiveDate < limit.earliest) {
    throw new AppError(
      ErrorCode.EFFECTIVE_DATE_INVALID,
      // The message explains the rule that sets the earliest day: errors.EFFECTIVE_DATE_INVALID_<rule>.
      { context: limit.rule, effectiveDate, earliest: limit.earliest },
      { field: 'effectiveDate', effectiveDate, earliest: limit.earliest, rule: limit.rule },
    );
  }
}
