// `npm run build`: the production build in dist/, run with plain `node` and production dependencies
// only (docs/adr/0006-production-build-with-esbuild.md). Each source file becomes one JavaScript
// file at the same place under dist/ (dist/src/..., dist/scripts/..., dist/migrations/...), so
// paths that code finds from its own location (migrations, config/, the page, the SDK stand-ins)
// hold in the build as in the sources. Imports of packages stay imports of node_modules.
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, 'dist');

/** What runs in production: the app, its CLI, the standalone sandboxes (and everything they import), the migrations. */
const SOURCE_DIRECTORIES = ['src', 'migrations'];
const SCRIPTS = ['scripts/cli.ts', 'scripts/migrate.ts', 'scripts/sandbox.ts'];

/** The commands of the build: `node dist/<name>.js`. */
const ENTRY_POINTS: Record<string, string> = {
  'main.js': './src/app/main.js',
  'cli.js': './scripts/cli.js',
  'migrate.js': './scripts/migrate.js',
  'sandbox.js': './scripts/sandbox.js',
};

function filesUnder(directory: string): string[] {
  return readdirSync(path.join(ROOT, directory), { recursive: true, encoding: 'utf8' })
    .map((file) => path.join(directory, file))
    .filter((file) => statSync(path.join(ROOT, file)).isFile());
}

/**
 * The sources import each other without an extension (`'./config'`), which tsx resolves and Node's
 * ESM loader does not. Each relative import stays an import of the neighbouring built file, with
 * the `.js` it needs: the sources keep their imports as they are.
 */
export const relativeImportsAsBuiltFiles: Plugin = {
  name: 'relative-imports-as-built-files',
  setup(builder) {
    builder.onResolve({ filter: /^\.\.?(\/|$)/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      const target = path.resolve(args.resolveDir, args.path);
      if (args.path.endsWith('.js') && existsSync(target.replace(/\.js$/, '.ts'))) return { path: args.path, external: true };
      if (existsSync(`${target}.ts`)) return { path: `${args.path}.js`, external: true };
      if (existsSync(path.join(target, 'index.ts'))) return { path: `${args.path}/index.js`, external: true };
      return { errors: [{ text: `cannot build the import ${args.path}: no ${path.relative(ROOT, target)}.ts next to it` }] };
    });
  },
};

/**
 * Compiles each entry point to one JavaScript file of its own, its relative imports kept as imports
 * of the neighbouring built files and its packages as imports of node_modules: the settings of the
 * build, for whatever else (the bench's processes) must run beside it.
 */
export async function compileEachFile(files: { entryPoints: string[]; outdir: string; outbase?: string }): Promise<void> {
  await build({
    ...files,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    plugins: [relativeImportsAsBuiltFiles],
    logLevel: 'warning',
  });
}

export async function buildDist(): Promise<void> {
  rmSync(OUT, { recursive: true, force: true });
  const sources = SOURCE_DIRECTORIES.flatMap(filesUnder);
  const typescript = sources.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'));
  await compileEachFile({ entryPoints: [...typescript, ...SCRIPTS].map((file) => path.join(ROOT, file)), outdir: OUT, outbase: ROOT });
  // What the code reads from disk beside itself: the page, the SDK stand-ins, config/.
  for (const file of sources.filter((f) => !f.endsWith('.ts') && !f.endsWith('.md'))) {
    mkdirSync(path.dirname(path.join(OUT, file)), { recursive: true });
    cpSync(path.join(ROOT, file), path.join(OUT, file));
  }
  cpSync(path.join(ROOT, 'config'), path.join(OUT, 'config'), { recursive: true });
  writeFileSync(path.join(OUT, 'package.json'), `${JSON.stringify({ type: 'module', private: true }, null, 2)}\n`);
  for (const [name, target] of Object.entries(ENTRY_POINTS)) writeFileSync(path.join(OUT, name), `import '${target}';\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const started = Date.now();
  await buildDist();
  console.log(`built dist/ in ${Date.now() - started} ms: node dist/main.js (app), dist/cli.js, dist/migrate.js, dist/sandbox.js`);
}
