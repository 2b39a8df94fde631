// The import lines of the source files, for the architecture tests (test/unit/architecture/).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const SRC = path.join(ROOT, 'src');

export interface ImportLine {
  /** Repo-relative, e.g. src/payment/domain/payment.entity.ts. */
  file: string;
  line: number;
  /** As written. */
  specifier: string;
  /** Repo-relative path without extension for relative specifiers, else the package name. */
  target: string;
  typeOnly: boolean;
}

export function tsFiles(dir: string): string[] {
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
