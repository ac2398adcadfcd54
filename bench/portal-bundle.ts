/**
 * The portal's JavaScript budget, measured on the production build (dist/portal): the gzip size of
 * every script a first visit to a public page loads (the entry, its static imports, and the page's
 * own chunk with its imports), from Vite's manifest. Budget: 200 KB per page.
 * `node -r ts-node/register bench/portal-bundle.ts` writes bench/results/portal-bundle.{json,md};
 * test/portal.e2e-spec.ts fails when a page is over budget.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export const FIRST_LOAD_BUDGET_BYTES = 200 * 1024;
export const PUBLIC_PAGES = [
  'Home',
  'Problems',
  'Problem',
  'Enterprises',
  'Enterprise',
  'Indicators',
  'SignIn',
  'Register',
  'SetPassword',
];

type Manifest = Record<string, { file: string; imports?: string[]; isEntry?: boolean; isDynamicEntry?: boolean }>;

export interface PageBudget {
  page: string;
  /** the page's own chunk */
  chunk: string;
  files: string[];
  gzipBytes: number;
}

export function measurePortalBundle(dist = join(__dirname, '..', 'dist', 'portal')): PageBudget[] {
  const manifestFile = join(dist, '.vite', 'manifest.json');
  if (!existsSync(manifestFile)) throw new Error(`${manifestFile} is missing: build the portal first (npm run build:portal)`);
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
  const gzipped = new Map<string, number>();
  const sizeOf = (file: string) => {
    if (!gzipped.has(file)) gzipped.set(file, gzipSync(readFileSync(join(dist, file)), { level: 9 }).length);
    return gzipped.get(file) as number;
  };
  const closure = (key: string, into: Set<string>) => {
    const chunk = manifest[key];
    if (!chunk || into.has(chunk.file)) return;
    into.add(chunk.file);
    for (const imported of chunk.imports ?? []) closure(imported, into);
  };
  const entry = Object.keys(manifest).find((k) => manifest[k]!.isEntry) as string;
  return PUBLIC_PAGES.map((page) => {
    const key = Object.keys(manifest).find((k) => k.endsWith(`src/pages/${page}.tsx`));
    if (!key) throw new Error(`no chunk for page ${page}: is it still loaded lazily?`);
    const files = new Set<string>();
    closure(entry, files);
    closure(key, files);
    const list = [...files].filter((f) => f.endsWith('.js'));
    return { page, chunk: manifest[key]!.file, files: list, gzipBytes: list.reduce((sum, f) => sum + sizeOf(f), 0) };
  });
}

if (require.main === module) {
  const pages = measurePortalBundle();
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'portal-bundle.json'), `${JSON.stringify({ budgetBytes: FIRST_LOAD_BUDGET_BYTES, pages }, null, 2)}\n`);
  const rows = pages.map(
    (p) =>
      `| ${p.page} | ${(p.gzipBytes / 1024).toFixed(1)} KB | ${p.gzipBytes <= FIRST_LOAD_BUDGET_BYTES ? 'within' : 'OVER'} |`,
  );
  writeFileSync(
    join(dir, 'portal-bundle.md'),
    `# Portal first-load JavaScript (gzip, production build)\n\nBudget: ${FIRST_LOAD_BUDGET_BYTES / 1024} KB per public page.\n\n| page | JS (gzip) | budget |\n|---|---|---|\n${rows.join('\n')}\n`,
  );
  console.log(rows.join('\n'));
  if (pages.some((p) => p.gzipBytes > FIRST_LOAD_BUDGET_BYTES)) process.exit(1);
}
