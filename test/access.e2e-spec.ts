import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { PATH_METADATA, METHOD_METADATA, VERSION_METADATA } from '@nestjs/common/constants';
import { RequestMethod, VERSION_NEUTRAL } from '@nestjs/common';
import { IS_PUBLIC_KEY } from '@app/common';
import { bearer, createDepartment, createUser, login, startApp, TestContext } from './harness';

/** Routes anyone may call without logging in. Adding one here is a deliberate, reviewed act. */
const PUBLIC_ROUTES = [
  'GET /api/health',
  'GET /api/health/live',
  'GET /api/health/ready',
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/refresh',
  'POST /api/v1/auth/logout',
  'POST /api/v1/auth/password-setup',
  'POST /api/v1/auth/register-enterprise',
  'POST /api/v1/auth/register-enterprise/confirm',
  'POST /api/v1/auth/invitations/accept',
  'GET /api/v1/departments',
  'GET /api/v1/departments/:id',
  'GET /api/v1/problems',
  'GET /api/v1/problems/:id',
  'GET /api/v1/problems/:id/amendments',
  'GET /api/v1/problems/:id/documents',
  'GET /api/v1/problems/:id/documents/:documentId',
  'GET /api/v1/problems/:id/questions',
  'GET /api/v1/areas',
  'GET /api/v1/areas/:code',
  'GET /api/v1/competition-rules',
  'GET /api/v1/indicators/enterprise-density',
  'GET /api/v1/indicators/enterprise-density/series',
  'GET /api/v1/indicators/enterprise-density/chart',
  'GET /api/v1/indicators/enterprise-density/methodology',
  'GET /api/v1/enterprises',
  'GET /api/v1/enterprises/:id',
  'GET /api/v1/problems/:id/result',
  'GET /api/v1/ocds/releases',
  'GET /api/v1/ocds/release-packages',
  // The audit log's signed tree heads and proofs: hashes only, for anyone to check the log (issue 15).
  'GET /api/v1/audit/heads/latest',
  'GET /api/v1/audit/proofs/consistency',
  'GET /api/v1/audit/proofs/:entryId',
  'GET /api/v1/problems/:id/standstill',
  'GET /api/v1/problems/:id/complaints',
  'GET /api/v1/complaints/:id',
  'GET /api/v1/complaints/:id/attachments/:attachmentId',
  'GET /api/v1/calendar/holidays',
  'GET /api/v1/problems/:id/order',
  'GET /api/v1/orders/:id',
  'GET /api/v1/catalogue',
  'GET /api/v1/catalogue/:orderId',
  'GET /api/v1/enterprises/:id/track-record',
];

interface RouteInfo {
  method: string;
  path: string;
  isPublic: boolean;
}

/** Walks every controller method Nest registered and reports its full path and whether it is public. */
function registeredRoutes(ctx: TestContext): RouteInfo[] {
  const discovery = ctx.app.get(DiscoveryService);
  const scanner = ctx.app.get(MetadataScanner);
  const reflector = ctx.app.get(Reflector);
  const routes: RouteInfo[] = [];
  for (const wrapper of discovery.getControllers()) {
    const instance = wrapper.instance as object | undefined;
    if (!instance) continue;
    const type = wrapper.metatype as new (...args: unknown[]) => unknown;
    const base = String(Reflect.getMetadata(PATH_METADATA, type) ?? '');
    const version = Reflect.getMetadata(VERSION_METADATA, type) as unknown;
    const prefix = version === VERSION_NEUTRAL ? '/api' : '/api/v1';
    for (const name of scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
      const handler = (instance as Record<string, unknown>)[name] as () => unknown;
      const sub = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
      if (sub === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
      const path = [prefix, base, sub]
        .map((p) => p.replace(/^\/|\/$/g, ''))
        .filter(Boolean)
        .join('/');
      const isPublic = reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [handler, type]) ?? false;
      routes.push({ method, path: `/${path}`, isPublic });
    }
  }
  return routes;
}

describe('access control', () => {
  let ctx: TestContext;
  let officerToken: string;
  let adminToken: string;

  beforeAll(async () => {
    ctx = await startApp();
    const dept = await createDepartment(ctx);
    await createUser(ctx, { email: 'officer@test.vn', role: 'officer', organizationId: dept });
    await createUser(ctx, { email: 'admin@test.vn', role: 'admin' });
    officerToken = await login(ctx, 'officer@test.vn');
    adminToken = await login(ctx, 'admin@test.vn');
  });
  afterAll(() => ctx.close());

  it('every route is authenticated unless it is on the public list', async () => {
    const routes = registeredRoutes(ctx);
    expect(routes.length).toBeGreaterThan(10);
    const publicOnes = routes.filter((r) => r.isPublic).map((r) => `${r.method} ${r.path}`);
    expect(publicOnes.sort()).toEqual([...PUBLIC_ROUTES].sort());

    // And the guard really runs: each non-public route answers 401 without a token.
    for (const route of routes.filter((r) => !r.isPublic)) {
      const path = route.path.replace(/:[A-Za-z]+/g, '00000000-0000-4000-8000-000000000000');
      const res = await ctx.http[route.method.toLowerCase() as 'get'](path).send({});
      expect({ route: `${route.method} ${route.path}`, status: res.status, code: res.body.code }).toEqual({
        route: `${route.method} ${route.path}`,
        status: 401,
        code: 'UNAUTHENTICATED',
      });
    }
  });

  it('an officer calling an admin route gets 403', async () => {
    const res = await ctx.http
      .post('/api/v1/users')
      .set(bearer(officerToken))
      .send({ email: 'new@test.vn', fullName: 'New', role: 'evaluator' })
      .expect(403);
    expect(res.body).toEqual({ statusCode: 403, code: 'ROLE_FORBIDDEN', message: expect.any(String) });
    await ctx.http.get('/api/v1/audit').set(bearer(officerToken)).expect(403);
    await ctx.http.post('/api/v1/departments').set(bearer(officerToken)).send({ name: 'Sở Giả mạo' }).expect(403);
    const users = await ctx.dataSource.query(`SELECT count(*)::int AS n FROM users WHERE email = 'new@test.vn'`);
    expect(users[0].n).toBe(0);
  });

  it('an unknown body field is refused with 400 and the error shape, and nothing is created', async () => {
    const res = await ctx.http
      .post('/api/v1/departments')
      .set(bearer(adminToken))
      .send({ name: 'Sở Tài chính', isAdmin: true })
      .expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', message: expect.any(String) });
    expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'isAdmin' })]));
    const rows = await ctx.dataSource.query(`SELECT count(*)::int AS n FROM organizations WHERE name = 'Sở Tài chính'`);
    expect(rows[0].n).toBe(0);
  });

  it('malformed JSON and oversized bodies get the error shape too', async () => {
    const bad = await ctx.http
      .post('/api/v1/departments')
      .set(bearer(adminToken))
      .set('Content-Type', 'application/json')
      .send('{"name": ')
      .expect(400);
    expect(bad.body.code).toBe('INVALID_JSON');
    const big = await ctx.http
      .post('/api/v1/departments')
      .set(bearer(adminToken))
      .send({ name: 'x'.repeat(2_000_000) })
      .expect(413);
    expect(big.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('a non-UUID id is a 400, not a 500', async () => {
    const res = await ctx.http.get('/api/v1/users/not-a-uuid').set(bearer(adminToken)).expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
  });
});
