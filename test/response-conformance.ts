import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

/**
 * Every JSON response the e2e suite receives is checked against the OpenAPI document: its
 * operation, its status and its body's schema. A response the document does not describe fails
 * the spec file (at close), so the document cannot drift from the code.
 */
interface Seen {
  method: string;
  route: string;
  status: number;
  contentType: string;
  body: string;
}

type Schema = Record<string, unknown>;
interface OpenApi {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }> }>
  >;
  components: { schemas: Record<string, Schema> };
}

const DOC_ID = 'openapi';

/** OpenAPI 3.0 schema → JSON Schema: `nullable` becomes a null alternative; refs point into the document. */
function toJsonSchema(node: unknown, strict: boolean): unknown {
  if (Array.isArray(node)) return node.map((n) => toJsonSchema(n, strict));
  if (!node || typeof node !== 'object') return node;
  const out: Schema = {};
  for (const [key, value] of Object.entries(node as Schema)) {
    if (key === '$ref' && typeof value === 'string') out.$ref = value.startsWith('#') ? `${DOC_ID}${value}` : value;
    else if (key === 'example' || key === 'nullable') continue;
    else if (key === 'properties' && value && typeof value === 'object') {
      out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonSchema(v, strict)]));
    } else out[key] = toJsonSchema(value, strict);
  }
  // A documented object with named properties admits no others: an undocumented field fails.
  if (strict && out.type === 'object' && out.properties && out.additionalProperties === undefined)
    out.additionalProperties = false;
  if ((node as Schema).nullable === true) return { anyOf: [{ type: 'null' }, out] };
  return out;
}

export class ResponseConformance {
  private readonly seen: Seen[] = [];

  /** Call before the app is ready: records every response the app sends. */
  attach(fastify: FastifyInstance): void {
    fastify.addHook('onSend', (request, reply, payload, done) => {
      const route = request.routeOptions?.url;
      // Not the API: the portal's pages and assets (apps/api/src/portal-static.ts), Swagger UI, and the
      // queue dashboard (bull-board's own page and its internal JSON).
      const outside = !route?.startsWith('/api/') || route.startsWith('/api/docs') || route.startsWith('/api/admin/queues');
      if (route && !outside && request.method !== 'OPTIONS' && request.method !== 'HEAD') {
        this.seen.push({
          method: request.method.toLowerCase(),
          route,
          status: reply.statusCode,
          contentType: String(reply.getHeader('content-type') ?? ''),
          body: typeof payload === 'string' ? payload : '',
        });
      }
      done(null, payload);
    });
  }

  /** Every fault: an undocumented operation or status, or a body that does not fit its schema. */
  check(document: OpenApi): string[] {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    ajv.addSchema({ $id: DOC_ID, components: { schemas: toJsonSchema(document.components.schemas, true) } });
    const compiled = new Map<string, ValidateFunction | null>();
    const faults = new Set<string>();
    for (const r of this.seen) {
      const path = r.route.replace(/:(\w+)/g, '{$1}');
      const where = `${r.method.toUpperCase()} ${path} → ${r.status}`;
      const operation = document.paths[path]?.[r.method];
      if (!operation) {
        faults.add(`${where}: operation not in the document`);
        continue;
      }
      const response = operation.responses[String(r.status)];
      if (!response) {
        faults.add(`${where}: status not documented`);
        continue;
      }
      if (!/application\/json/.test(r.contentType)) continue;
      const key = `${where}`;
      if (!compiled.has(key)) {
        const schema = response.content?.['application/json']?.schema;
        compiled.set(key, schema ? ajv.compile(toJsonSchema(schema, true) as Schema) : null);
      }
      const validate = compiled.get(key);
      if (!validate) {
        faults.add(`${where}: JSON answered, none documented`);
        continue;
      }
      const body = JSON.parse(r.body) as { code?: string };
      if (!validate(body)) {
        faults.add(`${where}: ${ajv.errorsText(validate.errors, { separator: '; ' })}`);
      } else if (r.status >= 400) {
        // An error's code must be one the operation documents for that status.
        const listed = [...(response.description ?? '').matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]);
        if (!listed.includes(String(body.code))) faults.add(`${where}: code ${body.code} not documented (${listed.join(', ')})`);
      }
    }
    return [...faults];
  }
}
