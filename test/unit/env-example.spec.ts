import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENV_KEYS } from '../../libs/common/src/config/env.schema';

/** .env.example and the README's table list every variable the schema reads. */
describe('configuration documents', () => {
  const root = join(__dirname, '..', '..');
  const keys: string[] = [...ENV_KEYS];

  it('knows the schema keys', () => {
    expect(keys).toEqual(expect.arrayContaining(['DATABASE_URL', 'REDIS_REQUEST_TIMEOUT_MS', 'ORPHAN_BLOB_GRACE_HOURS']));
  });

  it('.env.example lists every variable', () => {
    const text = readFileSync(join(root, '.env.example'), 'utf8');
    const listed = new Set([...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));
    expect(keys.filter((k) => !listed.has(k))).toEqual([]);
  });

  it('the README configuration table lists every variable', () => {
    const text = readFileSync(join(root, 'README.md'), 'utf8');
    expect(keys.filter((k) => !text.includes(`\`${k}\``))).toEqual([]);
  });
});
