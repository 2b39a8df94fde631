import { expect } from 'chai';
import type { BuyerAction } from '../../support/gateway-drivers';
import type { ApiClient } from '../../support/http-app';
import { startSandboxApp, type SandboxApp } from '../../support/sandbox-app';

/** One buyer's order: checked out before the outage, paid (or not) in the PG window during it. */
interface Order {
  name: string;
  client: ApiClient;
  merchantUid: string;
  amount: number;
  gatewayPaymentId?: string;
}

describe('gateway 5xx and timeouts during validation, failure report and webhook (SQLite, IamportGateway with GATEWAY_TIMEOUT_MS=300)', function () {
  this.timeout(30_000);
  let app: SandboxApp;

  beforeEach(async () => {
    app = await startSandboxApp({ persistence: 'sqlite', env: { GATEWAY_TIMEOUT_MS: '300' } });
  });
  afterEach(async () => {
    await app?.close();
  });

  async function checkout(name: string): Promise<Order> {
    const client = app.client();
    await client.signUp({ name });
    const res = await client.post('/api/payment/checkout', { plan: 'monthly' });
    expect(res.status).to.equal(201);
    return { name, client, merchantUid: res.body.merchant_uid, amount: res.body.amount };
  }

  async function pay(order: Order, action: BuyerAction): Promise<void> {
    order.gatewayPaymentId = await app.buyer.buyerPays({ merchantUid: order.merchantUid, amount: order.amount, action });
  }

  /** The sandbox's notices for an order, once each has had its answer. */
  async function noticeAnswers(order: Order, expected: number): Promise<Array<number | null>> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const answers = app.sandbox.sandbox.notifier.log.filter((e) => e.notice.merchant_uid === order.merchantUid).map((e) => e.http_status);
      if (answers.length >= expected || Date.now() > deadline) return answers;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async function statusesOf(): Promise<Record<string, string>> {
    const rows: Array<{ merchant_uid: string; status: string }> = await app.database.database.knex('payments').select('merchant_uid', 'status');
    return Object.fromEntries(rows.map((r) => [r.merchant_uid, r.status]));
  }

  function gatewayStatusOf(order: Order): string {
    return app.sandbox.sandbox.state.getPayment(order.gatewayPaymentId as string)?.status ?? 'none';
  }

  it('answers 202 pending (validation, failure report) and 503 (webhook) while the gateway fails or hangs, decides nothing wrong, and one reconcile after recovery settles all 6 orders', async () => {
    const paidValidated5xx = await checkout('validated during 5xx');
    const paidValidatedTimeout = await checkout('validated during timeouts');
    const paidReportedFailed = await checkout('paid, page reports failure during 5xx');
    const cancelledReported = await checkout('cancelled in window, report during timeouts');
    const paidNoticeOnly = await checkout('paid, only the notice arrives during 5xx');
    const declinedNoticeOnly = await checkout('declined, only the notice arrives during 5xx');

    // --- every REST call answers HTTP 500 (reads are retried twice by the adapter, then give up)
    app.sandbox.sandbox.setFaults({ errorRate: 1 });
    await pay(paidValidated5xx, 'paid');
    await pay(paidReportedFailed, 'paid');
    await pay(paidNoticeOnly, 'paid');
    await pay(declinedNoticeOnly, 'declined');
    const validation5xx = await paidValidated5xx.client.post('/api/payment/validation', { imp_uid: paidValidated5xx.gatewayPaymentId, merchant_uid: paidValidated5xx.merchantUid });
    expect(validation5xx.status, validation5xx.text).to.equal(202);
    expect(validation5xx.body).to.include({ works: false, status: 'pending' });
    const failure5xx = await paidReportedFailed.client.post('/api/payment/failure', {
      merchant_uid: paidReportedFailed.merchantUid, imp_uid: paidReportedFailed.gatewayPaymentId, error_code: 'F9999', error_msg: 'the page thought it failed',
    });
    expect(failure5xx.status, failure5xx.text).to.equal(202);
    expect(failure5xx.body).to.include({ status: 'pending' });
    for (const order of [paidValidated5xx, paidReportedFailed, paidNoticeOnly, declinedNoticeOnly]) {
      expect(await noticeAnswers(order, 1), `notice answers for "${order.name}"`).to.deep.equal([503]);
    }

    // --- every REST call hangs past the adapter's 300 ms limit
    app.sandbox.sandbox.setFaults({ errorRate: 0, timeoutRate: 1 });
    await pay(paidValidatedTimeout, 'paid');
    await pay(cancelledReported, 'user_cancelled');
    const started = Date.now();
    const validationTimeout = await paidValidatedTimeout.client.post('/api/payment/validation', { imp_uid: paidValidatedTimeout.gatewayPaymentId, merchant_uid: paidValidatedTimeout.merchantUid });
    const validationMs = Date.now() - started;
    expect(validationTimeout.status, validationTimeout.text).to.equal(202);
    expect(validationMs, 'a timed-out lookup is not retried past the bound').to.be.below(2000);
    const failureTimeout = await cancelledReported.client.post('/api/payment/failure', {
      merchant_uid: cancelledReported.merchantUid, imp_uid: cancelledReported.gatewayPaymentId, error_code: 'F1001', error_msg: '사용자가 결제를 취소하였습니다',
    });
    expect(failureTimeout.status, failureTimeout.text).to.equal(202);
    for (const order of [paidValidatedTimeout, cancelledReported]) {
      expect(await noticeAnswers(order, 1), `notice answers for "${order.name}"`).to.deep.equal([503]);
    }

    // Nothing was decided while the gateway could not say: all six still wait.
    const during = await statusesOf();
    const all = [paidValidated5xx, paidValidatedTimeout, paidReportedFailed, cancelledReported, paidNoticeOnly, declinedNoticeOnly];
    expect(all.map((o) => during[o.merchantUid]), 'statuses during the outage').to.deep.equal(Array(6).fill('await'));
    expect((await app.database.database.knex('memberships').count({ n: '*' }))[0].n).to.equal(0);

    // --- the gateway recovers; one reconcile settles every order by the gateway's own word
    app.sandbox.sandbox.setFaults({ timeoutRate: 0 });
    const reconcile = await app.admin('/api/admin/reconcile');
    expect(reconcile.status, reconcile.text).to.equal(200);
    console.log(`      reconcile after recovery: ${JSON.stringify({ checked: reconcile.body.checked, settled: reconcile.body.settled })}`);
    expect(reconcile.body).to.include({ checked: 6, settled: 6 });

    const after = await statusesOf();
    for (const order of all) {
      const gateway = gatewayStatusOf(order);
      const expected = gateway === 'paid' ? 'paid' : 'failed';
      expect(after[order.merchantUid], `"${order.name}" (gateway says ${gateway})`).to.equal(expected);
      const me = await order.client.get('/api/me');
      expect(me.body.payment_status, `payment_status of "${order.name}"`).to.equal(expected === 'paid' ? 'on' : 'off');
      if (expected === 'paid') expect(me.body.membership).to.include({ status: 'active', plan: 'monthly' });
    }
    const failures: Array<{ merchant_uid: string; failure_code: string }> = await app.database.database.knex('payments').whereNotNull('failure_code').select('merchant_uid', 'failure_code');
    expect(Object.fromEntries(failures.map((f) => [f.merchant_uid, f.failure_code]))).to.deep.equal({
      [cancelledReported.merchantUid]: 'user_cancelled',
      [declinedNoticeOnly.merchantUid]: 'card_declined',
    });
  });
});
