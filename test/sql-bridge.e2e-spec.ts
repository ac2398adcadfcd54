import { sql } from 'kysely';
import { DataSource, EntitySubscriberInterface, Logger, QueryFailedError } from 'typeorm';
import { db, typeOrmOptions } from '@app/database';

/**
 * The typed SQL layer runs a transaction's statements on the transaction's own pg client, not
 * through QueryRunner.query() (libs/database/src/sql/kysely.ts, directClient). What query() gives
 * must still hold: the statement is in the transaction, the logger sees it, a failure is TypeORM's
 * QueryFailedError with the driver's error, and subscribers hear of every statement.
 */
describe('typed SQL bridge', () => {
  let dataSource: DataSource;
  const logged: string[] = [];
  const failed: string[] = [];
  const logger: Logger = {
    logQuery: (query) => void logged.push(query),
    logQueryError: (_error, query) => void failed.push(query),
    logQuerySlow: () => undefined,
    logSchemaBuild: () => undefined,
    logMigration: () => undefined,
    log: () => undefined,
  };

  beforeAll(async () => {
    dataSource = await new DataSource({ ...typeOrmOptions(process.env.DATABASE_URL!, 2), logger }).initialize();
  });
  afterAll(() => dataSource.destroy());

  it("runs a transaction's statements inside it, logged, and fails with TypeORM's error", async () => {
    logged.length = 0;
    await dataSource.transaction(async (manager) => {
      await sql`create temporary table bridge_probe (n int primary key) on commit drop`.execute(db(manager));
      await sql`insert into bridge_probe values (1)`.execute(db(manager));
      const ids = await sql<{ id: string }>`select txid_current()::text as id`.execute(db(manager));
      // The same transaction: the temporary table is there, and the transaction id is the same.
      const again = await sql<{ id: string; n: number }>`select txid_current()::text as id, n from bridge_probe`.execute(
        db(manager),
      );
      expect(again.rows).toEqual([{ id: ids.rows[0]!.id, n: 1 }]);
      const updated = await sql`update bridge_probe set n = 2`.execute(db(manager));
      expect(updated.numAffectedRows).toBe(1n);
    });
    expect(logged).toEqual(expect.arrayContaining(['insert into bridge_probe values (1)', 'update bridge_probe set n = 2']));

    failed.length = 0;
    const failure = await dataSource
      .transaction((manager) => sql`insert into bridge_probe values (1)`.execute(db(manager)))
      .catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(QueryFailedError);
    expect((failure as QueryFailedError).driverError).toMatchObject({ code: '42P01' });
    expect(failed).toEqual(['insert into bridge_probe values (1)']);
  });

  it('tells a subscriber of every statement once one is registered', async () => {
    const heard: string[] = [];
    const subscriber: EntitySubscriberInterface = { beforeQuery: (event) => void heard.push(event.query) };
    dataSource.subscribers.push(subscriber);
    try {
      await dataSource.transaction((manager) => sql`select 41 + 1 as answer`.execute(db(manager)));
      expect(heard).toContain('select 41 + 1 as answer');
    } finally {
      dataSource.subscribers.splice(dataSource.subscribers.indexOf(subscriber), 1);
    }
  });
});
