export * from './database.module';
export * from './typeorm-options';
export * from './migrate';
