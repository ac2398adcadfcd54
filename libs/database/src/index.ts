export * from './database.module';
export * from './typeorm-options';
export * from './migrate';
export { db, transactionNow, type Database } from './sql/kysely';
export { named, prepare, type PreparedStatement } from './sql/prepared';
export * from './sql/city-today';
export * from './sql/ownership';
export type { DB } from './sql/schema';
