export * from './areas.module';
