import { sql } from 'kysely';
import { DataSource } from 'typeorm';
import { db } from './sql/kysely';
import { typeOrmOptions } from './typeorm-options';

/** Any fixed number: the session-level advisory lock that lets one migrator run at a time. */
const MIGRATION_LOCK_KEY = 1_763_800_100;

/**
 * Runs every pending migration; returns the names applied. Used by `main.js migrate` and the test
 * setup. Holds a PostgreSQL advisory lock meanwhile, so several replicas starting together run the
 * migrations once: the others wait, then find nothing pending.
 */
export async function runMigrations(databaseUrl: string): Promise<string[]> {
  const dataSource = new DataSource(typeOrmOptions(databaseUrl, 2));
  await dataSource.initialize();
  const lock = dataSource.createQueryRunner();
  try {
    await lock.connect();
    // A session-level lock: db(lock.manager) runs on the lock's own connection, so the unlock does too.
    await sql`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`.execute(db(lock.manager));
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await sql`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.execute(db(lock.manager)).catch(() => undefined);
    await lock.release();
    await dataSource.destroy();
  }
}
