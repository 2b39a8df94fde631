// DESIGN §6 "Gateways are adapters, the core is PG-neutral": a PG's name (iamport, toss, portone, in
// any case, as an identifier or inside a string) appears in src/ only in its own folders
// (src/payment/infrastructure/<pg>/, src/sandbox/<pg>/) and in the registry. Comments may name PGs.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const SRC = path.join(ROOT, 'src');
const PG_NAMES = ['iamport', 'toss', 'portone'];
const NAME = new RegExp(PG_NAMES.join('|'), 'i');
const REGISTRY = 'src/payment/infrastructure/gateways.registry.ts';
const OWN_FOLDER = new RegExp(`^src/(payment/infrastructure|sandbox)/(${PG_NAMES.join('|')})/`);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|js|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** The code without its comments; strings, template literals and regular expressions are kept. */
export function withoutComments(source: string): string {
  let out = '';
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      i = end === -1 ? source.length : end + 2;
    } else if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < source.length && source[j] !== c) j += source[j] === '\\' ? 2 : 1;
      out += source.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

const toRepo = (absolute: string) => path.relative(ROOT, absolute).split(path.sep).join('/');

function offenders(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const repo = toRepo(file);
    if (repo === REGISTRY || OWN_FOLDER.test(repo)) continue;
    const lines = withoutComments(readFileSync(file, 'utf8')).split('\n').filter((line) => NAME.test(line)).map((line) => line.trim());
    if (lines.length > 0) found.set(repo, lines);
  }
  return found;
}

describe('PG names stay in their folders and the registry (DESIGN §6)', () => {
  it('strips comments but keeps strings', () => {
    expect(withoutComments("const a = 'Toss'; // iamport\n/* portone */ b(`x`);")).to.equal("const a = 'Toss'; \n b(`x`);");
    expect(NAME.test(withoutComments('// only a comment names Toss'))).to.equal(false);
  });

  it('finds no PG name in src/ outside src/payment/infrastructure/<pg>/, src/sandbox/<pg>/ and the registry', () => {
    const found = [...offenders()].map(([file, lines]) => `${file}: ${lines.join(' | ')}`);
    expect(found, 'a PG named outside its folder: reach it through gateways.registry.ts').to.deep.equal([]);
  });
});
