import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { Payment } from '../../../src/payment/domain/payment.entity';
import { KnexPaymentRepository } from '../../../src/payment/infrastructure/knex-payment.repository';
import { KnexDatabase, MIGRATIONS_DIRECTORY } from '../../../src/shared/infrastructure/knex/knex-database';
import { TransactionContext } from '../../../src/shared/infrastructure/transaction-context';

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
      id: 'pay_cli_1', merchantUid: 'mp_cli_1', userId: 'user_1', amount: 9900, payMethod: 'card', pg: 'html5_inicis',
      purpose: { kind: 'purchase', planId: 'monthly' }, now: new Date('2026-11-25T09:00:00Z'),
    });
    await new KnexPaymentRepository(database, new TransactionContext()).save(payment);
    await database.knex('webhook_receipts').insert({
      id: 'wh_1', received_at: new Date('2026-11-25T09:01:00Z').getTime(), body: '{}', imp_uid: 'imp_1', merchant_uid: 'mp_cli_1', status: 'paid', sender_ip: '127.0.0.1', processed_at: null, outcome: null,
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

  it('exits 1 with one line on stderr for an unknown payment, a bad time or an unknown command', async () => {
    for (const args of [['payment', 'mp_missing'], ['renewals', 'run', '--as-of', 'yesterday'], ['frobnicate']]) {
      const res = await cli(args, env);
      expect(res.code, args.join(' ')).to.equal(1);
      expect(res.stderr.trim().split('\n'), res.stderr).to.have.length(1);
      expect(res.stderr).to.match(/^memberpay cli: /);
    }
  });
});
