import { DataSource } from 'typeorm';
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
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lock.release();
    await dataSource.destroy();
  }
}
