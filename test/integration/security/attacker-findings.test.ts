import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { WebhookReceiptStore } from '../../../src/payment/application/webhook-receipt-store.port';
import { PAYMENT } from '../../../src/payment/payment.tokens';
import { AppProcess, freePort } from '../../support/app-process';
import { SERVER_ENGINES } from '../../support/database';
import { ApiClient, type HttpHarness, startHttpHarness, uniqueEmail } from '../../support/http-app';
import { type InstancesOnOneDatabase, startInstancesOnOneDatabase } from '../../support/instances';
import { rawRequest } from '../../support/raw-http';
import { checkoutAndPay, expectNoStack } from '../http/suites/harness';

/**
 * What an outside attacker found on the `attack` branch after the issue-14 hardening, one test per
 * hole (each fails on that branch). Reproductions against `npm start` are in the attacker's report.
 */

/** A valid address of 254 characters, the most the signup schema and the users.email column take. */
const LONG_EMAIL = `${'v'.repeat(64)}@${['a'.repeat(63), 'b'.repeat(63), 'c'.repeat(49), 'example'].join('.')}.com`;

// MEDIUM. MariaDB (strict mode) refuses values longer than their column, and the HTTP schemas let
// longer ones through: webhook_receipts.imp_uid/status (100/16) behind a Toss paymentKey of up to 200
// and a status of up to 32, payments.reported_imp_uid (100) behind a payment_key of up to 200 or an
// auth_key of up to 300, rate_limit_counters.key (255) behind `login:<ip>:<email up to 254>`. Each
// answers 500 (SQLite does not check lengths, so only MariaDB shows it), and the failed-login counter
// is never written for a long email, so that account can be guessed at without limit.
for (const { engine, label, skip } of SERVER_ENGINES) (skip ? describe.skip : describe)(`attacker findings: ${label} answers 500 to long values the schemas accept`, function () {
  this.timeout(60_000);
  let h: HttpHarness;
  before(async () => { h = await startHttpHarness({ persistence: engine }); });
  after(async () => { await h.close(); });

  it('POST /api/payment/webhook/toss with a 150-character paymentKey or a 21-character status answers 200 or 4xx, never 500', async () => {
    for (const data of [
      { paymentKey: `pk_${'x'.repeat(147)}`, orderId: 'mp_unknown', status: 'DONE' },
      { paymentKey: 'pk_short', orderId: 'mp_unknown', status: 'ABCDEFGHIJKLMNOPQRSTU' },
    ]) {
      const res = await rawRequest(h.url, {
        method: 'POST', path: '/api/payment/webhook/toss', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ eventType: 'PAYMENT_STATUS_CHANGED', data }),
      });
      expect(res.status, `${JSON.stringify(data).slice(0, 80)}: ${res.text}`).to.be.below(500);
    }
  });

  it('POST /api/payment/validation with a 150-character payment_key or a 250-character auth_key answers 4xx, never 500', async () => {
    const buyer = h.client();
    await buyer.signUp();
    const checkout = await buyer.post('/api/payment/checkout', { plan: 'monthly' });
    expect(checkout.status, checkout.text).to.equal(201);
    for (const body of [
      { merchant_uid: checkout.body.merchant_uid, payment_key: `pk_${'x'.repeat(147)}` },
      { merchant_uid: checkout.body.merchant_uid, auth_key: 'a'.repeat(250), customer_key: 'ck_1' },
    ]) {
      const res = await buyer.post('/api/payment/validation', body);
      expect(res.status, `${Object.keys(body).join(',')}: ${res.text}`).to.be.within(400, 499);
      expectNoStack(res);
    }
  });

  it('a wrong password for a 254-character email answers 401, never 500', async () => {
    const res = await h.client('203.0.113.61').post('/api/auth/login', { email: LONG_EMAIL, password: 'wrong password' });
    expect(res.status, res.text).to.equal(401);
  });

  it('the failed-login limit holds for an account with a 254-character email: the 11th try is 429, the right password too', async () => {
    const owner = h.client('203.0.113.62');
    await owner.signUp({ email: LONG_EMAIL, password: 'the real password' });
    const guesses: number[] = [];
    for (let i = 0; i < 12; i += 1) guesses.push((await h.client('203.0.113.63').post('/api/auth/login', { email: LONG_EMAIL, password: `guess ${i}` })).status);
    expect(guesses.slice(0, 10), guesses.join(' ')).to.deep.equal(Array(10).fill(401));
    expect(guesses.slice(10), guesses.join(' ')).to.deep.equal([429, 429]);
    expect((await h.client('203.0.113.63').post('/api/auth/login', { email: LONG_EMAIL, password: 'the real password' })).status).to.equal(429);
  });
});

// MEDIUM. The customer_uid of a paid payment is taken from the gateway's record, which the buyer's
// browser writes (IMP.request_pay's params.customer_uid), and becomes the membership's billing key
// with auto-renew on, without checking it is the one checkout issued to this buyer (cu_<own id>).
// A buyer who names another buyer's customer_uid gets a membership that renews on that key, and
// ending it deletes the other buyer's stored card at the gateway.
describe("attacker findings: a customer_uid chosen in the PG window is another buyer's billing key", function () {
  this.timeout(30_000);
  let h: HttpHarness;
  beforeEach(async () => { h = await startHttpHarness({ persistence: 'sqlite' }); });
  afterEach(async () => { await h.close(); });

  it("a buyer who pays with another buyer's customer_uid gets no auto-renew on it, and cancelling leaves that buyer's card at the gateway", async () => {
    const victim = h.client();
    await victim.signUp();
    const { merchantUid, gatewayPaymentId, checkout } = await checkoutAndPay(h, victim, 'paid', { plan: 'monthly', auto_renew: true });
    expect((await victim.post('/api/payment/validation', { merchant_uid: merchantUid, imp_uid: gatewayPaymentId })).status).to.equal(200);
    const victimKey = checkout.body.customer_uid as string;
    expect(h.parts.gateway.hasBillingKey(victimKey)).to.equal(true);

    const attacker = h.client();
    await attacker.signUp();
    const order = await attacker.post('/api/payment/checkout', { plan: 'monthly' });
    expect(order.status, order.text).to.equal(201);
    expect(order.body.customer_uid, 'no auto-renew asked for: checkout issues no customer_uid').to.equal(undefined);
    // The attacker's page calls IMP.request_pay with the victim's customer_uid (the browser writes params).
    const attackerGatewayPaymentId = h.parts.gateway.buyerPays({ merchantUid: order.body.merchant_uid, amount: order.body.amount, customerUid: victimKey });
    const paid = await attacker.post('/api/payment/validation', { merchant_uid: order.body.merchant_uid, imp_uid: attackerGatewayPaymentId });
    expect(paid.status, paid.text).to.equal(200);
    expect(paid.body.membership.auto_renew, "the attacker's membership must not renew on the victim's key").to.equal(false);

    expect((await attacker.post('/api/membership/cancel', { refund: false })).status).to.equal(200);
    expect(h.parts.gateway.hasBillingKey(victimKey), "the victim's stored card is still at the gateway").to.equal(true);
    expect((await victim.get('/api/me')).body.membership.auto_renew).to.equal(true);
  });
});

// MEDIUM (money, not an attacker's gain). A second purchase while a membership is live extends it,
// but a cancel with refund refunds only the latest payment (refund-subject.ts: "the user's latest paid
// one") and ends the membership now: a buyer who bought a year and then a month, and cancels inside
// the 7-day withdrawal window, gets 9,900 of 108,900 KRW back and loses the year they paid for.
describe('attacker findings: cancelling an extended membership refunds only the last purchase', function () {
  this.timeout(30_000);
  let h: HttpHarness;
  beforeEach(async () => { h = await startHttpHarness({ persistence: 'sqlite' }); });
  afterEach(async () => { await h.close(); });

  it('annual then monthly, cancelled with refund the same day: every paid KRW comes back', async () => {
    const buyer = h.client();
    await buyer.signUp();
    for (const plan of ['annual', 'monthly']) {
      const { merchantUid, gatewayPaymentId } = await checkoutAndPay(h, buyer, 'paid', { plan });
      expect((await buyer.post('/api/payment/validation', { merchant_uid: merchantUid, imp_uid: gatewayPaymentId })).status).to.equal(200);
    }
    const cancel = await buyer.post('/api/membership/cancel', { refund: true });
    expect(cancel.status, cancel.text).to.equal(200);
    const payments = (await buyer.get('/api/payments')).body.payments as Array<{ amount: number; cancelled_amount: number }>;
    const paid = payments.reduce((sum, p) => sum + p.amount, 0);
    const refunded = payments.reduce((sum, p) => sum + p.cancelled_amount, 0);
    expect(paid).to.equal(108_900);
    expect(cancel.body.membership.status, 'refund:true ends access now').to.equal('cancelled');
    expect(refunded, 'both purchases ended unused inside the withdrawal window').to.equal(paid);
  });
});

// LOW. Every Iamport notice is stored with its raw body (up to the 32 KB body limit) before anything
// is checked, from any sender when WEBHOOK_ALLOW_IPS is unset (the default), and nothing purges
// webhook_receipts: padding a three-field notice with unknown fields writes ~32 KB per request,
// without limit, for an order that does not exist.
describe('attacker findings: a padded notice for an unknown order is stored with its padding', () => {
  let h: HttpHarness;
  before(async () => { h = await startHttpHarness({ persistence: 'sqlite' }); });
  after(async () => { await h.close(); });

  it('a 30 KB notice for an unknown merchant_uid from anyone is answered, but not kept as 30 KB', async () => {
    const body = JSON.stringify({ imp_uid: 'imp_padding', merchant_uid: 'mp_nobody', status: 'paid', padding: 'x'.repeat(30_000) });
    const res = await rawRequest(h.url, { method: 'POST', path: '/api/payment/webhook', headers: { 'Content-Type': 'application/json' }, body });
    expect(res.status, res.text).to.equal(200);
    const receipts = await h.container.get<WebhookReceiptStore>(PAYMENT.WebhookReceiptStore).listSince(new Date(0), 10);
    const stored = receipts.find((r) => r.gatewayPaymentId === 'imp_padding');
    // An Iamport notice is imp_uid, merchant_uid and status (plus cancellation_id): well under 1 KB.
    expect(stored?.raw.length ?? 0, 'bytes kept for one notice').to.be.at.most(2048);
  });
});

// LOW. The open-orders limit is a count, a gateway prepare and an insert, kept apart per buyer by a
// lock inside one process only: two instances on one database (DESIGN §8, N stateless instances)
// each count four open orders while the other's prepare is on its way, and each opens one more.
for (const { engine, label, skip } of SERVER_ENGINES) (skip ? describe.skip : describe)(`attacker findings: two instances on one database let a buyer open more than 5 orders (${label})`, function () {
  this.timeout(30_000);
  let instances: InstancesOnOneDatabase;
  before(async () => {
    instances = await startInstancesOnOneDatabase(engine, {
      // A prepare takes as long as a real PG's (a few hundred ms), so the two checkouts overlap for certain.
      gateway(gateway) {
        const prepare = gateway.prepare.bind(gateway);
        gateway.prepare = async (request) => {
          await new Promise((resolve) => setTimeout(resolve, 300));
          return prepare(request);
        };
      },
    });
  });
  after(async () => {
    await instances?.close();
  });

  it('with four orders open, a checkout on each instance at once opens one order, not two', async () => {
    const first = new ApiClient(instances.urls[0]);
    const account = await first.signUp({ email: uniqueEmail('two-instances') });
    const second = new ApiClient(instances.urls[1]);
    expect((await second.post('/api/auth/login', { email: account.email, password: account.password })).status).to.equal(200);
    for (let i = 0; i < 4; i += 1) expect((await first.post('/api/payment/checkout', { plan: 'monthly' })).status).to.equal(201);
    const both = await Promise.all([first.post('/api/payment/checkout', { plan: 'monthly' }), second.post('/api/payment/checkout', { plan: 'monthly' })]);
    expect(both.map((r) => r.status).sort(), both.map((r) => r.text).join(' ')).to.deep.equal([201, 429]);
    expect((await first.get('/api/payments')).body.payments).to.have.length(5);
  });

  it('eight checkouts on each instance at once, from a buyer with none open, open exactly 5 orders', async () => {
    const first = new ApiClient(instances.urls[0]);
    const account = await first.signUp({ email: uniqueEmail('two-instances-burst') });
    const second = new ApiClient(instances.urls[1]);
    expect((await second.post('/api/auth/login', { email: account.email, password: account.password })).status).to.equal(200);
    const answers = await Promise.all(Array.from({ length: 8 }, () => [first, second]).flat().map((c) => c.post('/api/payment/checkout', { plan: 'monthly' })));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 201), answers.map((r) => r.text).join(' ')).to.have.length(5);
    expect(statuses.filter((s) => s === 429)).to.have.length(11);
    expect((await first.get('/api/payments')).body.payments).to.have.length(5);
  });
});

// INFO. Without ADMIN_TOKEN the admin API is "the same 404 as an unknown route", but the API
// document served to anyone still describes every admin operation.
describe('attacker findings: /openapi.json describes the admin API where it does not exist', () => {
  let h: HttpHarness;
  before(async () => { h = await startHttpHarness({ persistence: 'memory' }); });
  after(async () => { await h.close(); });

  it('without ADMIN_TOKEN no admin path is in /openapi.json (and every admin path is 404)', async () => {
    expect((await rawRequest(h.url, { method: 'GET', path: '/api/admin/payments' })).status).to.equal(404);
    const doc = await rawRequest(h.url, { method: 'GET', path: '/openapi.json' });
    expect(doc.status).to.equal(200);
    expect(Object.keys(doc.body.paths).filter((p) => p.startsWith('/api/admin'))).to.deep.equal([]);
  });
});

// LOW. The in-process sandbox (npm start in sandbox mode) shares the app's origin, so its notices may
// go to any path there, its own control routes included. Those answer loopback callers only, and the
// sandbox's notice comes from loopback: a client the control routes refuse (relayed by a proxy)
// opens a sandbox payment with notice_url = <PUBLIC_URL>/sandbox/iamport/__sandbox/reset and the
// sandbox resets itself (every payment forgotten, so no order can be verified). Also, the control
// routes take cross-site form posts: any web page the developer opens can reset the sandbox or set
// errorRate=1 (every checkout 503) through the developer's own (loopback) browser.
describe('attacker findings: the sandbox control routes are reachable through the sandbox itself and by cross-site forms', function () {
  this.timeout(60_000);
  let app: AppProcess;
  let url: string;
  const RELAYED = { 'X-Forwarded-For': '203.0.113.50' };
  before(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    app = new AppProcess({ PORT: String(port), DATABASE_URL: 'sqlite::memory:', PUBLIC_URL: url });
    await app.start();
  });
  after(async () => { await app.stop(); });

  const payInWindow = (merchantUid: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) => rawRequest(url, {
    method: 'POST', path: '/sandbox/iamport/__sandbox/pay', headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({ imp_code: 'imp_sandbox', card: 'success', params: { merchant_uid: merchantUid, amount: 1000, ...extra } }),
  });
  const sandboxPayments = async () => (await rawRequest(url, { method: 'GET', path: '/sandbox/iamport/__sandbox/state' })).body.payments.length as number;

  it('a relayed client cannot reset the sandbox by naming its reset route as notice_url', async () => {
    expect((await payInWindow('mp_bystander')).status).to.equal(200);
    expect(await sandboxPayments()).to.equal(1);
    expect((await rawRequest(url, { method: 'POST', path: '/sandbox/iamport/__sandbox/reset', headers: RELAYED })).status, 'refused when asked directly').to.equal(403);
    const res = await payInWindow('mp_attacker', { notice_url: `${url}/sandbox/iamport/__sandbox/reset` }, RELAYED);
    expect(res.status).to.equal(200);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await sandboxPayments(), 'the bystander payment is still known to the sandbox').to.be.at.least(1);
  });

  it('a cross-site form post to the control routes (from a browser on this machine) changes no knob', async () => {
    const evil = { Origin: 'https://evil.example', 'Content-Type': 'application/x-www-form-urlencoded' };
    const res = await rawRequest(url, { method: 'POST', path: '/sandbox/iamport/__sandbox/control', headers: evil, body: 'errorRate=1&failNext=100' });
    expect(res.status, res.text).to.equal(403);
    const knobs = await rawRequest(url, { method: 'GET', path: '/sandbox/iamport/__sandbox/control' });
    expect(knobs.body.faults).to.include({ errorRate: 0, failNext: 0 });
  });
});

// LOW. SIGTERM (every deploy) does not let the requests already inside the app finish: main.ts calls
// server.close() without waiting for it, destroys the database pool and exits, so a checkout waiting on
// the gateway is cut off (a reset; on MariaDB a 500 "aborted" from Knex's pool) though the gateway and
// perhaps the database already hold its order.
describe('attacker findings: a restart drops the requests in flight', function () {
  this.timeout(60_000);
  let app: AppProcess;
  let url: string;
  before(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    // Every call to the in-process sandbox takes a second, so the checkouts are inside the app when SIGTERM comes.
    app = new AppProcess({
      PORT: String(port), PUBLIC_URL: url, SANDBOX_LATENCY_MS: '1000',
      DATABASE_URL: `sqlite:${path.join(mkdtempSync(path.join(tmpdir(), 'memberpay-restart-')), 'app.sqlite')}`,
    });
    await app.start();
  });
  after(async () => { await app.stop(); });

  it('checkouts already waiting on the gateway when SIGTERM arrives get their answer, not a reset or a 5xx', async () => {
    const buyers = await Promise.all(Array.from({ length: 5 }, async () => {
      const buyer = new ApiClient(url);
      await buyer.signUp();
      return buyer;
    }));
    const answers = buyers.map((buyer) => buyer.post('/api/payment/checkout', { plan: 'monthly' })
      .then((r) => r.status, (error: Error & { cause?: { code?: string } }) => error.cause?.code ?? error.message));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stopped = app.stop();
    const outcomes = await Promise.all(answers);
    await stopped;
    expect(outcomes, outcomes.join(' ')).to.deep.equal([201, 201, 201, 201, 201]);
  });
});
