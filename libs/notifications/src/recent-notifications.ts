import { sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import { db } from '@app/database';

/**
 * The users sent a notification of `kind` within the last `days` days whose data matches: each key
 * of `data` equal to its value, or — for a value of `true` — present. For sweeps that remind
 * nobody twice within a period (the notifications themselves are the record).
 */
export async function usersNotifiedWithin(
  manager: EntityManager,
  kind: string,
  data: Record<string, string | true>,
  days: number,
): Promise<Set<string>> {
  let query = db(manager)
    .selectFrom('notifications')
    .select('user_id')
    .distinct()
    .where('kind', '=', kind)
    .where('created_at', '>', sql<Date>`now() - make_interval(days => ${days})`);
  for (const [field, value] of Object.entries(data)) {
    const item = sql<string | null>`${sql.ref('data')}->>${field}::text`;
    query = value === true ? query.where(item, 'is not', null) : query.where(item, '=', value);
  }
  const rows = await query.execute();
  return new Set(rows.map((r) => r.user_id));
}
