import { sql } from 'kysely';
import type { DataSource } from 'typeorm';
import { db } from '@app/database';

/**
 * Retention for the tables of mailed links that hold personal data until used (registration
 * requests, member invitations): rows whose link expired more than `days` ago. Returns rows deleted.
 */
export async function pruneExpiredLinks(
  dataSource: DataSource,
  table: 'registration_requests' | 'member_invitations',
  days: number,
): Promise<number> {
  const { numDeletedRows } = await db(dataSource)
    .deleteFrom(table)
    .where('expires_at', '<', sql<Date>`now() - make_interval(days => ${days})`)
    .executeTakeFirst();
  return Number(numDeletedRows);
}
