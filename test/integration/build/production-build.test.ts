// The production build (DESIGN §6 "Operations"): `npm run build`, production dependencies only
// (`npm ci --omit=dev` in a copy: no tsx, no TypeScript), then `node dist/main.js`, the CLI and
// the standalone sandbox from dist/, each buying a membership through a sandbox over HTTP. The
// Dockerfile runs these same steps.
//
// Bounded: the production install of one package-lock.json (a native build of better-sqlite3 on a
// machine without its prebuilt binary: a few minutes) is made once and kept under
// node_modules/.cache/memberpay-production/<hash of the lockfile and Node version>; package.json
// and dist/ are copied in anew on every run.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseYaml } from '@redocly/openapi-core';
import { expect } from 'chai';
import { AppProcess, cookieClient as client, freePort } from '../../support/app-process';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../../..');
const INSTALL_TIMEOUT_MS = 9 * 60_000;
/** The devDependencies that must not be there: what `npm start` and the tests run on. */
const DEV_ONLY = ['tsx', 'typescript', 'esbuild', 'mocha', 'chai', 'playwright-core', '@redocly/openapi-core'];

/** The production dependencies that compile a native addon at install. */
const NATIVE_ADDONS = ['better-sqlite3'];

/** A directory with package.json, package-lock.json and node_modules from `npm ci --omit=dev`, made once per lockfile. */
async function productionInstall(): Promise<string> {
  const lock = readFileSync(path.join(ROOT, 'package-lock.json'));
  const key = createHash('sha256').update(lock).update(process.version).digest('hex').slice(0, 16);
  const dir = path.join(ROOT, 'node_modules', '.cache', 'memberpay-production', key);
  if (existsSync(path.join(dir, 'node_modules', '.package-lock.json'))) {
    cpSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
    return dir;
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const file of ['package.json', 'package-lock.json']) cpSync(path.join(ROOT, file), path.join(dir, file));
  // Install scripts are skipped and the native addons this checkout already compiled are copied in: the
  // same binary npm ci would build here (same Node, same machine), without minutes of compiling.
  await run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], {
    cwd: dir, timeout: INSTALL_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024,
  });
  for (const addon of NATIVE_ADDONS) {
    const built = path.join(ROOT, 'node_modules', addon, 'build', 'Release');
    if (!existsSync(built)) throw new Error(`${addon} has no compiled addon in this checkout (npm ci first)`);
    cpSync(built, path.join(dir, 'node_modules', addon, 'build', 'Release'), { recursive: true });
  }
  return dir;
}

describe('the production build: npm run build, npm ci --omit=dev, node dist/...', function () {
  this.timeout(INSTALL_TIMEOUT_MS + 120_000);
  let app: string;
  let work: string;
  const processes: AppProcess[] = [];

  const node = (script: string, args: string[], env: Record<string, string>) =>
    run(process.execPath, [`dist/${script}`, ...args], { cwd: app, env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', ...env }, timeout: 60_000 })
      .then(({ stdout, stderr }) => ({ code: 0, stdout, stderr }))
      .catch((e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }));

  const serve = async (script: string, env: Record<string, string>, ready = 'listening on') => {
    const started = new AppProcess(env, { command: process.execPath, args: [`dist/${script}`], cwd: app, ready });
    processes.push(started);
    await started.start();
    return started;
  };

  before(async () => {
    await run('npm', ['run', 'build'], { cwd: ROOT, timeout: 120_000 });
    app = await productionInstall();
    rmSync(path.join(app, 'dist'), { recursive: true, force: true });
    cpSync(path.join(ROOT, 'dist'), path.join(app, 'dist'), { recursive: true });
    work = mkdtempSync(path.join(tmpdir(), 'memberpay-production-'));
  });
  afterEach(async () => {
    for (const started of processes.splice(0)) await started.stop();
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('has production dependencies only, and JavaScript only in dist/', () => {
    const installed = new Set(readdirSync(path.join(app, 'node_modules')).flatMap((name) =>
      name.startsWith('@') ? readdirSync(path.join(app, 'node_modules', name)).map((scoped) => `${name}/${scoped}`) : [name]));
    for (const name of DEV_ONLY) expect(installed.has(name), `${name} is installed`).to.equal(false);
    expect(installed.has('pino-pretty') && installed.has('better-sqlite3')).to.equal(true);
    const files = readdirSync(path.join(app, 'dist'), { recursive: true, encoding: 'utf8' });
    expect(files.filter((f) => f.endsWith('.ts'))).to.deep.equal([]);
    expect(files).to.include.members(['main.js', 'cli.js', 'sandbox.js', 'migrate.js', path.join('src', 'web', 'index.html'), path.join('config', 'plans.json')]);
  });

  it('migrates from dist/ with the CLI, as named by the sources (a database migrated by either is up to date for the other)', async () => {
    const env = { DATABASE_URL: `sqlite:${path.join(work, 'migrate.sqlite')}` };
    const migrated = await node('cli.js', ['migrate', '--json'], env);
    expect(migrated.code, migrated.stderr).to.equal(0);
    const sources = readdirSync(path.join(ROOT, 'migrations')).filter((f) => f.endsWith('.ts')).sort();
    expect(JSON.parse(migrated.stdout).applied).to.deep.equal(sources);
    const fromSources = await run(process.execPath, ['--import', 'tsx', 'scripts/cli.ts', 'migrate'], { cwd: ROOT, env: { ...process.env, ...env, LOG_LEVEL: 'silent' } });
    expect(fromSources.stdout).to.match(/up to date/);
    const refused = await node('cli.js', ['migrate', '--bogus-flag'], env);
    expect([refused.code, refused.stderr.trim()]).to.deep.equal([2, 'memberpay cli: migrate: unknown option --bogus-flag (see migrate --help)']);
    expect((await node('cli.js', ['help'], env)).stdout).to.include('sandbox pay');
  });

  it('node dist/main.js serves the page and sells a membership through its Iamport sandbox, logging with LOG_FORMAT=pretty; the CLI buys one and renews it', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = { PORT: String(port), PUBLIC_URL: base, DATABASE_URL: `sqlite:${path.join(work, 'iamport.sqlite')}`, SESSION_SECRET: 'production-build-secret-0123456789' };
    const served = await serve('main.js', { ...env, LOG_LEVEL: 'info', LOG_FORMAT: 'pretty' });
    const call = client(base);
    const page = await call('GET', '/');
    expect(page.status).to.equal(200);
    expect(page.text).to.include('<title>memberpay');
    expect((await call('GET', '/app.js')).text, 'the page script, copied into dist/').to.include("from './i18n.js'");
    expect((await call('GET', '/i18n.js')).text, 'the page dictionary, copied into dist/').to.include('구매하기');
    expect((await call('GET', '/gateway.js')).text, 'the configured PG\'s browser script, copied into dist/').to.include("'IMP', 'iamport-sdk'");
    expect((await call('GET', '/sandbox/iamport/sdk.js')).status).to.equal(200);

    expect((await call('POST', '/api/auth/signup', { email: 'dist@example.test', password: 'correct horse', name: 'Kim' })).status).to.equal(201);
    const checkout = await call('POST', '/api/payment/checkout', { plan: 'monthly' });
    expect(checkout.status).to.equal(201);
    // The PG window of the SDK stand-in, then the page's validation.
    const window = await call('POST', '/sandbox/iamport/__sandbox/pay', {
      imp_code: checkout.body.imp_code, card: 'success', action: 'pay',
      params: { pg: checkout.body.pg, pay_method: 'card', merchant_uid: checkout.body.merchant_uid, amount: checkout.body.amount, name: checkout.body.name },
    });
    expect(window.body.rsp.success).to.equal(true);
    const validated = await call('POST', '/api/payment/validation', { imp_uid: window.body.rsp.imp_uid, merchant_uid: checkout.body.merchant_uid });
    expect(validated.status, validated.text).to.equal(200);
    expect((await call('GET', '/api/me')).body.membership).to.include({ plan: 'monthly', status: 'active' });
    // pino-pretty from the production dependencies: readable request lines, and the receipt the log notifier stands in for.
    expect(served.output).to.match(/\] INFO: request\n {4}requestId: /);
    expect(served.output).to.match(/notice: receipt\n {6}To: dist@example\.test\n {6}Subject: \[주식회사 멤버페이\] 멤버십 결제 영수증 \(월간 멤버십\)\n/);

    // A second buyer pays from the terminal with the CLI of the build, and is renewed with a progress line.
    const second = client(base);
    expect((await second('POST', '/api/auth/signup', { email: 'dist-cli@example.test', password: 'correct horse', name: 'Lee' })).status).to.equal(201);
    const renewable = await second('POST', '/api/payment/checkout', { plan: 'monthly', auto_renew: true });
    const paid = await node('cli.js', ['sandbox', 'pay', renewable.body.merchant_uid, '--json'], env);
    expect(paid.code, paid.stderr).to.equal(0);
    expect(JSON.parse(paid.stdout)).to.include({ verdict: 'paid', status: 'paid' });
    const periodEnd = new Date((await second('GET', '/api/me')).body.membership.current_period_end);
    const renewed = await node('cli.js', ['renewals', 'run', `--as-of=${new Date(periodEnd.getTime() + 60_000).toISOString()}`, '--json', '--progress'], env);
    expect(renewed.code, renewed.stderr).to.equal(0);
    expect(JSON.parse(renewed.stdout)).to.include({ due: 1, charged: 1 });
    expect(renewed.stderr).to.match(/renewals {2}1\/1 {2}100%/);
  });

  it('node dist/main.js sells a membership through its Toss sandbox (the CLI plays the window and the page)', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = { PORT: String(port), PUBLIC_URL: base, DATABASE_URL: `sqlite:${path.join(work, 'toss.sqlite')}`, PAYMENT_GATEWAY: 'toss', SESSION_SECRET: 'production-build-secret-0123456789' };
    await serve('main.js', env);
    const call = client(base);
    expect((await call('POST', '/api/auth/signup', { email: 'toss@example.test', password: 'correct horse', name: 'Park' })).status).to.equal(201);
    const checkout = await call('POST', '/api/payment/checkout', { plan: 'annual', auto_renew: true });
    expect(checkout.body.gateway).to.equal('toss');
    const paid = await node('cli.js', ['sandbox', 'pay', checkout.body.merchant_uid, '--json'], env);
    expect(paid.code, paid.stderr).to.equal(0);
    expect((await call('GET', '/api/me')).body.membership).to.include({ plan: 'annual', status: 'active', auto_renew: true });
  });

  it('node dist/sandbox.js is a standalone Iamport sandbox the app sells through; it keeps its state across a restart, and `reset` clears it', async () => {
    const [sandboxPort, appPort] = [await freePort(), await freePort()];
    const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
    const base = `http://127.0.0.1:${appPort}`;
    const stateFile = path.join(work, 'standalone-iamport.jsonl');
    const sandboxEnv = { SANDBOX_PORT: String(sandboxPort), SANDBOX_STATE_FILE: stateFile, SANDBOX_WEBHOOK_URL: `${base}/api/payment/webhook` };
    const sandbox = await serve('sandbox.js', sandboxEnv, 'Iamport sandbox:');
    const env = { PORT: String(appPort), PUBLIC_URL: base, DATABASE_URL: `sqlite:${path.join(work, 'standalone.sqlite')}`, IAMPORT_API_URL: sandboxUrl, SESSION_SECRET: 'production-build-secret-0123456789' };
    await serve('main.js', env);
    const call = client(base);
    expect((await call('POST', '/api/auth/signup', { email: 'standalone@example.test', password: 'correct horse', name: 'Choi' })).status).to.equal(201);
    const checkout = await call('POST', '/api/payment/checkout', { plan: 'monthly' });
    const paid = await node('cli.js', ['sandbox', 'pay', checkout.body.merchant_uid, '--json'], env);
    expect(paid.code, paid.stderr).to.equal(0);
    expect((await call('GET', '/api/me')).body.membership).to.include({ status: 'active' });

    await sandbox.stop();
    await sandbox.start();
    const cancelled = await call('POST', '/api/membership/cancel', { refund: true });
    expect(cancelled.status, cancelled.text).to.equal(200);
    expect((await call('GET', '/api/payments')).body.payments[0]).to.include({ status: 'cancelled', cancelled_amount: 9900 });

    const reset = await node('sandbox.js', ['reset'], { ...sandboxEnv, PUBLIC_URL: base, DATABASE_URL: env.DATABASE_URL });
    expect(reset.code, reset.stderr).to.equal(0);
    expect(reset.stdout).to.include(`iamport sandbox (standalone): running at ${sandboxUrl}, reset (state file ${stateFile} emptied)`);
    expect(existsSync(stateFile)).to.equal(false);
    expect((await node('sandbox.js', ['--pg', 'paypal'], sandboxEnv)).code).to.equal(2);
  });
});

// No Docker daemon on these machines: the files are checked to run the steps tested above, not built.
describe('Dockerfile and compose.yaml (the tested steps; not built here)', () => {
  const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
  const instructions = dockerfile.split('\n').filter((line) => /^[A-Z]+ /.test(line));

  it('builds with npm ci and npm run build, installs production dependencies only, and runs node dist/main.js as a non-root user', () => {
    expect(instructions.filter((l) => l.startsWith('FROM ')).length, 'multi-stage').to.be.greaterThan(2);
    expect(dockerfile).to.match(/RUN npm ci --no-audit --no-fund\n[\s\S]*RUN npm run build/);
    expect(dockerfile).to.include('RUN npm ci --omit=dev');
    const final = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(final).to.include('COPY --from=production-dependencies /app/node_modules ./node_modules');
    expect(final).to.include('COPY --from=build /app/dist ./dist');
    expect(final).not.to.match(/npm ci(?! --omit=dev)|tsx|npm start/);
    expect(final).to.match(/\nUSER node\n/);
    expect(instructions.at(-1)).to.equal('CMD ["node", "dist/main.js"]');
    expect(final).to.include('HEALTHCHECK');
  });

  it('compose.yaml runs the app and MariaDB, each with a healthcheck, on named volumes, the app after the database is healthy', () => {
    const compose = parseYaml(readFileSync(path.join(ROOT, 'compose.yaml'), 'utf8')) as {
      services: Record<string, { build?: string; image?: string; healthcheck?: { test: string[] }; volumes?: string[]; depends_on?: Record<string, { condition: string }>; environment: Record<string, string> }>;
      volumes: Record<string, unknown>;
    };
    const { app: service, db } = compose.services;
    expect(service.build).to.equal('.');
    expect(db.image).to.match(/^mariadb:/);
    expect(service.healthcheck?.test.join(' ')).to.include('/readyz');
    expect(db.healthcheck?.test.join(' ')).to.include('healthcheck.sh');
    expect(service.depends_on).to.deep.equal({ db: { condition: 'service_healthy' } });
    expect(service.environment.DATABASE_URL).to.match(/^mysql:\/\/memberpay:.*@db:3306\/memberpay$/);
    expect(Object.keys(compose.volumes)).to.have.members(['db-data', 'app-data']);
    expect(db.volumes).to.deep.equal(['db-data:/var/lib/mysql']);
    expect(service.volumes).to.deep.equal(['app-data:/app/data']);
  });
});
