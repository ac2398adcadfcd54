/**
 * `npm run bench`: every benchmark in turn, against the bench database that scripts/run.ts
 * started (or DATABASE_URL / REDIS_URL). Each writes its figures under bench/results/.
 * Benchmarks are not tests: they never fail on a time, only on an error.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const BENCHES = [
  'bench/registry.ts',
  'bench/marketplace.ts',
  'bench/baseline.ts',
  'bench/api-memory.ts',
  'bench/import.ts',
  'bench/deadline-burst.ts',
  'bench/scale.ts',
];
/** `npm run bench -- import` runs only the benches whose file names contain a word given. */
const only = process.argv.slice(2);
const selected = only.length > 0 ? BENCHES.filter((f) => only.some((word) => f.includes(word))) : BENCHES;
const tsNode = join(__dirname, '..', 'node_modules', 'ts-node', 'dist', 'bin.js');

for (const file of selected) {
  console.log(`[bench] ${file}`);
  const result = spawnSync(process.execPath, ['--expose-gc', tsNode, '-r', 'tsconfig-paths/register', file], {
    stdio: 'inherit',
    env: process.env,
  });
  if (result.status !== 0) {
    console.error(`[bench] ${file} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
}
