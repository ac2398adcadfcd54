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
    // idleTimeoutMillis 0: a connection, once opened, stays in the pool (at most `max` of them). pg's
    // default closed any idle for 10 s, so every burst opened new ones: a fork, authentication and
    // a backend with cold catalog caches whose first statements took 80+ ms to plan — requests
    // queued behind them for up to half a second under a steady load (docs/decisions.md).
    extra: { max: poolSize, idleTimeoutMillis: 0, options: '-c timezone=UTC', connectionTimeoutMillis: 5000 },
    applicationName: 'haiphong-marketplace',
  };
}
