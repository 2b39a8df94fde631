// The layering of DESIGN §5, checked on the import lines of every src/**/*.ts file:
// PG adapters only from infrastructure, a domain free of frameworks and adapters, Inversify
// only in *.module.ts and src/app/container.ts. Type-only imports count: they couple as much.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const SRC = path.join(ROOT, 'src');

interface ImportLine {
  /** Repo-relative, e.g. src/payment/domain/payment.entity.ts. */
  file: string;
  line: number;
  /** As written. */
  specifier: string;
  /** Repo-relative path without extension for relative specifiers, else the package name. */
  target: string;
  typeOnly: boolean;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(full);
    return entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

const toRepo = (absolute: string) => path.relative(ROOT, absolute).split(path.sep).join('/');

/** `import … from 'x'`, `export … from 'x'`, `import 'x'`, `import('x')`, also spread over several lines. */
const IMPORT = /(?:^|[\s;])(?:import|export)\s+(type\s+)?(?:[\w*{}\s,$]*?\s+from\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

export function importsOf(absolute: string): ImportLine[] {
  const source = readFileSync(absolute, 'utf8');
  const file = toRepo(absolute);
  const lines: ImportLine[] = [];
  for (const match of source.matchAll(IMPORT)) {
    const specifier = match[2] ?? match[3];
    // The keyword's own position (the match may begin with the whitespace before it).
    const start = match.index + match[0].search(/import|export/);
    const before = source.slice(0, start);
    // Skip matches inside comments (e.g. a usage example in a header).
    if (/^\s*(\/\/|\/?\*)/.test(before.slice(before.lastIndexOf('\n') + 1))) continue;
    const target = specifier.startsWith('.')
      ? toRepo(path.resolve(path.dirname(absolute), specifier)).replace(/\.(js|ts)$/, '')
      : specifier.startsWith('node:') ? specifier : specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
    lines.push({ file, line: before.split('\n').length, specifier, target, typeOnly: Boolean(match[1]) });
  }
  return lines;
}

const ALL_IMPORTS = tsFiles(SRC).flatMap(importsOf);
const show = (i: ImportLine) => `${i.file}:${i.line} imports '${i.specifier}'${i.typeOnly ? ' (type only)' : ''}`;

const PG_ADAPTER = /^src\/payment\/infrastructure\/(iamport|toss)(\/|$)/;
const IN_INFRASTRUCTURE = /^src\/(.+\/)?infrastructure\//;
const DOMAIN_FILE = /^src\/[^/]+\/domain\//;
const FRAMEWORKS = ['koa', 'knex', 'got', 'inversify'];
const ADAPTER_LAYER = /^src\/(.+\/)?(infrastructure|http)(\/|$)/;
const INVERSIFY_ALLOWED = (file: string) => file.endsWith('.module.ts') || file === 'src/app/container.ts';

describe('dependency rules (DESIGN §5)', () => {
  it('reads the import lines of every source file', () => {
    expect(ALL_IMPORTS.length).to.be.greaterThan(200);
    expect(ALL_IMPORTS.some((i) => i.file === 'src/app/container.ts' && i.target === 'inversify')).to.equal(true);
    expect(ALL_IMPORTS.filter((i) => DOMAIN_FILE.test(i.file)).length).to.be.greaterThan(10);
    // A multi-line import is read too.
    expect(ALL_IMPORTS.some((i) => i.file === 'src/app/http-app.ts' && i.target === 'src/payment/http/payment.routes')).to.equal(true);
  });

  it('imports a PG adapter (src/payment/infrastructure/iamport|toss) only from infrastructure code', () => {
    const offenders = ALL_IMPORTS.filter((i) => PG_ADAPTER.test(i.target) && !IN_INFRASTRUCTURE.test(i.file)).map(show);
    expect(offenders, 'PG adapter imported outside src/**/infrastructure/').to.deep.equal([]);
  });

  it('keeps every domain free of koa, knex, got, inversify and of infrastructure / http code', () => {
    const offenders = ALL_IMPORTS
      .filter((i) => DOMAIN_FILE.test(i.file))
      .filter((i) => FRAMEWORKS.some((f) => i.target === f || i.target.startsWith(`${f}/`) || i.target === `@${f}`) || ADAPTER_LAYER.test(i.target) || /koa/.test(i.target))
      .map(show);
    expect(offenders, 'domain code depending on a framework or an adapter').to.deep.equal([]);
  });

  it('imports Inversify only in *.module.ts files and src/app/container.ts', () => {
    const offenders = ALL_IMPORTS.filter((i) => i.target === 'inversify' && !INVERSIFY_ALLOWED(i.file)).map(show);
    expect(offenders, 'Inversify outside the module files').to.deep.equal([]);
  });
});
