import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import type { Logger } from 'pino';
import { httpDuration, RECEIVED_MARK } from '@app/common';
import { REQUEST_ID_HEADER } from './app.module';

/** The security headers: one policy for the whole API and portal (no per-route nonces). */
export const SECURITY_HEADERS_POLICY: Readonly<HelmetOptions> = {
  contentSecurityPolicy: {
    directives: {
      defaultSrc: [`'self'`],
      styleSrc: [`'self'`, `'unsafe-inline'`],
      imgSrc: [`'self'`, 'data:', 'validator.swagger.io'],
      scriptSrc: [`'self'`, `https: 'unsafe-inline'`],
    },
  },
};

/**
 * Helmet's headers for a fixed policy are the same on every response, so they are worked out once
 * here (helmet run against a stand-in response) instead of rebuilding helmet's middleware and
 * re-parsing the policy on every request, which is what @fastify/helmet does.
 */
export function securityHeaders(policy: Readonly<HelmetOptions> = SECURITY_HEADERS_POLICY): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader: (name: string, value: string | number | readonly string[]) => {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader: (name: string) => delete headers[name.toLowerCase()],
  } as unknown as ServerResponse;
  helmet(policy)({} as never, res, (err?: unknown) => {
    if (err) throw err as Error;
  });
  return headers;
}

/**
 * Everything the API does on every request besides routing to a handler, in one hook each way,
 * with what can be prepared prepared once:
 * - on request: the moment it counts as received (the first hook, before the body is read and
 *   before the request can queue anywhere in this process; a bid's deadline is judged by it), the
 *   request id header, and the security headers (a ready object);
 * - on response: the latency metric by route pattern (never the raw URL, which would make one
 *   series per id) and one short access-log line (id, method, URL, status, time; no headers: they
 *   cost as much as a cheap query and carry cookies and tokens). 5xx answers log at `error`.
 */
export function installRequestPath(fastify: FastifyInstance, rootLogger: () => Logger): void {
  const security = securityHeaders();
  fastify.addHook('onRequest', (request, reply, done) => {
    (request as unknown as Record<symbol, number>)[RECEIVED_MARK] = performance.now();
    void reply.header(REQUEST_ID_HEADER, request.id).headers(security);
    done();
  });
  // The root logger exists once the logger module is initialised; its child is made on first use.
  let access: Logger | undefined;
  fastify.addHook('onResponse', (request, reply, done) => {
    access ??= rootLogger().child({ service: 'api' });
    const status = reply.statusCode;
    const seconds = reply.elapsedTime / 1000;
    httpDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(status) },
      seconds,
    );
    const line = { reqId: request.id, method: request.method, url: request.url, status, ms: Math.round(reply.elapsedTime) };
    if (status >= 500) access.error(line, 'request errored');
    else access.info(line, 'request completed');
    done();
  });
}
