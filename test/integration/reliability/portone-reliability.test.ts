// The reliability scenarios with PAYMENT_GATEWAY=portone (the Iamport runs are in the files beside):
// a lost page, duplicate and forged notices, gateway 5xx and timeouts, and the reconcile that
// settles what the gateway could not answer. The real app over HTTP on SQLite, the real
// PortOneGateway against the V2 sandbox on its own port, its signed notices aimed at the app.
import { createHmac } from 'node:crypto';
import { expect } from 'chai';
import { PORTONE_SANDBOX_DEFAULTS } from '../../../src/sandbox/portone/portone-sandbox';
import type { ApiClient } from '../../support/http-app';
import { startPortOneHttpApp, type PortOneHttpApp } from '../../support/portone-http-app';
import { eventCounts } from '../../support/sandbox-app';

/** One buyer's order: checked out, then paid (or not) in PortOne's window. */
interface Order {
  name: string;
  client: ApiClient;
  merchantUid: string;
  checkout: Record<string, unknown> & { client: Record<string, unknown> };
}

/** A Standard Webhooks signature under the sandbox's secret, as PortOne signs its notices. */
function signed(body: string, id: string) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const key = Buffer.from(PORTONE_SANDBOX_DEFAULTS.webhookSecret.replace(/^whsec_/, ''), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
}

describe('reliability with PortOne V2 (SQLite, PortOneGateway with GATEWAY_TIMEOUT_MS=300 against the V2 sandbox)', function () {
  this.timeout(20_000);
  let app: PortOneHttpApp;

  beforeEach(async () => {
    app = await startPortOneHttpApp({ GATEWAY_TIMEOUT_MS: '300' });
  });
  afterEach(async () => {
    await app?.close();
  });

  async function checkout(name: string): Promise<Order> {
    const client = app.client();
    await client.signUp({ name });
    const res = await client.post('/api/payment/checkout', { plan: 'monthly' });
    expect(res.status, res.text).to.equal(201);
    return { name, client, merchantUid: res.body.merchant_uid, checkout: res.body };
  }

  /** The sandbox's notices for an order, once each has had its answer. */
  async function noticeAnswers(order: Order, expected: number): Promise<Array<number | null>> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const answers = app.portone.sandbox.notifier.log.filter((e) => e.event.data.paymentId === order.merchantUid && e.outcome !== 'dropped').map((e) => e.http_status);
      if (answers.length >= expected || Date.now() > deadline) return answers;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async function statusOf(order: Order): Promise<string> {
    return (await app.database.database.knex('payments').where({ merchant_uid: order.merchantUid }).first()).status;
  }

  const postNotice = (body: string, headers: Record<string, string>) =>
    fetch(`${app.url}/api/payment/webhook/portone`, { method: 'POST', headers, body }).then(async (r) => ({ status: r.status, body: await r.json() as any }));

  it('a lost page whose notice is lost too: the order waits, and reconcile makes it paid and the membership active', async () => {
    app.portone.sandbox.setFaults({ webhook: { drop: 1 } });
    const order = await checkout('lost page');
    const window = await app.pay(order.checkout.client);
    expect(window.code, JSON.stringify(window)).to.equal(undefined);
    expect(await statusOf(order)).to.equal('await');
    // Reconcile looks at an order nobody reported once it is older than PAYMENT_TTL_MIN (30).
    const later = await app.admin('/api/admin/clock', { now: new Date(app.clock.now().getTime() + 31 * 60_000).toISOString() });
    expect(later.status, later.text).to.equal(200);
    const reconcile = await app.admin('/api/admin/reconcile');
    expect(reconcile.status, reconcile.text).to.equal(200);
    expect(reconcile.body).to.include({ checked: 1, settled: 1 });
    expect(await statusOf(order)).to.equal('paid');
    expect((await order.client.get('/api/me')).body.membership).to.include({ status: 'active', plan: 'monthly' });
  });

  it('a paid notice delivered 5 times at once (one webhook-id) and PortOne\'s own duplicate are applied once: one PaymentPaid, one MembershipActivated', async () => {
    app.portone.sandbox.setFaults({ webhook: { duplicate: 1 } });
    const order = await checkout('duplicates');
    await app.pay(order.checkout.client);
    expect(await noticeAnswers(order, 2), 'PortOne\'s notice and its retry').to.deep.equal([200, 200]);
    const body = JSON.stringify({ type: 'Transaction.Paid', timestamp: new Date().toISOString(), data: { paymentId: order.merchantUid, storeId: PORTONE_SANDBOX_DEFAULTS.storeId } });
    const headers = signed(body, `msg_dup_${Date.now()}`);
    const answers = await Promise.all(Array.from({ length: 5 }, () => postNotice(body, headers)));
    expect(answers.map((a) => a.status)).to.deep.equal([200, 200, 200, 200, 200]);
    expect(await statusOf(order)).to.equal('paid');
    const counts = await eventCounts(app.database);
    expect(counts).to.include({ PaymentPaid: 1, MembershipActivated: 1 });
    expect((await app.database.database.knex('memberships').count({ n: '*' }))[0].n).to.equal(1);
  });

  it('a forged notice (signed, claims paid for an order PortOne holds unpaid) and an unsigned one change nothing: 0 PaymentPaid, 0 memberships', async () => {
    const order = await checkout('forged');
    const body = JSON.stringify({ type: 'Transaction.Paid', timestamp: new Date().toISOString(), data: { paymentId: order.merchantUid, storeId: PORTONE_SANDBOX_DEFAULTS.storeId } });
    const forged = await postNotice(body, signed(body, `msg_forged_${Date.now()}`));
    expect(forged.status, JSON.stringify(forged.body)).to.equal(200);
    const unsigned = await postNotice(body, { 'content-type': 'application/json' });
    expect(unsigned.status).to.equal(401);
    expect(unsigned.body.error.code).to.equal('invalid_signature');
    expect(await statusOf(order)).to.equal('await');
    expect(await eventCounts(app.database)).not.to.have.property('PaymentPaid');
    expect((await app.database.database.knex('memberships').count({ n: '*' }))[0].n).to.equal(0);
  });

  it('answers 202 pending (validation, failure report) and 503 (notice) while PortOne fails or hangs, decides nothing, and one reconcile after recovery settles all 4 orders', async () => {
    const paidValidated5xx = await checkout('validated during 5xx');
    const paidNoticeOnly = await checkout('paid, only the notice arrives during 5xx');
    const paidValidatedTimeout = await checkout('validated during timeouts');
    const cancelledReported = await checkout('cancelled in window, report during timeouts');

    // --- every REST call answers HTTP 500
    app.portone.sandbox.setFaults({ errorRate: 1 });
    const paid5xx = await app.pay(paidValidated5xx.checkout.client);
    await app.pay(paidNoticeOnly.checkout.client);
    const validation5xx = await paidValidated5xx.client.post('/api/payment/validation', { payment_id: paid5xx.paymentId });
    expect(validation5xx.status, validation5xx.text).to.equal(202);
    expect(validation5xx.body).to.include({ works: false, status: 'pending' });
    for (const order of [paidValidated5xx, paidNoticeOnly]) expect(await noticeAnswers(order, 1), `notice answers for "${order.name}"`).to.deep.equal([503]);

    // --- every REST call hangs past the adapter's bound
    app.portone.sandbox.setFaults({ errorRate: 0, timeoutRate: 1 });
    const paidTimeout = await app.pay(paidValidatedTimeout.checkout.client);
    const cancelled = await app.pay(cancelledReported.checkout.client, 'success', 'cancel');
    const started = Date.now();
    const validationTimeout = await paidValidatedTimeout.client.post('/api/payment/validation', { payment_id: paidTimeout.paymentId });
    expect(validationTimeout.status, validationTimeout.text).to.equal(202);
    expect(Date.now() - started, 'a timed-out lookup is not retried past the bound').to.be.below(2000);
    const failureTimeout = await cancelledReported.client.post('/api/payment/failure', {
      merchant_uid: cancelledReported.merchantUid, payment_id: cancelled.paymentId, error_code: cancelled.code, error_msg: cancelled.message,
    });
    expect(failureTimeout.status, failureTimeout.text).to.equal(202);
    expect(await noticeAnswers(paidValidatedTimeout, 1)).to.deep.equal([503]);

    const all = [paidValidated5xx, paidNoticeOnly, paidValidatedTimeout, cancelledReported];
    expect(await Promise.all(all.map(statusOf)), 'statuses during the outage').to.deep.equal(Array(4).fill('await'));
    expect((await app.database.database.knex('memberships').count({ n: '*' }))[0].n).to.equal(0);

    // --- PortOne recovers; one reconcile settles every order by PortOne's own word
    app.portone.sandbox.setFaults({ timeoutRate: 0 });
    const reconcile = await app.admin('/api/admin/reconcile');
    expect(reconcile.status, reconcile.text).to.equal(200);
    expect(reconcile.body).to.include({ checked: 4, settled: 4 });
    expect(await Promise.all(all.map(statusOf))).to.deep.equal(['paid', 'paid', 'paid', 'failed']);
    const failed = await app.database.database.knex('payments').where({ merchant_uid: cancelledReported.merchantUid }).first();
    expect(failed.failure_code).to.equal('user_cancelled');
    for (const order of all.slice(0, 3)) expect((await order.client.get('/api/me')).body.membership, order.name).to.include({ status: 'active', plan: 'monthly' });
  });
});
