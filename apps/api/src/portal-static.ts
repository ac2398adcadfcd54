import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/** Vite names every asset by its content hash, so a browser may keep it for good. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** The page itself is re-validated on each visit, so a new release shows at once. */
const REVALIDATE = 'no-cache';

export const isApiPath = (url: string): boolean => url === '/api' || url.startsWith('/api/') || url.startsWith('/api?');

/**
 * One origin: the built portal (apps/portal → PORTAL_DIR) at `/`, with the page served for any
 * deep link (/problems/…, /set-password?token=…) so the portal's router shows it. Paths under
 * /api never reach the portal: an unknown one still gets the API's JSON 404.
 */
export async function servePortal(app: NestFastifyApplication, portalDir: string): Promise<boolean> {
  const root = resolve(portalDir);
  if (!existsSync(join(root, 'index.html'))) {
    new Logger('portal').warn(`no built portal in ${root}: serving the API only (npm start builds it)`);
    return false;
  }
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: false,
    index: false,
    setHeaders(reply, path) {
      void reply.header('cache-control', path.startsWith(join(root, 'assets')) ? IMMUTABLE : REVALIDATE);
    },
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.get('/*', (request, reply) => {
    if (isApiPath(request.url)) return reply.callNotFound();
    return reply.header('cache-control', REVALIDATE).sendFile('index.html', { cacheControl: false });
  });
  return true;
}
