// Runs once before the e2e suites: refuses any database that is not a test database, then
// migrates it. `npm test` (scripts/run.ts) has already started PostgreSQL and Redis and set
// DATABASE_URL / REDIS_URL; relative imports here because jest's path mapping does not apply
// (tsconfig-paths resolves the @app/* imports of the libraries loaded from here, e.g. the seed's).
import 'tsconfig-paths/register';
import { DataSource } from 'typeorm';
import { runMigrations } from '../libs/database/src/migrate';
import { typeOrmOptions } from '../libs/database/src/typeorm-options';
import { assertTestDatabase } from './test-database-guard';

export default async function globalSetup(): Promise<void> {
  const url = assertTestDatabase(process.env.DATABASE_URL);
  if (!process.env.REDIS_URL) throw new Error('REDIS_URL is not set: run the suite with `npm test`.');
  await runMigrations(url);
  // Loading the seed loads the libraries, whose config module writes its defaults into process.env;
  // this process also runs the suites (--runInBand), which set their own (setup-env.ts): put it back.
  const envBefore = new Set(Object.keys(process.env));
  const { seedAreaReferenceData } = await import('../libs/areas/src/reference-data.seed');
  const dataSource = await new DataSource(typeOrmOptions(url, 1)).initialize();
  try {
    await dataSource.transaction((manager) => seedAreaReferenceData(manager));
  } finally {
    await dataSource.destroy();
    for (const key of Object.keys(process.env)) if (!envBefore.has(key)) delete process.env[key];
  }
}
