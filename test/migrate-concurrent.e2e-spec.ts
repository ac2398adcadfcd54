import { Client } from 'pg';
import { runMigrations } from '@app/database';
import { MIGRATIONS } from '../libs/database/src/migrations';
import { assertTestDatabase } from './test-database-guard';

/**
 * Several replicas starting together each run the migrations (issue 17): under the advisory lock
 * one applies them and the others wait, then find nothing pending — each migration runs once.
 */
describe('migrations started by several instances at once', () => {
  const name = `marketplace_test_migrate_${process.pid}`;
  const url = new URL(process.env.DATABASE_URL as string);
  const admin = new Client({ connectionString: process.env.DATABASE_URL });
  beforeAll(async () => {
    assertTestDatabase(process.env.DATABASE_URL);
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
  });
  afterAll(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  it('applies each migration exactly once when four start together on an empty database', async () => {
    url.pathname = `/${name}`;
    const results = await Promise.all([1, 2, 3, 4].map(() => runMigrations(url.toString())));
    const applied = results.flat();
    expect(applied.sort()).toEqual(MIGRATIONS.map((m) => new m().name).sort());
    // One starter did the work; the others found nothing to do.
    expect(results.filter((r) => r.length > 0)).toHaveLength(1);

    const db = new Client({ connectionString: url.toString() });
    await db.connect();
    try {
      const rows = await db.query<{ name: string; n: number }>(
        `SELECT name, count(*)::int AS n FROM schema_migrations GROUP BY name`,
      );
      expect(rows.rows).toHaveLength(MIGRATIONS.length);
      expect(rows.rows.every((r) => r.n === 1)).toBe(true);
      // The lock is released: a later start finds the schema current at once.
      expect(await runMigrations(url.toString())).toEqual([]);
    } finally {
      await db.end();
    }
  });
});
