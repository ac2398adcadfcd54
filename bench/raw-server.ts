/**
 * The raw baseline (issue 15, item 6): Fastify + a bare pg Pool, no logger, validation, guards,
 * crypto or serialisation schema, in a process of its own (run with tsx, as built JS would run:
 * no type-checker, no ts-node REPL in the process). It runs the product's own SQL:
 *
 *   - GET /live: the cheapest answer;
 *   - GET /areas/:code: the same two reads as the product's area page;
 *   - GET /search?q=&limit=: the SQL built by the product's ProblemSearchService;
 *   - POST /submit/:problemId (headers x-firm, x-user): replays the statements recorded from one
 *     real product submission (RAW_SUBMIT_SCRIPT, a JSON file), with the request's problem, firm and
 *     user and fresh ids in place of the recorded ones (the ciphertext is reused).
 *
 * Prints `{"port": n}` on stdout once listening. Environment: DATABASE_URL, DATABASE_POOL_SIZE,
 * RAW_SUBMIT_SCRIPT.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { ProblemSearchService } from '@app/problems';

/** What bench/baseline.ts records from one product submission. */
export interface SubmitScript {
  problemId: string;
  firmId: string;
  userId: string;
  statements: { sql: string; params: unknown[] }[];
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** Replaces every uuid in a value (strings, JSON text, arrays) by its mapping; Buffers and Dates pass as they are. */
function remap(value: unknown, map: (id: string) => string): unknown {
  if (typeof value === 'string') return value.replace(UUID, (id) => map(id.toLowerCase()));
  if (Array.isArray(value)) return value.map((v) => remap(v, map));
  return value;
}

/** Buffers come back from JSON as { type: 'Buffer', data }: make them Buffers again. */
function revive(_key: string, value: unknown): unknown {
  const v = value as { type?: unknown; data?: unknown };
  return v && v.type === 'Buffer' && Array.isArray(v.data) ? Buffer.from(v.data as number[]) : value;
}

/**
 * A data source stand-in whose reads all go to `query` (the product's search service on a bare pg
 * Pool here, an EXPLAIN recorder in bench/baseline.ts): the typed SQL layer sends a read outside a
 * transaction to `manager.connection.query`, so the stand-in is its own connection.
 */
export function queryingStandIn(query: (sql: string, params?: unknown[]) => Promise<unknown[]>): DataSource {
  const standIn: Record<string, unknown> = { query };
  standIn.connection = standIn;
  return standIn as unknown as DataSource;
}

/**
 * The raw server's routes on a fresh Fastify: bench/request-path.ts serves the same /live and
 * /areas in its own process; `script` enables /submit.
 */
export function buildRawServer(pool: Pool, script?: SubmitScript): FastifyInstance {
  const search = new ProblemSearchService(queryingStandIn(async (sql, params) => (await pool.query(sql, params)).rows));
  const raw = Fastify({ logger: false });

  raw.get('/live', () => ({ status: 'ok' }));
  raw.get<{ Params: { code: string } }>('/areas/:code', async (req, reply) => {
    // The same two reads as the product: the area, then its dated population figures.
    const { rows } = await pool.query(`SELECT * FROM areas WHERE code = $1`, [req.params.code]);
    if (!rows[0]) return reply.code(404).send();
    const figures = await pool.query(`SELECT * FROM area_populations WHERE area_code = $1 ORDER BY as_of DESC`, [
      req.params.code,
    ]);
    return { ...rows[0], populations: figures.rows };
  });
  raw.get<{ Querystring: { q?: string; limit?: string } }>('/search', async (req) => {
    const page = await search.search(undefined, { q: req.query.q, limit: Number(req.query.limit ?? 20) });
    return { items: page.items, nextCursor: page.nextCursor };
  });
  raw.post<{ Params: { problemId: string }; Headers: { 'x-firm': string; 'x-user': string } }>(
    '/submit/:problemId',
    async (req, reply) => {
      if (!script) return reply.code(404).send();
      const ids = new Map<string, string>([
        [script.problemId, req.params.problemId],
        [script.firmId, req.headers['x-firm']],
        [script.userId, req.headers['x-user']],
      ]);
      const map = (id: string) => {
        let to = ids.get(id);
        if (!to) ids.set(id, (to = randomUUID()));
        return to;
      };
      const client = await pool.connect();
      try {
        for (const s of script.statements)
          await client.query(
            s.sql,
            s.params.map((p) => remap(p, map)),
          );
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
      return reply.code(201).send({ id: ids.get(script.problemId) });
    },
  );
  return raw;
}

async function main(): Promise<void> {
  // The product's pool settings (libs/database typeorm-options.ts): its size, and idle connections kept.
  const pool = new Pool({
    connectionString: process.env.DATABASE_URL,
    max: Number(process.env.DATABASE_POOL_SIZE ?? 20),
    idleTimeoutMillis: 0,
  });
  const script = process.env.RAW_SUBMIT_SCRIPT
    ? (JSON.parse(readFileSync(process.env.RAW_SUBMIT_SCRIPT, 'utf8'), revive) as SubmitScript)
    : undefined;
  const raw = buildRawServer(pool, script);
  await raw.listen({ port: 0, host: '127.0.0.1' });
  const address = raw.server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
  const stop = () =>
    void raw
      .close()
      .then(() => pool.end())
      .then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
