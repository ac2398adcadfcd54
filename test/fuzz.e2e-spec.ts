import { randomUUID } from 'node:crypto';
import type { InjectOptions } from 'light-my-request';
import { bearer, createUser, login, startApp, TestContext } from './harness';
import { createDepartmentWithOfficer, createPublishedProblem, createVerifiedEnterprise } from './factories';

/**
 * Fuzzing from the served OpenAPI document: for every operation and every role, a request built
 * from the schema, then mutations of it (wrong types, unknown fields, NUL, broken Unicode, huge
 * strings, deep nesting, null, extreme numbers, bad ids, bad cursors, malformed multipart).
 * Any 5xx, any error body not in the one error shape, or any answer slower than 5 s fails.
 * Deterministic (seeded), in-process (Fastify inject), so it is quick and repeatable.
 */

type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  example?: unknown;
  default?: unknown;
  nullable?: boolean;
};
type Parameter = { name: string; in: 'path' | 'query' | 'header'; required?: boolean; schema?: Schema };
type Operation = {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
};
type OpenApi = { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, Schema> } };

const SLOW_MS = 5000;
const NUL = 'a\u0000b';
const LONE_SURROGATE = 'x\ud800y';

let seed = 20260930;
function random(): number {
  // mulberry32: a fixed sequence, so a failure reproduces
  seed |= 0;
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)]!;

describe('fuzzing every operation from the OpenAPI document', () => {
  let ctx: TestContext;
  let doc: OpenApi;
  const tokens: Record<string, string | null> = { anonymous: null };
  const knownIds: string[] = [];

  beforeAll(async () => {
    ctx = await startApp();
    const dept = await createDepartmentWithOfficer(ctx);
    const firm = await createVerifiedEnterprise(ctx);
    await createUser(ctx, { email: 'fuzz-admin@city.test.vn', role: 'admin' });
    await createUser(ctx, { email: 'fuzz-evaluator@city.test.vn', role: 'evaluator' });
    tokens.admin = await login(ctx, 'fuzz-admin@city.test.vn');
    tokens.evaluator = await login(ctx, 'fuzz-evaluator@city.test.vn');
    tokens.officer = dept.token;
    tokens.enterprise = firm.token;
    const problemId = await createPublishedProblem(ctx, dept);
    knownIds.push(problemId, dept.id, firm.id, dept.officerId);
    const res = await ctx.app.inject({ method: 'GET', url: '/api/docs-json' });
    doc = res.json<OpenApi>();
  });

  afterAll(async () => {
    await ctx.close();
  });

  function resolve(schema: Schema | undefined, depth = 0): Schema {
    if (!schema || depth > 20) return {};
    if (schema.$ref) {
      const name = schema.$ref.split('/').pop() as string;
      return resolve(doc.components?.schemas?.[name], depth + 1);
    }
    if (schema.allOf) return Object.assign({}, ...schema.allOf.map((s) => resolve(s, depth + 1))) as Schema;
    if (schema.oneOf ?? schema.anyOf) return resolve((schema.oneOf ?? schema.anyOf)![0], depth + 1);
    return schema;
  }

  /** A plausible value for a schema: examples and enums first, then by type and format. */
  function sample(raw: Schema | undefined, depth = 0): unknown {
    const schema = resolve(raw);
    if (schema.example !== undefined) return schema.example;
    if (schema.enum?.length) return pick(schema.enum);
    const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
    if (type === 'object' || schema.properties) {
      if (depth > 6) return {};
      const out: Record<string, unknown> = {};
      for (const [key, prop] of Object.entries(schema.properties ?? {})) {
        if (schema.required?.includes(key) || random() < 0.6) out[key] = sample(prop, depth + 1);
      }
      return out;
    }
    if (type === 'array') return depth > 6 ? [] : [sample(schema.items, depth + 1)];
    if (type === 'integer') return Math.max(schema.minimum ?? 1, Math.min(schema.maximum ?? 100, 3));
    if (type === 'number') return Math.max(schema.minimum ?? 1, Math.min(schema.maximum ?? 100, 2.5));
    if (type === 'boolean') return random() < 0.5;
    switch (schema.format) {
      case 'uuid':
        return random() < 0.5 && knownIds.length ? pick(knownIds) : randomUUID();
      case 'email':
        return `fuzz-${Math.floor(random() * 1e9)}@firm.test.vn`;
      case 'date':
        return '2025-06-30';
      case 'date-time':
        return '2030-01-01T09:00:00+07:00';
      case 'uri':
        return 'https://example.vn';
      default: {
        const min = schema.minLength ?? 0;
        const base = 'Giải pháp số Hải Phòng ';
        return base
          .repeat(Math.ceil(Math.max(min, 8) / base.length))
          .slice(0, Math.max(min, Math.min(schema.maxLength ?? 40, 40)));
      }
    }
  }

  /** Mutations of a valid body: each one breaks one thing. */
  function bodyMutations(body: unknown): { label: string; payload: string }[] {
    const out: { label: string; payload: string }[] = [];
    const json = (v: unknown) => JSON.stringify(v);
    out.push({ label: 'valid', payload: json(body) });
    if (body && typeof body === 'object' && !Array.isArray(body)) {
      const obj = body as Record<string, unknown>;
      out.push({ label: 'unknown field', payload: json({ ...obj, zzUnknown: 1 }) });
      for (const key of Object.keys(obj)) {
        const v = obj[key];
        out.push({ label: `${key}: null`, payload: json({ ...obj, [key]: null }) });
        out.push({
          label: `${key}: wrong type`,
          payload: json({ ...obj, [key]: typeof v === 'string' ? 12345 : 'not-a-number' }),
        });
        if (typeof v === 'string') {
          out.push({ label: `${key}: NUL`, payload: json({ ...obj, [key]: NUL }) });
          out.push({ label: `${key}: lone surrogate`, payload: json({ ...obj, [key]: LONE_SURROGATE }) });
          out.push({ label: `${key}: huge`, payload: json({ ...obj, [key]: 'x'.repeat(200_000) }) });
        }
        if (typeof v === 'number') {
          out.push({ label: `${key}: 1e30`, payload: json({ ...obj, [key]: 1e30 }) });
          out.push({ label: `${key}: 1e-300`, payload: json({ ...obj, [key]: 1e-300 }) });
          out.push({ label: `${key}: -1`, payload: json({ ...obj, [key]: -1 }) });
        }
        if (Array.isArray(v))
          out.push({ label: `${key}: 2000 items`, payload: json({ ...obj, [key]: Array(2000).fill(v[0] ?? 'x') }) });
        if (v && typeof v === 'object') out.push({ label: `${key}: string`, payload: json({ ...obj, [key]: 'x' }) });
      }
    }
    out.push({ label: 'array body', payload: '[1,2,3]' });
    out.push({ label: 'bad JSON', payload: '{"a":' });
    out.push({ label: 'deep nesting', payload: '['.repeat(5000) + ']'.repeat(5000) });
    out.push({ label: 'deep object', payload: '{"a":'.repeat(3000) + '1' + '}'.repeat(3000) });
    out.push({ label: 'proto', payload: '{"__proto__":{"x":1}}' });
    return out;
  }

  const badIds = ['not-a-uuid', '%00', '%ED%A0%80', '1e30', "1'%20OR%201=1", 'x'.repeat(300)];
  const badCursors = [
    Buffer.from(JSON.stringify({ createdAt: 5, id: [] })).toString('base64url'),
    Buffer.from(JSON.stringify({ name: { a: 1 }, id: 'x', s: 'newest', k: 'abc', seq: 'x', code: 1, at: 'y' })).toString(
      'base64url',
    ),
    'garbage',
    '%00',
  ];

  function fillPath(path: string, params: Parameter[], bad?: string): string {
    return path.replace(/\{(\w+)\}/g, (_m, name: string) => {
      if (bad !== undefined) return bad;
      const p = params.find((x) => x.name === name);
      return encodeURIComponent(String(sample(p?.schema ?? { format: 'uuid' })));
    });
  }

  function query(params: Parameter[], override: Record<string, string> = {}): string {
    const q = new URLSearchParams();
    for (const p of params.filter((x) => x.in === 'query')) {
      if (p.required || random() < 0.5) q.set(p.name, String(sample(p.schema)));
    }
    for (const [k, v] of Object.entries(override)) q.set(k, v);
    const s = q.toString().replace(/%25(00|ED%A0%80)/g, '%$1');
    return s ? `?${s}` : '';
  }

  it('answers every generated request with a non-5xx in the error shape, within 5 s', async () => {
    const failures: string[] = [];
    let sent = 0;
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([m]) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
        .map(([method, op]) => ({ path, method: method.toUpperCase() as InjectOptions['method'], op })),
    );
    expect(operations.length).toBeGreaterThan(40);

    const send = async (label: string, options: InjectOptions) => {
      const started = Date.now();
      const res = await ctx.app.inject(options);
      const ms = Date.now() - started;
      sent += 1;
      const where = `${String(options.method)} ${(options.url as string).slice(0, 120)} [${label}]`;
      if (res.statusCode >= 500) failures.push(`${where}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      if (ms > SLOW_MS) failures.push(`${where}: took ${ms} ms`);
      if (res.statusCode >= 400) {
        let body: { statusCode?: unknown; code?: unknown; message?: unknown } = {};
        try {
          body = res.json();
        } catch {
          /* checked below */
        }
        if (body.statusCode !== res.statusCode || typeof body.code !== 'string' || typeof body.message !== 'string') {
          failures.push(`${where}: ${res.statusCode} not in the error shape: ${res.body.slice(0, 200)}`);
        }
      }
    };

    for (const { path, method, op } of operations) {
      const params = op.parameters ?? [];
      const content = op.requestBody?.content ?? {};
      const jsonSchema = content['application/json']?.schema;
      const isMultipart = Boolean(content['multipart/form-data']);
      const hasCursor = params.some((p) => p.name === 'cursor');
      for (const [role, token] of Object.entries(tokens)) {
        const headers: Record<string, string> = token ? bearer(token) : {};
        const url = () => `/api${fillPath(path, params)}`.replace('/api/api', '/api');
        const base = () => url() + query(params);
        // The request as the schema describes it, with each body mutation.
        if (jsonSchema || ['POST', 'PUT', 'PATCH'].includes(String(method))) {
          const body = jsonSchema ? sample(jsonSchema) : {};
          // Every role gets the full set on the first operations; a random share after that keeps the run quick.
          for (const m of bodyMutations(body)) {
            if (role !== 'anonymous' && role !== 'admin' && m.label !== 'valid' && random() < 0.5) continue;
            await send(`${role} ${m.label}`, {
              method,
              url: base(),
              headers: { ...headers, 'content-type': 'application/json' },
              payload: m.payload,
            });
          }
        } else {
          await send(`${role} valid`, { method, url: base(), headers });
        }
        // Query and path mutations.
        await send(`${role} query NUL`, { method, url: url() + query(params, { q: NUL, zz: LONE_SURROGATE }), headers });
        for (const p of params.filter((x) => x.in === 'query')) {
          await send(`${role} ${p.name}=NUL`, { method, url: `${url()}?${p.name}=%00`, headers });
          await send(`${role} ${p.name}=huge`, { method, url: `${url()}?${p.name}=${'9'.repeat(400)}`, headers });
          await send(`${role} ${p.name}=1e30`, { method, url: `${url()}?${p.name}=1e30`, headers });
          await send(`${role} ${p.name}[]`, { method, url: `${url()}?${p.name}=a&${p.name}=b`, headers });
        }
        if (hasCursor)
          for (const c of badCursors) await send(`${role} bad cursor`, { method, url: `${url()}?cursor=${c}`, headers });
        if (/\{\w+\}/.test(path)) {
          for (const bad of badIds)
            await send(`${role} bad id ${bad.slice(0, 12)}`, {
              method,
              url: `/api${fillPath(path, params, bad)}`.replace('/api/api', '/api'),
              headers,
            });
        }
        if (isMultipart) {
          const malformed: [string, string, string][] = [
            ['no boundary', 'multipart/form-data', '--x\r\n'],
            [
              'truncated',
              'multipart/form-data; boundary=XyZ',
              '--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 trunc',
            ],
            ['bad header', 'multipart/form-data; boundary=XyZ', '--XyZ\r\nGarbage\r\n\r\nzz\r\n--XyZ--\r\n'],
            [
              'NUL filename',
              'multipart/form-data; boundary=XyZ',
              '--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a\u0000.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\r\n--XyZ--\r\n',
            ],
          ];
          for (const [label, type, payload] of malformed)
            await send(`${role} multipart ${label}`, {
              method,
              url: url(),
              headers: { ...headers, 'content-type': type },
              payload,
            });
        }
      }
    }
    console.log(`fuzz: ${sent} requests, ${operations.length} operations`);
    if (failures.length) console.log(`${failures.length} failures of ${sent}:\n${failures.slice(0, 60).join('\n')}`);
    expect(sent).toBeGreaterThanOrEqual(2000);
    expect(failures).toEqual([]);
  }, 180_000);
});
