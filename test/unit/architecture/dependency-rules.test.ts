// The layering of DESIGN §5, checked on the import lines of every src/**/*.ts file:
// PG adapters only from infrastructure, a domain free of frameworks and adapters, Inversify
// only in *.module.ts and src/app/container.ts. Type-only imports count: they couple as much.
import { expect } from 'chai';
import { type ImportLine, importsOf, SRC, tsFiles } from '../../support/source-imports';

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
