import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from './migrations';

/**
 * The one description of how the product talks to PostgreSQL. Schema comes from migrations
 * only (synchronize stays off); entities are registered by the feature modules.
 */
export function typeOrmOptions(databaseUrl: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    // connectionTimeoutMillis: a database that does not answer (or a pool with no free connection
    // for 5 s) fails the request with 503 DATABASE_UNAVAILABLE instead of holding it open.
    extra: { max: poolSize, options: '-c timezone=UTC', connectionTimeoutMillis: 5000 },
    applicationName: 'haiphong-marketplace',
  };
}
