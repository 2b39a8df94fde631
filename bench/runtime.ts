// BENCH_RUNTIME: what the measured processes run on. `tsx` (the default) runs bench/processes/*.ts
// through tsx, as `npm start` runs the app; `dist` runs them as production runs memberpay
// (ADR 0006): plain `node` on JavaScript. For `dist` the bench builds dist/ first, exactly as
// `npm run build` does (so the build is never older than the sources measured), then compiles
// bench/processes/ to dist/bench/processes/ with the same esbuild settings: their imports of src/
// become imports of dist/src/, the build's own files. The driver and the load generator stay on tsx
// in both cases.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDist, compileEachFile } from '../scripts/build';

export type BenchRuntime = 'tsx' | 'dist';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PROCESSES = path.join(ROOT, 'bench', 'processes');
const BUILT_PROCESSES = path.join(ROOT, 'dist', 'bench', 'processes');

export const benchRuntime: BenchRuntime = (() => {
  const value = process.env.BENCH_RUNTIME ?? 'tsx';
  if (value !== 'tsx' && value !== 'dist') throw new Error(`BENCH_RUNTIME must be tsx or dist, got ${value}`);
  return value;
})();

/** For table titles and results.json. */
export const runtimeLabel = benchRuntime === 'dist'
  ? 'compiled: node dist/ (npm run build)'
  : 'tsx: node --import tsx on the TypeScript sources';

let prepared: Promise<void> | null = null;

/** Builds what BENCH_RUNTIME=dist runs, once per bench run; nothing for tsx. */
export function prepareRuntime(): Promise<void> {
  if (benchRuntime === 'tsx') return Promise.resolve();
  prepared ??= (async () => {
    const started = Date.now();
    await buildDist();
    await compileEachFile({
      entryPoints: readdirSync(PROCESSES).filter((f) => f.endsWith('.ts')).map((f) => path.join(PROCESSES, f)),
      outdir: BUILT_PROCESSES,
    });
    process.stderr.write(`\r\x1b[KBENCH_RUNTIME=dist: built dist/ (npm run build) and dist/bench/processes/ in ${Date.now() - started} ms\n`);
  })();
  return prepared;
}

/** Node's arguments that run bench/processes/<name>.process.ts on this runtime. */
export function processArguments(name: string): string[] {
  return benchRuntime === 'dist'
    ? [path.join(BUILT_PROCESSES, `${name}.process.js`)]
    : ['--import', 'tsx', path.join(PROCESSES, `${name}.process.ts`)];
}
