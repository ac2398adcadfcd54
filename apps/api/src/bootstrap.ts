import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import { VersioningType } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger, PinoLogger } from 'nestjs-pino';
import { AppConfig, createValidationPipe, trustProxyOption, validateEnv } from '@app/common';
import { installInputGuards } from '@app/common/http';
import { AppModule, requestIdOf } from './app.module';
import { installRequestPath } from './request-path';
import { createOpenApiDocument } from './openapi';
import { mountQueueDashboard } from './admin/queue-dashboard';
import { servePortal } from './portal-static';

/**
 * Builds the HTTP application with everything main.ts and the e2e tests share:
 * Fastify, security headers, CORS allowlist, body limit, validation, the error shape, OpenAPI.
 */
export async function createApp(): Promise<NestFastifyApplication> {
  const env = validateEnv(process.env); // fail fast, before anything connects
  const adapter = new FastifyAdapter({
    bodyLimit: env.BODY_LIMIT_BYTES,
    trustProxy: trustProxyOption(env.TRUST_PROXY),
    // Fastify owns the request id; the logger and the response header reuse it.
    requestIdHeader: false,
    genReqId: requestIdOf,
    // No Nest middleware anywhere (the access log is a Fastify hook): no middie hook per request.
    skipMiddie: true,
  });
  // Received mark, request id, security headers, metrics and the access log: see request-path.ts.
  installRequestPath(adapter.getInstance(), () => PinoLogger.root);
  // Our JSON parser (bounded depth and size, checked before parsing) replaces Nest's; see input-guard.ts.
  installInputGuards(adapter.getInstance());
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, adapter, { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();

  const config = app.get(AppConfig);
  const origins = config
    .get('CORS_ORIGINS')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  // No allowlist, no cross-origin reads: then no CORS hook runs on every request either.
  if (origins.length > 0) app.enableCors({ origin: origins, credentials: false });
  // The portal's refresh-token cookie (apps/api/src/auth/session-cookie.ts): its parser and
  // serializer only, no hooks on every request.
  await app.register(cookie, { hook: false });

  // Uploads (proposal attachments): one file per request, bounded; JSON bodies keep BODY_LIMIT_BYTES.
  await app.register(multipart, {
    limits: { fileSize: config.get('ATTACHMENT_MAX_BYTES'), files: 1, fields: 5, parts: 6, fieldSize: 1024, headerPairs: 100 },
  });

  await mountQueueDashboard(app);

  app.setGlobalPrefix('api');
  app.enableVersioning({ type: VersioningType.URI, defaultVersion: '1' });
  app.useGlobalPipes(createValidationPipe());

  const document = await createOpenApiDocument(app);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  await servePortal(app, config.get('PORTAL_DIR'));
  return app;
}
