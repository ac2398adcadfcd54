export * from './enterprises.module';
export * from './tax-code';
