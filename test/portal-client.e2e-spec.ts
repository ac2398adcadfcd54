import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startApp, TestContext } from './harness';

/**
 * The portal's API types (apps/portal/src/api/schema.d.ts) are generated with openapi-typescript
 * from the document the API serves. This fails when the checked-in file no longer matches;
 * `npm run portal:client` regenerates it.
 */
const SCHEMA_FILE = join(__dirname, '..', 'apps', 'portal', 'src', 'api', 'schema.d.ts');

describe('portal API client', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startApp();
  });
  afterAll(() => ctx.close());

  it('matches the OpenAPI document the API serves', async () => {
    const document = (await ctx.http.get('/api/docs-json').expect(200)).body;
    // servers depends on PUBLIC_URL; the client uses relative paths.
    delete document.servers;
    const dir = await mkdtemp(join(tmpdir(), 'portal-client-'));
    await writeFile(join(dir, 'openapi.json'), JSON.stringify(document));
    const cli = join(__dirname, '..', 'node_modules', 'openapi-typescript', 'bin', 'cli.js');
    await promisify(execFile)(process.execPath, [cli, join(dir, 'openapi.json'), '-o', join(dir, 'schema.d.ts')]);
    const generated = await readFile(join(dir, 'schema.d.ts'), 'utf8');
    if (process.env.UPDATE_PORTAL_CLIENT === '1') await writeFile(SCHEMA_FILE, generated);
    const committed = await readFile(SCHEMA_FILE, 'utf8').catch(() => '');
    expect(committed).toBe(generated);
  });
});
