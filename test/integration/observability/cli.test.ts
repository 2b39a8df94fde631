import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { Payment } from '../../../src/payment/domain/payment.entity';
import { KnexPaymentRepository } from '../../../src/payment/infrastructure/knex-payment.repository';
import { KnexDatabase, MIGRATIONS_DIRECTORY } from '../../../src/shared/infrastructure/knex/knex-database';
import { TransactionContext } from '../../../src/shared/infrastructure/transaction-context';
import { type SandboxApp, startSandboxApp } from '../../support/sandbox-app';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../../..');

async function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'scripts/cli.ts', ...args], {
      cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'silent', ...env }, timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('npm run cli (against a temporary SQLite file)', function () {
  this.timeout(120_000);
  let dir: string;
  let env: Record<string, string>;

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'memberpay-cli-'));
    env = { DATABASE_URL: `sqlite:${path.join(dir, 'cli.sqlite')}`, IAMPORT_MODE: 'sandbox', PUBLIC_URL: 'http://127.0.0.1:9' };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('migrates, then finds the database up to date', async () => {
    const first = await cli(['migrate'], env);
    expect(first.code, first.stderr).to.equal(0);
    const migrations = readdirSync(MIGRATIONS_DIRECTORY).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, ''));
    expect(first.stdout).to.include(`applied ${migrations.length} migration(s)`);
    for (const name of migrations) expect(first.stdout).to.include(name);
    const second = await cli(['migrate'], env);
    expect(second.stdout).to.match(/up to date/);
  });

  it("shows a payment's history as a table and as JSON", async () => {
    const database = KnexDatabase.fromUrl(env.DATABASE_URL);
    const payment = Payment.create({
      id: 'pay_cli_1', merchantUid: 'mp_cli_1', userId: 'user_1', amount: 9900, payMethod: 'card', gateway: 'iamport', pg: 'html5_inicis',
      purpose: { kind: 'purchase', planId: 'monthly' }, now: new Date('2026-11-25T09:00:00Z'),
    });
    await new KnexPaymentRepository(database, new TransactionContext()).save(payment);
    await database.knex('webhook_receipts').insert({
      id: 'wh_1', received_at: new Date('2026-11-25T09:01:00Z').getTime(), body: '{}', gateway_payment_id: 'imp_1', merchant_uid: 'mp_cli_1', status: 'paid', sender_ip: '127.0.0.1', processed_at: null, outcome: null,
    });
    await database.destroy();

    const shown = await cli(['payment', 'mp_cli_1'], env);
    expect(shown.code, shown.stderr).to.equal(0);
    expect(shown.stdout).to.match(/status\s+await/);
    expect(shown.stdout).to.match(/amount\s+9900/);
    expect(shown.stdout).to.include('webhook receipts');
    expect(shown.stdout).to.include('imp_1');

    const json = await cli(['payment', 'mp_cli_1', '--json'], env);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.payment).to.include({ merchant_uid: 'mp_cli_1', status: 'await', amount: 9900, cancelled_amount: 0 });
    expect(parsed.webhook_receipts).to.have.length(1);
    expect(parsed.cancellations).to.deep.equal([]);
  });

  it('runs renewals as of a given time and answers the counts', async () => {
    const res = await cli(['renewals', 'run', '--as-of', '2027-01-01T00:00:00Z', '--json'], env);
    expect(res.code, res.stderr).to.equal(0);
    expect(JSON.parse(res.stdout)).to.deep.equal({ due: 0, charged: 0, failed: 0, skipped: 0, reminded: 0, ended: 0 });
  });

  it('exits 1 with one line on stderr for an unknown payment; 2 for a bad time or an unknown command', async () => {
    for (const [args, code] of [[['payment', 'mp_missing'], 1], [['renewals', 'run', '--as-of', 'yesterday'], 2], [['frobnicate'], 2]] as const) {
      const res = await cli([...args], env);
      expect(res.code, args.join(' ')).to.equal(code);
      expect(res.stderr.trim().split('\n'), res.stderr).to.have.length(1);
      expect(res.stderr).to.match(/^memberpay cli: /);
    }
  });
});

/** The CLI as a child process that keeps running (listen), stopped with Ctrl-C by its own pid. */
function startCli(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/cli.ts', ...args], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'silent', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    async until(predicate: () => boolean, what: string, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; stdout: ${stdout} stderr: ${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async interrupt(): Promise<number | null> {
      if (child.exitCode === null) child.kill('SIGINT');
      return exited;
    },
  };
}

describe('npm run cli against a running app and its Iamport sandbox', function () {
  this.timeout(120_000);
  let app: SandboxApp;
  let env: Record<string, string>;

  before(async () => {
    app = await startSandboxApp({ env: { TEST_CLOCK: 'on' } });
    const file = (app.database.database.knex.client.config.connection as { filename: string }).filename;
    env = { DATABASE_URL: `sqlite:${file}`, IAMPORT_MODE: 'sandbox', IAMPORT_API_URL: app.sandbox.url, PUBLIC_URL: app.url, TEST_CLOCK: 'on' };
  });
  after(() => app.close());

  it('buys a membership with `sandbox pay`, renews it with `renewals run --as-of=` and `--as-of ` (with a progress line), and fails the next renewal after `sandbox decline --member`', async () => {
    const client = app.client();
    const buyer = await client.signUp();
    const checkout = await client.post('/api/payment/checkout', { plan: 'monthly', auto_renew: true });
    expect(checkout.status).to.equal(201);
    const merchantUid = checkout.body.merchant_uid as string;

    const paid = await cli(['sandbox', 'pay', merchantUid, '--json'], env);
    expect(paid.code, paid.stderr).to.equal(0);
    expect(JSON.parse(paid.stdout)).to.include({ merchant_uid: merchantUid, verdict: 'paid', status: 'paid', card: 'success' });
    const me = await client.get('/api/me');
    expect(me.body.membership).to.include({ plan: 'monthly', status: 'active', auto_renew: true });
    const periodEnd = new Date(me.body.membership.current_period_end as string);

    // An unreadable date is refused before anything is charged; an unknown flag too.
    for (const args of [['renewals', 'run', `--as-of=${periodEnd.toISOString().slice(0, 10)}`], ['renewals', 'run', '--as-off', periodEnd.toISOString()]]) {
      const refused = await cli(args, env);
      expect(refused.code, refused.stderr).to.equal(2);
      expect(refused.stderr.trim().split('\n')).to.have.length(1);
    }
    expect(app.sandbox.count('POST', '/subscribe/payments/again')).to.equal(0);

    const firstRenewal = await cli(['renewals', 'run', `--as-of=${new Date(periodEnd.getTime() + 3_600_000).toISOString()}`, '--json', '--progress'], env);
    expect(firstRenewal.code, firstRenewal.stderr).to.equal(0);
    expect(JSON.parse(firstRenewal.stdout)).to.include({ due: 1, charged: 1, failed: 0 });
    expect(firstRenewal.stderr).to.match(/^renewals {2}0\/1 {2}0% .*ETA/m).and.to.match(/^renewals {2}1\/1 {2}100% {2}[\d.]+\/s {2}done/m);
    expect(app.sandbox.count('POST', '/subscribe/payments/again')).to.equal(1);

    const declined = await cli(['sandbox', 'decline', '--member', buyer.email], env);
    expect(declined.code, declined.stderr).to.equal(0);
    expect(declined.stdout).to.include(`the stored card of ${buyer.email} declines (declined) from now on`);
    const renewed = (await client.get('/api/me')).body.membership;
    // The first run's 5-minute lease on the membership, as if those minutes had passed (the CLI runs on the real clock).
    await app.database.database.knex('memberships').update({ renewal_lease_until: null });
    const secondRenewal = await cli(['renewals', 'run', '--as-of', new Date(new Date(renewed.current_period_end).getTime() + 3_600_000).toISOString(), '--json'], env);
    expect(secondRenewal.code, secondRenewal.stderr).to.equal(0);
    expect(JSON.parse(secondRenewal.stdout)).to.include({ due: 1, charged: 0, failed: 1 });
    expect(secondRenewal.stderr, 'no progress line unless asked or on a terminal').to.equal('');
    expect((await client.get('/api/me')).body.membership.status).to.equal('past_due');
  });

  it('a declined window with `sandbox decline <merchant_uid>` leaves the order failed', async () => {
    const client = app.client();
    await client.signUp();
    const checkout = await client.post('/api/payment/checkout', { plan: 'monthly' });
    const declined = await cli(['sandbox', 'decline', checkout.body.merchant_uid, '--card', 'insufficient', '--json'], env);
    expect(declined.code, declined.stderr).to.equal(0);
    expect(JSON.parse(declined.stdout)).to.include({ verdict: 'failed', status: 'failed', card: 'insufficient' });
    expect((await client.get('/api/me')).body.membership).to.equal(null);
  });

  it('`listen` prints the notices the app receives, `sandbox notice` sends one again (also a forged status), and Ctrl-C ends listen with 0', async () => {
    const client = app.client();
    await client.signUp();
    const checkout = await client.post('/api/payment/checkout', { plan: 'monthly' });
    const merchantUid = checkout.body.merchant_uid as string;
    const listen = startCli(['listen', '--json', '--interval-ms', '100'], env);
    await listen.until(() => listen.stderr().includes('listening'), 'listen to start');

    expect((await cli(['sandbox', 'pay', merchantUid], env)).code).to.equal(0);
    const forged = await cli(['sandbox', 'notice', merchantUid, '--status', 'cancelled', '--json'], env);
    expect(forged.code, forged.stderr).to.equal(0);
    const sent = JSON.parse(forged.stdout);
    expect(JSON.parse(sent.notice)).to.include({ merchant_uid: merchantUid, status: 'cancelled' });
    expect(sent.sent_to).to.equal(`${app.url}/api/payment/webhook`);
    // The app asks the gateway and keeps the truth: the payment stays paid.
    expect(sent.app_outcome).to.equal('applied');
    expect((await client.get('/api/payments')).body.payments[0]).to.include({ merchant_uid: merchantUid, status: 'paid' });

    const notices = () => listen.stdout().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, string>);
    await listen.until(() => notices().filter((n) => n.merchant_uid === merchantUid).length >= 2, 'both notices');
    expect(notices().filter((n) => n.merchant_uid === merchantUid).map((n) => n.status)).to.have.members(['paid', 'cancelled']);
    expect(notices().every((n) => ['applied', 'duplicate', 'ignored', 'pending'].includes(n.outcome))).to.equal(true);
    expect(await listen.interrupt()).to.equal(0);
  });

  it('sets and clears fault knobs with `sandbox fault`, and forgets everything with `sandbox reset`', async () => {
    const set = await cli(['sandbox', 'fault', '--fail-next', '2', '--latency-ms=5', '--notice-drop', '0.5', '--json'], env);
    expect(set.code, set.stderr).to.equal(0);
    expect(JSON.parse(set.stdout)).to.deep.include({ failNext: 2, latencyMs: 5 });
    expect(app.sandbox.sandbox.faults.current).to.deep.include({ failNext: 2, latencyMs: 5, webhook: { drop: 0.5, duplicate: 0, delayMs: 0, reorder: false } });
    const shown = await cli(['sandbox', 'fault'], env);
    expect(shown.stdout).to.match(/failNext\s+2/).and.to.match(/webhook\.drop\s+0\.5/);
    expect((await cli(['sandbox', 'fault', '--clear'], env)).code).to.equal(0);
    expect(app.sandbox.sandbox.faults.current).to.deep.include({ failNext: 0, latencyMs: 0, webhook: { drop: 0, duplicate: 0, delayMs: 0, reorder: false } });

    expect(app.sandbox.sandbox.state.payments.size).to.be.greaterThan(0);
    const reset = await cli(['sandbox', 'reset'], env);
    expect(reset.code, reset.stderr).to.equal(0);
    expect(reset.stdout).to.match(/iamport sandbox standalone: running at .*, reset/);
    expect(app.sandbox.sandbox.state.payments.size).to.equal(0);
  });

  it('answers exit 1 with one line when the sandbox is not there', async () => {
    const gone = await cli(['sandbox', 'fault'], { ...env, IAMPORT_API_URL: 'http://127.0.0.1:9' });
    expect(gone.code).to.equal(1);
    expect(gone.stderr.trim().split('\n')).to.have.length(1);
    expect(gone.stderr).to.match(/the sandbox at http:\/\/127\.0\.0\.1:9 does not answer/);
  });
});
