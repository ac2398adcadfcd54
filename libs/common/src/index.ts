// The parts every process shares (config, errors, auth roles and decorators, i18n, time, CSV...).
// What only the HTTP API needs (passport guards, the exception filter, the throttler storage, the
// request input guards) is in `@app/common/http`, so the worker never loads passport, throttler
// or fastify (test/worker-bundle.e2e-spec.ts).
export * from './config/env.schema';
export * from './config/app-config.module';
export * from './errors/error-codes';
export * from './errors/app-error';
export * from './errors/validation';
export * from './auth/roles';
export * from './auth/decorators';
export * from './time/city-calendar';
export * from './csv/csv';
export * from './pagination/pagination';
export * from './text';
export * from './hashing';
export * from './i18n/i18n';
export * from './i18n/messages';
export * from './i18n/request-language';
export * from './portal-routes';
export * from './openapi/api-doc';
export * from './metrics/metrics';
export * from './time/with-timeout';
export * from './csv/table-file';
export * from './files/stored-files';
