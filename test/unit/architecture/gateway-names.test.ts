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

/**
 * Files that still name a PG outside its folder: a shrinking allow-list, each entry to be moved
 * behind the registry (issue 17). A file that no longer names a PG must leave this list (the test
 * says so), and no file may join it.
 */
const NOT_YET_NEUTRAL: Record<string, string> = {
  'src/web/app.js': 'the page opens each PG window itself; to move into per-PG browser scripts the registry serves',
  'src/web/i18n.js': 'the page\'s texts name the PGs (the footer, Toss\'s return messages); they go with the per-PG browser scripts',
  'src/cli/commands.ts': 'sandbox CLI flags per PG (--status, --notice-*)',
  'src/cli/sandbox-client.ts': 'a CLI client per PG sandbox; to become a member of the PG module',
  'src/sandbox/shared/sandbox-journal.ts': 'state file names per PG sandbox',
  'src/payment/domain/payment.entity.ts': 'gatewayOfUnrecorded: payments stored before `gateway` was recorded (data, not wiring)',
};

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

  it('finds no PG name in src/ outside src/payment/infrastructure/<pg>/, src/sandbox/<pg>/, the registry and the allow-list', () => {
    const found = offenders();
    const unexpected = [...found].filter(([file]) => !(file in NOT_YET_NEUTRAL)).map(([file, lines]) => `${file}: ${lines.join(' | ')}`);
    expect(unexpected, 'a PG named outside its folder: reach it through gateways.registry.ts').to.deep.equal([]);
  });

  it('keeps the allow-list shrinking: every file on it still names a PG', () => {
    const found = offenders();
    const stale = Object.keys(NOT_YET_NEUTRAL).filter((file) => !found.has(file));
    expect(stale, 'no longer names a PG: remove it from NOT_YET_NEUTRAL').to.deep.equal([]);
  });
});
