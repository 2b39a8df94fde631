// Module borders (issue 17): each bounded context under src/ has one public entry,
// src/<module>/<module>.api.ts, and a declared list of what it may use; src/shared is the kernel every
// module uses and uses none; src/app assembles the modules (container, HTTP app, workers, main).
// Checked on the import lines of every src/**/*.ts file; type-only imports count.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { type ImportLine, importsOf, ROOT, SRC, tsFiles } from '../../support/source-imports';

/**
 * What each module may import besides itself. Listed in dependency order: a module uses only those
 * above it, so the table has no cycle. `shared` (the kernel) and `config` (src/config.ts, the
 * settings every module is given) are open to all; `sandbox` (the PG stand-ins) to payment, whose PG
 * adapters start them in-process.
 */
const MAY_USE: Record<string, string[]> = {
  identity: ['shared', 'config'],
  pricing: ['shared', 'config'],
  payment: ['identity', 'pricing', 'shared', 'config', 'sandbox'],
  membership: ['identity', 'pricing', 'payment', 'shared', 'config'],
  billing: ['identity', 'pricing', 'payment', 'membership', 'shared', 'config'],
  admin: ['identity', 'pricing', 'payment', 'membership', 'billing', 'shared', 'config'],
};
const MODULES = Object.keys(MAY_USE);

const entryOf = (module: string) => `src/${module}/${module}.api`;
/** The top folder under src/ (`config` for src/config.ts and src/config-error.ts), or null outside src/. */
function areaOf(target: string): string | null {
  const match = /^src\/([^/]+)(\/|$)/.exec(target);
  if (!match) return null;
  return match[2] === '/' ? match[1] : match[1].replace(/\.ts$/, '').replace(/-error$/, '');
}

const ALL_IMPORTS = tsFiles(SRC).flatMap(importsOf).filter((i) => i.target.startsWith('src/'));
const crossing = ALL_IMPORTS
  .map((i) => ({ ...i, from: areaOf(i.file) as string, to: areaOf(i.target) as string }))
  .filter((i) => i.from !== i.to);
const show = (i: ImportLine) => `${i.file}:${i.line} imports '${i.specifier}'`;

/** The modules each area imports, as the code has it. */
function usesOf(area: string): Set<string> {
  return new Set(crossing.filter((i) => i.from === area && MODULES.includes(i.to)).map((i) => i.to));
}

describe('module borders (issue 17)', () => {
  it('reads imports between areas, through the entries among them', () => {
    expect(crossing.some((i) => i.file.startsWith('src/membership/') && i.target === entryOf('payment'))).to.equal(true);
    expect(crossing.some((i) => i.file.startsWith('src/app/') && i.to === 'admin')).to.equal(true);
    expect(areaOf('src/config-error')).to.equal('config');
    expect(areaOf('src/shared/domain/ulid')).to.equal('shared');
  });

  it('gives every module one public entry, src/<module>/<module>.api.ts, that re-exports only its own module', () => {
    const missing = MODULES.filter((m) => !existsSync(path.join(ROOT, `${entryOf(m)}.ts`)));
    expect(missing, 'modules without a public entry').to.deep.equal([]);
    const leaking = crossing.filter((i) => MODULES.some((m) => i.file === `${entryOf(m)}.ts`)).map(show);
    expect(leaking, 'an entry re-exporting another area').to.deep.equal([]);
  });

  it('lets a module import another module only through its public entry', () => {
    const offenders = crossing.filter((i) => MODULES.includes(i.from) && MODULES.includes(i.to) && i.target !== entryOf(i.to)).map(show);
    expect(offenders, 'reach the other module through its <module>.api.ts').to.deep.equal([]);
  });

  it('lets each module use only the modules and folders it declares', () => {
    const offenders = crossing.filter((i) => MODULES.includes(i.from) && !MAY_USE[i.from].includes(i.to)).map((i) => `${show(i)} (${i.from} may not use ${i.to})`);
    expect(offenders, 'declare the use in MAY_USE, or go the other way (a port, an event)').to.deep.equal([]);
  });

  it('keeps the declarations true: every module a module declares, it uses', () => {
    const stale = MODULES.flatMap((m) => MAY_USE[m].filter((used) => MODULES.includes(used) && !usesOf(m).has(used)).map((used) => `${m} -> ${used}`));
    expect(stale, 'declared but unused: remove it from MAY_USE').to.deep.equal([]);
  });

  it('has no cycle between modules, in the declarations or in the code', () => {
    const cycles = (edges: (m: string) => string[]): string[] => {
      const found: string[] = [];
      const visit = (m: string, trail: string[]) => {
        if (trail.includes(m)) return void found.push([...trail.slice(trail.indexOf(m)), m].join(' -> '));
        for (const next of edges(m)) visit(next, [...trail, m]);
      };
      for (const m of MODULES) visit(m, []);
      return found;
    };
    expect(cycles((m) => MAY_USE[m].filter((u) => MODULES.includes(u))), 'a cycle in MAY_USE').to.deep.equal([]);
    expect(cycles((m) => [...usesOf(m)]), 'a cycle in the imports').to.deep.equal([]);
  });

  it('keeps src/shared free of the modules, the app and the other deliverables', () => {
    const offenders = crossing.filter((i) => i.from === 'shared' && i.to !== 'config').map(show);
    expect(offenders, 'src/shared is the kernel: it imports no module').to.deep.equal([]);
  });

  it('lets nothing but the deliverables (src/app, src/cli) import the app assembly', () => {
    const offenders = crossing.filter((i) => i.to === 'app' && i.from !== 'cli').map(show);
    expect(offenders, 'src/app sits on top: nothing it assembles depends on it').to.deep.equal([]);
  });

  it('makes src/app the only folder that imports every module', () => {
    expect([...usesOf('app')].sort(), 'the app assembles every module').to.deep.equal([...MODULES].sort());
    const areas = [...new Set(crossing.map((i) => i.from))].filter((area) => area !== 'app');
    // admin (the operator's back office) uses every other module, as MAY_USE declares; it is not an assembler.
    const assemblers = areas.filter((area) => MODULES.every((m) => usesOf(area).has(m)));
    expect(assemblers, 'only src/app assembles all the modules').to.deep.equal([]);
  });

  it('keeps the PG sandboxes apart from the modules', () => {
    const offenders = crossing.filter((i) => i.from === 'sandbox' && i.to !== 'shared').map(show);
    expect(offenders, 'a sandbox plays the PG: it knows only the kernel').to.deep.equal([]);
  });
});
