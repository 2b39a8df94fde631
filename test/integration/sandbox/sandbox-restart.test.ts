// The PG sandboxes survive a restart: a developer's app keeps paid payments in its database, so
// the sandbox standing in for the PG must still know them (and their billing keys) afterwards, or
// a refund of a payment made before the restart is refused.
import { execFile } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { createIamportSandbox } from '../../../src/sandbox/iamport/iamport-sandbox';
import type { PayRequest } from '../../../src/sandbox/iamport/sandbox-store';
import { sandboxStateFileBesideDatabase } from '../../../src/sandbox/shared/sandbox-journal';
import { createTossSandbox } from '../../../src/sandbox/toss/toss-sandbox';
import { AppProcess, cookieClient as client, freePort } from '../../support/app-process';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const run = promisify(execFile);

const payRequest = (merchantUid: string, customerUid: string | null = null): PayRequest => ({
  merchant_uid: merchantUid, amount: 9900, name: 'Monthly', currency: 'KRW', pg: 'html5_inicis', pay_method: 'card',
  buyer_name: 'Kim', buyer_email: 'kim@example.test', buyer_tel: null, buyer_addr: null, buyer_postcode: null, custom_data: { a: 1 },
  customer_uid: customerUid, notice_url: 'http://127.0.0.1:9/notice', user_agent: 'test', mobile: false,
});

describe('the Iamport sandbox with a state file', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'memberpay-sandbox-state-'));
    file = path.join(dir, 'nested', 'iamport-sandbox.jsonl');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const sandbox = () => createIamportSandbox({ stateFile: file, env: {} });

  it('knows after a restart the payments, prepares, billing keys and tokens it had, and refunds a payment made before it', () => {
    const before = sandbox();
    expect(before.state.prepare('mp_1', 9900, 'KRW').ok).to.equal(true);
    const paid = before.state.payInBrowser(payRequest('mp_1', 'cu_1'), 'success', 'pay');
    const failed = before.state.payInBrowser(payRequest('mp_2'), 'declined', 'pay');
    expect(before.state.setCustomerCard('cu_1', 'insufficient').ok).to.equal(true);
    expect(before.state.registerCustomer('cu_2', '4242-4242-4242-4242', '2030-12', {}, null).ok).to.equal(true);
    expect(before.state.deleteCustomer('cu_2').ok).to.equal(true);
    const { access_token: token } = before.state.issueToken();
    if (!paid.ok || !failed.ok) throw new Error('the payments were refused');
    before.close();

    const after = sandbox();
    expect(after.state.getPayment(paid.value.imp_uid)).to.deep.equal(paid.value);
    expect(after.state.findByMerchantUid('mp_2')[0]).to.include({ status: 'failed', imp_uid: failed.value.imp_uid });
    expect(after.state.getPrepare('mp_1')).to.deep.equal({ ok: true, value: { merchant_uid: 'mp_1', amount: 9900, currency: 'KRW' } });
    expect(after.state.customers.get('cu_1')?.card).to.equal('insufficient');
    expect(after.state.customers.has('cu_2'), 'a deleted billing key stays deleted').to.equal(false);
    expect(after.state.isTokenValid(token)).to.equal(true);
    expect(after.state.issueToken().access_token, 'the same token until it expires').to.equal(token);
    // The paid merchant_uid stays paid: no second payment of it.
    expect(after.state.checkPayable('mp_1', 9900, 'KRW').ok).to.equal(false);

    const refund = after.state.cancel({ imp_uid: paid.value.imp_uid, merchant_uid: null, amount: 3000, checksum: 9900, reason: 'test' });
    expect(refund.ok).to.equal(true);
    after.close();
    const third = sandbox();
    expect(third.state.getPayment(paid.value.imp_uid)).to.include({ status: 'cancelled', cancel_amount: 3000 });
    // New payments keep sorting after the old ones.
    const again = third.state.chargeAgain({ customer_uid: 'cu_1', merchant_uid: 'mp_1_r', amount: 9900, name: 'r', currency: null, buyer_name: null, buyer_email: null, buyer_tel: null, custom_data: null, notice_url: null });
    expect(again.ok && again.value.status).to.equal('failed'); // the stored card declines, as set before the restarts
    third.close();
  });

  it('replays one line per live record after a restart, and skips a line torn by a crash mid-write', () => {
    const before = sandbox();
    for (let i = 0; i < 5; i += 1) before.state.prepare(`mp_${i}`, 1000, null);
    before.state.updatePrepare('mp_0', 2000, null);
    before.close();
    expect(readFileSync(file, 'utf8').trim().split('\n')).to.have.length(6);
    appendFileSync(file, '{"kind":"prepared","key":"mp_torn","value":{"merchant_');

    const after = sandbox();
    expect(after.state.getPrepare('mp_0')).to.deep.include({ ok: true, value: { merchant_uid: 'mp_0', amount: 2000, currency: null } });
    expect(after.state.prepared.size).to.equal(5);
    expect(readFileSync(file, 'utf8').trim().split('\n'), 'compacted').to.have.length(5);
    after.close();
  });

  it('forgets everything on reset, the state file too', () => {
    const before = sandbox();
    before.state.payInBrowser(payRequest('mp_1'), 'success', 'pay');
    before.reset();
    expect(existsSync(file)).to.equal(false);
    before.close();
    expect(sandbox().state.payments.size).to.equal(0);
  });

  it('keeps nothing on disk without a state file', () => {
    const memoryOnly = createIamportSandbox({ env: {} });
    memoryOnly.state.payInBrowser(payRequest('mp_1'), 'success', 'pay');
    expect(existsSync(file)).to.equal(false);
    memoryOnly.close();
  });
});

describe('the Toss sandbox with a state file', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'memberpay-toss-state-'));
    file = path.join(dir, 'toss-sandbox.jsonl');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const sandbox = () => createTossSandbox({ stateFile: file });

  it('knows after a restart its payments, billing keys, unused auth keys and idempotent replies, and cancels a payment made before it', () => {
    const before = sandbox();
    const authorised = before.store.authorise({ orderId: 'order_000001', amount: 9900, orderName: 'Monthly', card: 'success' });
    if (!authorised.ok) throw new Error('not authorised');
    const confirmed = before.store.confirm({ paymentKey: authorised.value.paymentKey, orderId: 'order_000001', amount: 9900 });
    expect(confirmed.ok).to.equal(true);
    const auth = before.store.authoriseBilling('customer_1', 'success');
    const unused = before.store.authoriseBilling('customer_2', 'limit');
    if (!auth.ok || !unused.ok) throw new Error('billing auth refused');
    const issued = before.store.issueBillingKey({ authKey: auth.value.authKey, customerKey: 'customer_1' });
    if (!issued.ok) throw new Error('no billing key');
    before.store.rememberReply('POST /v1/payments/x/cancel key-1', { status: 200, body: { replayed: true } });
    before.close();

    const after = sandbox();
    expect(after.store.getPayment(authorised.value.paymentKey)).to.deep.include({ ok: true });
    const record = after.store.payments.get(authorised.value.paymentKey);
    expect(record?.payment.status).to.equal('DONE');
    expect(record?.authorisedAt).to.be.instanceOf(Date);
    expect(after.store.billingKeysOf('customer_1')).to.deep.equal([issued.value.billingKey]);
    expect(after.store.authKeys.has(auth.value.authKey), 'a used auth key stays used').to.equal(false);
    expect(after.store.authKeys.get(unused.value.authKey)).to.deep.equal({ customerKey: 'customer_2', card: 'limit' });
    expect(after.store.replyOf('POST /v1/payments/x/cancel key-1')).to.deep.equal({ status: 200, body: { replayed: true } });

    const cancelled = after.store.cancel(authorised.value.paymentKey, { cancelReason: 'refund', cancelAmount: 4000, refundableAmount: 9900 });
    expect(cancelled.ok && cancelled.value).to.include({ status: 'PARTIAL_CANCELED', balanceAmount: 5900 });
    const charged = after.store.chargeBilling(issued.value.billingKey, { customerKey: 'customer_1', amount: 9900, orderId: 'renewal_0002', orderName: 'Monthly' });
    expect(charged.ok && charged.value.status).to.equal('DONE');
    after.close();
    const third = sandbox();
    expect(third.store.payments.get(authorised.value.paymentKey)?.payment).to.include({ status: 'PARTIAL_CANCELED', balanceAmount: 5900 });
    third.reset();
    expect(existsSync(file)).to.equal(false);
    third.close();
  });
});

describe('the sandbox in the app (npm start) across a restart', function () {
  this.timeout(120_000);
  let dir: string;
  let app: AppProcess;
  afterEach(async () => {
    await app?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const pg of ['iamport', 'toss'] as const) {
    it(`${pg}: a membership bought before a restart is cancelled with a refund after it; npm run sandbox -- reset clears the saved state`, async () => {
      dir = mkdtempSync(path.join(tmpdir(), `memberpay-restart-${pg}-`));
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const databaseUrl = `sqlite:${path.join(dir, 'memberpay.sqlite')}`;
      const env = { PORT: String(port), PUBLIC_URL: base, DATABASE_URL: databaseUrl, PAYMENT_GATEWAY: pg, SESSION_SECRET: 'restart-test-session-secret-0123456789' };
      app = new AppProcess(env);
      await app.start();
      const call = client(base);
      expect((await call('POST', '/api/auth/signup', { email: `restart-${pg}@example.test`, password: 'correct horse', name: 'Kim' })).status).to.equal(201);
      const checkout = await call('POST', '/api/payment/checkout', { plan: 'monthly', auto_renew: true });
      expect(checkout.status).to.equal(201);
      // The buyer pays as the page would: the CLI plays the window and the page's confirmation.
      const cliEnv = { ...process.env, ...env, LOG_LEVEL: 'silent' };
      const paid = await run(process.execPath, ['--import', 'tsx', 'scripts/cli.ts', 'sandbox', 'pay', checkout.body.merchant_uid, '--json'], { cwd: ROOT, env: cliEnv });
      expect(JSON.parse(paid.stdout)).to.include({ verdict: 'paid', status: 'paid' });
      expect((await call('GET', '/api/me')).body.membership).to.include({ status: 'active' });
      const stateFile = sandboxStateFileBesideDatabase(databaseUrl, pg) as string;
      expect(stateFile).to.equal(path.join(dir, `memberpay.${pg}-sandbox.jsonl`));
      expect(readFileSync(stateFile, 'utf8')).to.include(checkout.body.merchant_uid);

      await app.stop();
      await app.start();

      const cancelled = await call('POST', '/api/membership/cancel', { refund: true, reason: 'changed my mind' });
      expect(cancelled.status, JSON.stringify(cancelled.body)).to.equal(200);
      expect(cancelled.body.refund.amount).to.equal(9900);
      const [payment] = (await call('GET', '/api/payments')).body.payments;
      expect(payment).to.include({ merchant_uid: checkout.body.merchant_uid, status: 'cancelled', cancelled_amount: 9900 });

      await app.stop();
      const reset = await run(process.execPath, ['--import', 'tsx', 'scripts/sandbox.ts', 'reset'], { cwd: ROOT, env: { ...cliEnv, SANDBOX_STATE_FILE: path.join(dir, 'standalone.jsonl'), SANDBOX_PORT: '9', TOSS_SANDBOX_PORT: '9' } });
      expect(reset.stdout).to.include(`${pg} sandbox in the app: not running at ${base}/sandbox/${pg}; removed its state file ${stateFile}`);
      expect(existsSync(stateFile)).to.equal(false);
    });
  }
});
