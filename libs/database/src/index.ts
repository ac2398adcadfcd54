export * from './database.module';
export * from './typeorm-options';
export * from './migrate';
export * from './sql/kysely';
export * from './sql/ownership';
export type { DB } from './sql/schema';
