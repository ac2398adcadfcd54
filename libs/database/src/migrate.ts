import { DataSource } from 'typeorm';
import { typeOrmOptions } from './typeorm-options';

/** Runs every pending migration; returns the names applied. Used by `main.js migrate` and the test setup. */
export async function runMigrations(databaseUrl: string): Promise<string[]> {
  const dataSource = new DataSource(typeOrmOptions(databaseUrl, 2));
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}
