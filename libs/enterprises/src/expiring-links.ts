import type { DataSource } from 'typeorm';

/**
 * Retention for the tables of mailed links that hold personal data until used (registration
 * requests, member invitations): rows whose link expired more than `days` ago. Returns rows deleted.
 */
export async function pruneExpiredLinks(
  dataSource: DataSource,
  table: 'registration_requests' | 'member_invitations',
  days: number,
): Promise<number> {
  const [row] = await dataSource.query<{ n: number }[]>(
    `WITH gone AS (DELETE FROM ${table} WHERE expires_at < now() - make_interval(days => $1) RETURNING 1)
     SELECT count(*)::int AS n FROM gone`,
    [days],
  );
  return row?.n ?? 0;
}
