export * from './proposals.module';
