import type { EntityManager } from 'typeorm';
import { REGISTRY_TIME_ZONE } from './enterprise.constants';

/**
 * Today's date in Asia/Ho_Chi_Minh by the database clock (the transaction's start), as YYYY-MM-DD.
 * The database decides, not the API host, so every instance agrees on when a day ends.
 */
export async function registryToday(manager: EntityManager): Promise<string> {
  const rows = await manager.query<{ today: string }[]>(`SELECT (now() AT TIME ZONE $1)::date::text AS today`, [
    REGISTRY_TIME_ZONE,
  ]);
  return rows[0].today;
}
