import {
  CompiledQuery,
  DatabaseConnection,
  Driver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  QueryResult,
  sql,
} from 'kysely';
import { DataSource, EntityManager, QueryFailedError, QueryRunner } from 'typeorm';
import type { DB } from './schema';

/** The database as one typed query builder: every table and column comes from `schema.ts`. */
export type Database = Kysely<DB>;

/** Runs Kysely's compiled SQL on a TypeORM manager — inside the manager's transaction when it has one. */
export class ManagerConnection implements DatabaseConnection {
  constructor(private readonly manager: EntityManager) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const own = this.manager.queryRunner;
    if (!own && compiled.query.kind === 'SelectQueryNode') {
      // A read outside a transaction goes through DataSource.query(), as TypeORM's own reads do (a pooled
      // connection, released after), so whatever watches the data source's queries sees it too.
      const rows = await this.manager.connection.query<R[]>(compiled.sql, [...compiled.parameters]);
      return { rows };
    }
    if (own) {
      const direct = directClient(own);
      if (direct) return direct.run<R>(compiled.sql, [...compiled.parameters]);
    }
    const runner: QueryRunner = own ?? this.manager.connection.createQueryRunner();
    try {
      const result = (await runner.query(compiled.sql, [...compiled.parameters], true)) as {
        records?: R[];
        affected?: number | null;
      };
      return {
        rows: result.records ?? [],
        numAffectedRows: result.affected == null ? undefined : BigInt(result.affected),
      };
    } finally {
      if (runner !== own) await runner.release();
    }
  }

  streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('Streaming is not supported through TypeORM; page with limit/offset or a cursor.');
  }
}

/** The pg client of a connected PostgresQueryRunner (a public field of TypeORM's runner). */
interface PgClientHolder {
  databaseConnection?: { query(sql: string, parameters: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }> };
}

/**
 * Inside a transaction, a statement goes straight to the runner's pg client, logged and its errors
 * wrapped as QueryRunner.query() does. query() adds two subscriber broadcasts and four awaits per
 * statement (~4 µs each under load, ten statements a submission); it is used instead whenever what
 * it adds could matter: a subscriber registered, slow-query logging on, or the runner not connected.
 */
function directClient(runner: QueryRunner) {
  const client = (runner as unknown as PgClientHolder).databaseConnection;
  const { connection } = runner;
  if (!client || runner.isReleased || connection.subscribers.length > 0 || connection.options.maxQueryExecutionTime) {
    return null;
  }
  return {
    async run<R>(query: string, parameters: unknown[]): Promise<QueryResult<R>> {
      connection.logger.logQuery(query, parameters, runner);
      try {
        const raw = await client.query(query, parameters);
        return { rows: raw.rows as R[], numAffectedRows: raw.rowCount == null ? undefined : BigInt(raw.rowCount) };
      } catch (err) {
        connection.logger.logQueryError(err as Error, query, parameters, runner);
        throw new QueryFailedError(query, parameters, err as Error);
      }
    },
  };
}

/**
 * Transactions stay TypeORM's (`dataSource.transaction(m => …)`, one style everywhere): this driver
 * only runs queries on the manager it was made for, so `db(m)` inside a transaction is part of it.
 */
class ManagerDriver implements Driver {
  constructor(private readonly manager: EntityManager) {}
  async init(): Promise<void> {}
  acquireConnection(): Promise<DatabaseConnection> {
    return Promise.resolve(new ManagerConnection(this.manager));
  }
  beginTransaction(): Promise<void> {
    return Promise.reject(new Error('Open transactions with TypeORM: dataSource.transaction(m => …db(m)…)'));
  }
  commitTransaction(): Promise<void> {
    return this.beginTransaction();
  }
  rollbackTransaction(): Promise<void> {
    return this.beginTransaction();
  }
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {}
}

/** The database clock (the transaction's start time inside a transaction): deadlines and stamps never use the app's clock. */
export async function transactionNow(source: EntityManager | DataSource): Promise<Date> {
  const { rows } = await sql<{ now: Date }>`SELECT now() AS now`.execute(db(source));
  return rows[0]!.now;
}

const builders = new WeakMap<EntityManager, Database>();

/**
 * The typed query builder for a TypeORM data source or transaction manager:
 * `await db(manager).selectFrom('<table>').select(['id', 'status']).where('id', '=', id).executeTakeFirst()`.
 * A renamed column fails the type-check here (schema.ts is generated from the migrations).
 */
export function db(source: EntityManager | DataSource): Database {
  const manager = source instanceof DataSource ? source.manager : source;
  let builder = builders.get(manager);
  if (!builder) {
    builder = new Kysely<DB>({
      dialect: {
        createAdapter: () => new PostgresAdapter(),
        createDriver: () => new ManagerDriver(manager),
        createIntrospector: (k) => new PostgresIntrospector(k),
        createQueryCompiler: () => new PostgresQueryCompiler(),
      },
    });
    builders.set(manager, builder);
  }
  return builder;
}
