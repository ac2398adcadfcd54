export * from './problems.module';
