import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ErrorCode } from '@app/common';
import { startApp, TestContext } from './harness';

interface Problem {
  severity: string;
  rule: string;
  message: string;
  path: string;
}
type Operation = {
  operationId?: string;
  summary?: string;
  description?: string;
  security?: unknown[];
  parameters?: { in: string; name: string; schema?: { format?: string } }[];
  responses: Record<string, { content?: Record<string, { schema?: Record<string, unknown> }> }>;
};

/** The document is the contract the portal and outside clients are generated from. */
describe('OpenAPI document', () => {
  let ctx: TestContext;
  let document: {
    paths: Record<string, Record<string, Operation>>;
    tags: { name: string; description?: string }[];
    servers?: unknown[];
  };
  const operations: [string, string, Operation][] = [];

  beforeAll(async () => {
    ctx = await startApp();
    document = (await ctx.http.get('/api/docs-json').expect(200)).body;
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) operations.push([method.toUpperCase(), path, operation]);
    }
  });
  afterAll(() => ctx.close());

  it('is built from the current types: the committed swagger plugin metadata is up to date', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'openapi-meta-'));
    await promisify(execFile)(process.execPath, [join(__dirname, '../scripts/openapi-metadata.js'), '--out', dir]);
    const fresh = await readFile(join(dir, 'openapi-metadata.ts'), 'utf8');
    const committed = await readFile(join(__dirname, '../apps/api/src/openapi-metadata.ts'), 'utf8');
    // Stale: run `node scripts/openapi-metadata.js` (npm run build does) and commit the file.
    expect(fresh === committed).toBe(true);
  }, 120_000);

  it('passes Spectral (spectral:oas) and Redocly (recommended) with no errors', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'openapi-'));
    const file = join(dir, 'openapi.json');
    await writeFile(file, JSON.stringify(document));
    const { stdout } = await promisify(execFile)(process.execPath, [join(__dirname, '../scripts/lint-openapi.mjs'), file], {
      maxBuffer: 64 * 1024 * 1024,
    });
    const result = JSON.parse(stdout) as { spectral: Problem[]; redocly: Problem[] };
    expect(result.spectral.filter((p) => p.severity === 'error')).toEqual([]);
    expect(result.redocly.filter((p) => p.severity === 'error')).toEqual([]);
  }, 120_000);

  it('gives every operation a readable operationId, a summary, a description and a success schema', () => {
    expect(operations.length).toBeGreaterThan(80);
    const ids = operations.map(([, , o]) => o.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    const faults: string[] = [];
    for (const [method, path, operation] of operations) {
      const where = `${method} ${path}`;
      if (!/^[a-z][a-zA-Z]+$/.test(operation.operationId ?? '')) faults.push(`${where}: operationId ${operation.operationId}`);
      if (!operation.summary) faults.push(`${where}: no summary`);
      if (!operation.description?.includes('Error codes:')) faults.push(`${where}: no description listing error codes`);
      const success = Object.entries(operation.responses).filter(([status]) => /^2/.test(status));
      if (success.length === 0) faults.push(`${where}: no success response`);
      for (const [status, response] of success) {
        if (status === '204') continue;
        const media = Object.values(response.content ?? {});
        if (media.length === 0 || !media.every((m) => !!m.schema)) faults.push(`${where} ${status}: no schema`);
        const json = response.content?.['application/json']?.schema;
        if (json && JSON.stringify(json) === JSON.stringify({ type: 'object' })) faults.push(`${where} ${status}: bare object`);
      }
      for (const parameter of operation.parameters ?? []) {
        if (parameter.in === 'path' && /^(id|qid|attachmentId)$/.test(parameter.name) && parameter.schema?.format !== 'uuid') {
          faults.push(`${where}: ${parameter.name} not uuid`);
        }
      }
    }
    expect(faults).toEqual([]);
  });

  it('documents errors with the one ErrorBody whose code lists every stable code', () => {
    const schemas = (
      document as unknown as { components: { schemas: Record<string, { properties: { code: { enum: string[] } } }> } }
    ).components.schemas;
    expect(schemas.ErrorBody!.properties.code.enum.sort()).toEqual(Object.values(ErrorCode).sort());
    const errorResponses = operations.flatMap(([, , o]) => Object.entries(o.responses).filter(([s]) => /^[45]/.test(s)));
    expect(errorResponses.length).toBeGreaterThan(100);
    for (const [, response] of errorResponses) {
      expect(response.content?.['application/json']?.schema).toEqual({ $ref: '#/components/schemas/ErrorBody' });
    }
  });

  it('marks security only on protected operations, and names servers and tags', () => {
    const byId = new Map(operations.map(([, , o]) => [o.operationId, o]));
    expect(byId.get('getProblemResult')?.security).toEqual([]);
    expect(byId.get('getProblemResult')?.responses['401']).toBeUndefined();
    expect(byId.get('listProblems')?.security).toEqual([{}, { bearer: [] }]);
    expect(byId.get('submitProposal')?.security).toEqual([{ bearer: [] }]);
    expect(byId.get('submitProposal')?.responses['403']).toBeDefined();
    expect(document.servers?.length).toBeGreaterThan(0);
    const used = new Set(operations.flatMap(([, , o]) => (o as { tags?: string[] }).tags ?? []));
    for (const tag of used) expect(document.tags.find((t) => t.name === tag)?.description).toBeTruthy();
  });
});
