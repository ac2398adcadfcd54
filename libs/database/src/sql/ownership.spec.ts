import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Library, READ_MODELS, TABLE_OWNERS } from './ownership';

/**
 * Reads every library's source and checks that (1) SQL is written one way — the typed builder,
 * `db(manager)` — never as a raw string through TypeORM's query() or a repository; (2) only a
 * table's owner writes it; (3) other libraries read it only when the owner publishes it as a read
 * model. A regex scan, deliberately simple: it sees builder calls and SQL keywords in sql`` parts.
 */
const ROOT = join(__dirname, '..', '..', '..', '..');
const LIBS = join(ROOT, 'libs');

/** The few places that legitimately talk to PostgreSQL below the query builder, and why. */
const RAW_ACCESS_ALLOWED = new Set<string>([
  // The bridge itself runs compiled queries on TypeORM's query runner.
  'libs/database/src/sql/kysely.ts',
]);

type Table = keyof typeof TABLE_OWNERS;
const isTable = (name: string): name is Table => Object.prototype.hasOwnProperty.call(TABLE_OWNERS, name);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'migrations' ? [] : sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') && name !== 'schema.ts' ? [path] : [];
  });
}

interface Finding {
  file: string;
  problem: string;
}

function scan(): Finding[] {
  const findings: Finding[] = [];
  for (const path of sourceFiles(LIBS)) {
    const file = relative(ROOT, path);
    const lib = file.split('/')[1] as Library;
    const text = readFileSync(path, 'utf8');
    const report = (problem: string) => findings.push({ file, problem });

    if (!RAW_ACCESS_ALLOWED.has(file)) {
      if (/\.query\s*[<(]/.test(text)) report('raw query() — use db(manager) from @app/database');
      if (/getRepository\s*\(|InjectRepository|@Entity\s*\(/.test(text)) report('TypeORM entity/repository — use db(manager)');
    }
    const writes = [
      ...text.matchAll(/\.(?:insertInto|updateTable|deleteFrom|mergeInto)\(\s*'([a-z_]+)/g),
      ...text.matchAll(/\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+([a-z_]+)/g),
    ].map((m) => m[1]);
    const reads = [
      ...text.matchAll(/\.(?:selectFrom|innerJoin|leftJoin|rightJoin|fullJoin|crossJoin)\(\s*'([a-z_]+)/g),
      ...text.matchAll(/\b(?:FROM|JOIN)\s+([a-z_]+)/g),
    ].map((m) => m[1]);
    for (const table of new Set(writes)) {
      if (table && isTable(table) && TABLE_OWNERS[table] !== lib) report(`writes ${table} (owned by ${TABLE_OWNERS[table]})`);
    }
    for (const table of new Set(reads)) {
      if (!table || !isTable(table) || TABLE_OWNERS[table] === lib) continue;
      if (!READ_MODELS[table]?.readers.includes(lib))
        report(`reads ${table} (owned by ${TABLE_OWNERS[table]}, not a read model for ${lib})`);
    }
  }
  return findings;
}

describe('table ownership and the one query style', () => {
  const findings = scan();

  it('every library writes only its own tables, reads others only through read models, and uses the typed builder', () => {
    expect(findings).toEqual([]);
  });
});
