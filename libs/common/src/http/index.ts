// The HTTP-only part of libs/common, imported by apps/api alone as `@app/common/http`: it loads
// @nestjs/passport, @nestjs/throttler and fastify types, which the worker must not load.
export * from '../auth/guards';
export * from '../auth/optional-jwt-auth.guard';
export * from '../errors/all-exceptions.filter';
export * from './input-guard';
export * from './resilient-throttler-storage';
