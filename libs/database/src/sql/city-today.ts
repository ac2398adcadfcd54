import { sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import { CITY_TIME_ZONE } from '@app/common';
import { db } from './kysely';

/**
 * Today in Hai Phong by the database clock (the transaction's start), as YYYY-MM-DD. Used where
 * a date is recorded with a change, so every API instance agrees on when a day ends. (It lives
 * here, not in @app/common with the other calendar helpers: it needs the query builder, and
 * @app/database already depends on @app/common.)
 */
export async function cityTodayByDb(manager: EntityManager): Promise<string> {
  const row = await db(manager)
    .selectNoFrom(sql<string>`(now() AT TIME ZONE ${CITY_TIME_ZONE})::date::text`.as('today'))
    .executeTakeFirstOrThrow();
  return row.today;
}
