import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Redis } from 'ioredis';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { hashPassword, UsersService } from '@app/identity';
import { seedAreaReferenceData } from '@app/areas';
import { createApp } from '../apps/api/src/bootstrap';
import { WorkerModule } from '../apps/worker/src/worker.module';
import { ResponseConformance } from './response-conformance';
import { assertTestDatabase } from './test-database-guard';
import { STATUTORY_HOLIDAYS } from '../libs/database/src/migrations/1763800000600-standstill-complaints';

/**
 * Tables kept between spec files; every other table is emptied. The audit log is append-only by
 * trigger, the areas are reference data, and the migrations table is the schema's own record.
 */
const KEPT_TABLES = [
  'schema_migrations',
  'audit_log',
  'audit_sealed',
  'audit_pending',
  'audit_chain',
  'audit_tree_node',
  'audit_tree_head',
  'areas',
];

export interface TestContext {
  app: NestFastifyApplication;
  worker: INestApplicationContext | null;
  dataSource: DataSource;
  http: ReturnType<typeof request>;
  close(): Promise<void>;
}

/**
 * Boots the real AppModule in-process (and the real worker when asked) against the test
 * Postgres and Redis, after emptying the tables and the Redis database.
 */
export async function startApp(options: { worker?: boolean } = {}): Promise<TestContext> {
  assertTestDatabase(process.env.DATABASE_URL);
  await resetRedis();
  const app = await createApp();
  const conformance = new ResponseConformance();
  conformance.attach(app.getHttpAdapter().getInstance());
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const dataSource = app.get(DataSource);
  // Read from the catalogue, so a new table is emptied without anyone listing it here.
  const tables = await dataSource.query<{ tablename: string }[]>(
    `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND NOT (tablename = ANY($1))`,
    [KEPT_TABLES],
  );
  await dataSource.query(`TRUNCATE ${tables.map((t) => `"${t.tablename}"`).join(', ')} CASCADE`);
  // area_populations was emptied with the rest: every spec file starts from the reference data.
  await dataSource.transaction((manager) => seedAreaReferenceData(manager));
  // So are the city's holidays (another file may have edited them): back to the seeded list.
  await dataSource.query(
    `INSERT INTO city_holidays (day, name_vi, name_en) SELECT * FROM unnest($1::date[], $2::text[], $3::text[])`,
    [0, 1, 2].map((i) => STATUTORY_HOLIDAYS.map((h) => h[i])),
  );
  const worker = options.worker ? await NestFactory.createApplicationContext(WorkerModule, { logger: ['error', 'warn'] }) : null;
  await worker?.init();
  return {
    app,
    worker,
    dataSource,
    http: request(app.getHttpServer()),
    async close() {
      const document = (await app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/api/docs-json' })).json();
      await worker?.close();
      await app.close();
      const faults = conformance.check(document);
      if (faults.length > 0) throw new Error(`Responses the OpenAPI document does not describe:\n${faults.join('\n')}`);
    },
  };
}

async function resetRedis(): Promise<void> {
  const redis = new Redis(process.env.REDIS_URL as string, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  await redis.flushdb();
  redis.disconnect();
}

export const PASSWORD = 'correct horse battery staple';

/** Creates a user directly (no mail, no audit) and returns its id. */
export async function createUser(
  ctx: TestContext,
  fields: {
    email: string;
    role: 'admin' | 'officer' | 'evaluator' | 'enterprise';
    organizationId?: string | null;
    fullName?: string;
  },
): Promise<string> {
  const user = await ctx.app.get(UsersService).insertUser(ctx.dataSource.manager, {
    email: fields.email,
    fullName: fields.fullName ?? fields.email.split('@')[0]!,
    role: fields.role,
    organizationId: fields.organizationId ?? null,
    passwordHash: await hashPassword(PASSWORD),
  });
  return user.id;
}

export async function createDepartment(ctx: TestContext, name = 'Sở Khoa học và Công nghệ', code?: string): Promise<string> {
  const rows = await ctx.dataSource.query<{ id: string }[]>(
    `INSERT INTO organizations (kind, name, code) VALUES ('department', $1, $2) RETURNING id`,
    [name, code ?? null],
  );
  return rows[0]!.id;
}

export async function login(ctx: TestContext, email: string, password = PASSWORD): Promise<string> {
  const res = await ctx.http.post('/api/v1/auth/login').send({ email, password });
  if (res.status !== 200) throw new Error(`login ${email} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body as { accessToken: string }).accessToken;
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** How the API writes every instant: Hai Phong time with its offset, e.g. 2026-11-22T17:30:00.000+07:00 (cityIso). */
export const CITY_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+07:00$/;

/** An instant's time value, whatever offset it is written with: compare these, not the strings. */
export const instant = (at: string | Date) => new Date(at).getTime();

/** Polls until `check` returns a value or the time runs out; for work done by background jobs. */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 20_000,
  stepMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
