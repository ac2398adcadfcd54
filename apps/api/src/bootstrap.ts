import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import { VersioningType } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppConfig, createValidationPipe, httpDuration, RECEIVED_MARK, trustProxyOption, validateEnv } from '@app/common';
import { installInputGuards } from '@app/common/http';
import { AppModule, requestIdOf, REQUEST_ID_HEADER } from './app.module';
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
  });
  adapter.getInstance().addHook('onRequest', (request, reply, done) => {
    // The moment a bid (or any request) counts as received: the first hook, before the body is
    // read and before the request can queue anywhere in this process. The body must still arrive
    // and commit within the deadline's grace (the database refuses a later commit).
    (request as unknown as Record<symbol, number>)[RECEIVED_MARK] = performance.now();
    void reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  // Latency by route pattern (never the raw URL, which would make one series per id).
  adapter.getInstance().addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    httpDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    done();
  });
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
  app.enableCors({ origin: origins.length ? origins : false, credentials: false });
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: [`'self'`],
        styleSrc: [`'self'`, `'unsafe-inline'`],
        imgSrc: [`'self'`, 'data:', 'validator.swagger.io'],
        scriptSrc: [`'self'`, `https: 'unsafe-inline'`],
      },
    },
  });

  // The portal's refresh-token cookie (apps/api/src/auth/session-cookie.ts).
  await app.register(cookie);

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
