/**
 * The baseline import at scale: a generated official list of BENCH_IMPORT_ROWS rows (default 100k,
 * every kind of bad row among them) through the dry run and the commit, timing each phase and
 * sampling the process's peak memory; then the same file again (the idempotent re-import), and the
 * directory's any-order search over all firms, with its EXPLAIN. Writes bench/results/import.json
 * and bench/results/search-explain.txt. Not a test: it fails only on an error.
 *
 * Each run imports fresh tax codes, so the bench database grows by ~65% of the rows per run.
 */
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { seedAreaReferenceData } from '@app/areas';
import { runMigrations } from '@app/database';
import { EnterpriseImportsService, EnterprisesService } from '@app/enterprises';
import { createApp } from '../apps/api/src/bootstrap';
import { generateList } from '../test/import-fixtures';
import { BENCH_TAX_PREFIX, seedRegistry } from './seed-registry';
import { cityToday } from '@app/common';

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 100_000);
const RESULTS = join(__dirname, 'results');
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const seconds = (ms: number) => Math.round(ms / 10) / 100;

/** Runs `work`, sampling RSS and heap every 20 ms: its duration and the peaks seen. */
async function phase<T>(
  work: () => Promise<T>,
): Promise<{ result: T; seconds: number; peakRssMb: number; peakHeapMb: number; heapGrowthMb: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  const startHeap = process.memoryUsage().heapUsed;
  let peakRss = process.memoryUsage().rss;
  let peakHeap = startHeap;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 20);
  const t0 = performance.now();
  try {
    const result = await work();
    return {
      result,
      seconds: seconds(performance.now() - t0),
      peakRssMb: mb(peakRss),
      peakHeapMb: mb(peakHeap),
      // what the phase itself added to the heap at its peak (the process also holds the generated list and the app)
      heapGrowthMb: mb(peakHeap - startHeap),
    };
  } finally {
    clearInterval(timer);
  }
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: run `npm run bench`');
  await runMigrations(url);
  const app = await createApp();
  await app.init();
  const ds = app.get(DataSource);
  await ds.transaction((m) => seedAreaReferenceData(m));
  const imports = app.get(EnterpriseImportsService);
  try {
    // The registry bench's 100k firms, seeded the same way when that bench has not run yet, so the
    // search below runs over at least 100k firms.
    const [{ n: seeded }] = await ds.query<[{ n: number }]>(
      `SELECT count(*)::int AS n FROM enterprises WHERE tax_code LIKE $1 || '%'`,
      [BENCH_TAX_PREFIX],
    );
    if (seeded === 0) {
      console.log("[bench] seeding the registry bench's 100k firms first…");
      await ds.transaction((m) => seedRegistry(m, Number(process.env.BENCH_FIRMS ?? 100_000), cityToday()));
      await ds.query('VACUUM ANALYZE');
    }
    const [admin] = await ds.query<{ id: string }[]>(
      `INSERT INTO users (email, full_name, role, password_hash, status)
       VALUES ('bench-import-admin@bench.local', 'Bench admin', 'admin', 'x', 'active')
       ON CONFLICT ((lower(email))) DO UPDATE SET full_name = EXCLUDED.full_name RETURNING id`,
    );
    const actor = { id: admin!.id, role: 'admin' as const };
    const gen = await phase(() => Promise.resolve(generateList(ROWS, { seed: 106 })));
    const bytes = Buffer.from(gen.result.csv, 'utf8');
    console.log(`[bench] ${ROWS} rows, ${mb(bytes.length)} MB of CSV`);
    const baselineRss = mb(process.memoryUsage().rss);

    const run = async (label: string) => {
      const created = await imports.create(actor, { fileName: `${label}.csv`, bytes }, 'bench: generated list');
      const dry = await phase(() => imports.validate(created.id));
      await imports.requestCommit(actor, created.id);
      const commit = await phase(() => imports.commit(created.id));
      const view = await imports.get(created.id);
      console.log(`[bench] ${label}: dry run ${dry.seconds} s, commit ${commit.seconds} s`, view.summary);
      return {
        dryRun: {
          heapGrowthMb: dry.heapGrowthMb,
          seconds: dry.seconds,
          rowsPerSecond: Math.round(ROWS / Math.max(dry.seconds, 0.001)),
          peakRssMb: dry.peakRssMb,
          peakHeapMb: dry.peakHeapMb,
        },
        commit: {
          seconds: commit.seconds,
          heapGrowthMb: commit.heapGrowthMb,
          peakRssMb: commit.peakRssMb,
          peakHeapMb: commit.peakHeapMb,
        },
        summary: view.summary,
      };
    };
    const first = await run('first-import');
    const again = await run('re-import');

    // The directory's search over every firm now in the registry, words in any order.
    const [{ firms }] = await ds.query<[{ firms: number }]>(`SELECT count(*)::int AS firms FROM enterprises`);
    await ds.query('ANALYZE enterprises');
    const directory = app.get(EnterprisesService);
    const plans: string[] = [];
    const searches: { q: string; ms: number; hits: number }[] = [];
    for (const q of ['hai phong cong nghe so 4321', 'so 4321 cong nghe', 'phan mem', 'dien tu hai phong']) {
      const spy = ds.query.bind(ds);
      let captured: [string, unknown[]] | null = null;
      (ds as { query: unknown }).query = (sql: string, params?: unknown[]) => {
        if (sql.includes('search_document')) captured = [sql, params ?? []];
        return spy(sql, params);
      };
      const t0 = performance.now();
      const page = await directory.list(undefined, { q, limit: 20 });
      searches.push({ q, ms: Math.round((performance.now() - t0) * 100) / 100, hits: page.items.length });
      (ds as { query: unknown }).query = spy;
      if (captured) {
        const [sql, params] = captured as [string, unknown[]];
        const rows = await ds.query<{ 'QUERY PLAN': string }[]>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
        plans.push(`== q=${q}\n${rows.map((r) => r['QUERY PLAN']).join('\n')}\n`);
      }
    }

    mkdirSync(RESULTS, { recursive: true });
    const result = {
      date: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length,
        cpu: os.cpus()[0]?.model,
        memoryGb: Math.round(os.totalmem() / 1e9),
        node: process.version,
      },
      rows: ROWS,
      fileMb: mb(bytes.length),
      expected: gen.result.expected,
      processRssBeforeImportMb: baselineRss,
      firstImport: first,
      reImport: again,
      directory: { firms, searches },
    };
    writeFileSync(join(RESULTS, 'import.json'), JSON.stringify(result, null, 2) + '\n');
    writeFileSync(join(RESULTS, 'search-explain.txt'), plans.join('\n'));
    console.log(`[bench] wrote bench/results/import.json and search-explain.txt (${firms} firms)`);
  } finally {
    await app.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
