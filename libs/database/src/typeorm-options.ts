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
    extra: { max: poolSize, options: '-c timezone=UTC' },
    applicationName: 'haiphong-marketplace',
  };
}
