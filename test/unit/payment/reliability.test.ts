import { expect } from 'chai';
import type { RefundPayment } from '../../../src/payment/application/refund-payment.use-case';
import { PAYMENT } from '../../../src/payment/payment.tokens';
import { memoryApp, type MemoryApp } from '../../support/memory-container';

describe('payment reliability (in-memory adapters)', () => {
  let app: MemoryApp;
  let userId: string;

  beforeEach(async () => {
    app = memoryApp();
    userId = (await app.newUser()).id;
  });

  async function paidAtGateway(amount = 9900) {
    const { payment } = await app.startCheckout.execute({ userId, planId: 'monthly', payMethod: 'card', autoRenew: false });
    const gatewayPaymentId = app.gateway.buyerPays({ merchantUid: payment.merchantUid, amount });
    return { merchantUid: payment.merchantUid, gatewayPaymentId };
  }

  const gatewayCalls = (operation: string) => app.gateway.calls.filter((c) => c.operation === operation);

  it('50 concurrent validations of one payment: one PaymentPaid, one activation, one period', async () => {
    const { merchantUid, gatewayPaymentId } = await paidAtGateway();
    const results = await Promise.all(Array.from({ length: 50 }, () => app.confirmPayment.execute({ userId, merchantUid, transactionId: gatewayPaymentId })));
    expect(results.every((r) => r.verdict === 'paid')).to.equal(true);
    expect(app.eventsOfType('PaymentPaid')).to.have.length(1);
    expect(app.eventsOfType('MembershipActivated')).to.have.length(1);
    expect((await app.memberships.findLiveByUserId(userId))?.periodNo).to.equal(1);
  });

  it('another member confirming my order is told it does not exist, and the gateway is not asked', async () => {
    const { merchantUid, gatewayPaymentId } = await paidAtGateway();
    const stranger = await app.newUser('Stranger');
    const answer = await app.confirmPayment.execute({ userId: stranger.id, merchantUid, transactionId: gatewayPaymentId }).catch((e) => e.code);
    expect(answer).to.equal('payment_not_found');
    expect(gatewayCalls('settle')).to.deep.equal([]);
    expect((await app.payments.findByMerchantUid(merchantUid))?.status).to.equal('await');
    expect((await app.confirmPayment.execute({ userId: null, merchantUid, transactionId: gatewayPaymentId })).verdict, 'a trusted internal caller').to.equal('paid');
  });

  it('the same webhook five times: one effect; the duplicates are not even re-fetched', async () => {
    const { merchantUid, gatewayPaymentId } = await paidAtGateway();
    const outcomes = [];
    for (let i = 0; i < 5; i++) outcomes.push(await app.webhooks.receive({ gatewayPaymentId, merchantUid, status: 'paid' }, '{}', '127.0.0.1'));
    expect(outcomes).to.deep.equal(['applied', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
    expect(gatewayCalls('getPayment')).to.have.length(1);
    expect(app.eventsOfType('PaymentPaid')).to.have.length(1);
    expect(app.eventsOfType('MembershipActivated')).to.have.length(1);
  });

  it('two partial cancels made at the gateway (its console), each announced as cancelled: both are applied, not the second skipped as a duplicate', async () => {
    const { merchantUid, gatewayPaymentId } = await paidAtGateway();
    await app.confirmPayment.execute({ userId, merchantUid, transactionId: gatewayPaymentId });
    // Iamport V1 reports every partial cancel with the same imp_uid and status `cancelled`.
    await app.gateway.cancel({ gatewayPaymentId, merchantUid, amount: 3000, checksum: 9900, reason: 'console' });
    expect(await app.webhooks.receive({ gatewayPaymentId, merchantUid, status: 'cancelled' }, '{}', null)).to.equal('applied');
    await app.gateway.cancel({ gatewayPaymentId, merchantUid, amount: 2000, checksum: 6900, reason: 'console' });
    expect(await app.webhooks.receive({ gatewayPaymentId, merchantUid, status: 'cancelled' }, '{}', null)).to.equal('applied');
    expect((await app.payments.findByMerchantUid(merchantUid))?.cancelledAmount).to.equal(5000);
  });

  it('client validation racing the webhook: one effect', async () => {
    const { merchantUid, gatewayPaymentId } = await paidAtGateway();
    await Promise.all([
      app.confirmPayment.execute({ userId, merchantUid, transactionId: gatewayPaymentId }),
      app.webhooks.receive({ gatewayPaymentId, merchantUid, status: 'paid' }, '{}', null),
      app.webhooks.receive({ gatewayPaymentId, merchantUid, status: 'paid' }, '{}', null),
    ]);
    expect(app.eventsOfType('PaymentPaid')).to.have.length(1);
    expect(app.eventsOfType('MembershipActivated')).to.have.length(1);
  });

  it('reordered notices (paid, then an older ready) never move the payment back', async () => {
    const { merchantUid, gatewayPaymentId } = await paidAtGateway();
    await app.webhooks.receive({ gatewayPaymentId, merchantUid, status: 'paid' }, '{}', null);
    await app.webhooks.receive({ gatewayPaymentId, merchantUid, status: 'ready' }, '{}', null);
    expect((await app.payments.findByMerchantUid(merchantUid))?.status).to.equal('paid');
  });

  it('a forged notice (claims paid, the gateway says otherwise) changes nothing', async () => {
    const { payment } = await app.startCheckout.execute({ userId, planId: 'monthly', payMethod: 'card', autoRenew: false });
    expect(await app.webhooks.receive({ gatewayPaymentId: 'imp_forged', merchantUid: payment.merchantUid, status: 'paid' }, '{}', null)).to.equal('ignored');
    const declined = app.gateway.buyerPays({ merchantUid: payment.merchantUid, amount: 9900, action: 'declined' });
    await app.webhooks.receive({ gatewayPaymentId: declined, merchantUid: payment.merchantUid, status: 'paid' }, '{}', null);
    expect((await app.payments.findByMerchantUid(payment.merchantUid))?.status).to.equal('failed');
    expect(await app.memberships.findLiveByUserId(userId)).to.equal(null);
  });

  it('a notice for an unknown payment is kept and ignored', async () => {
    expect(await app.webhooks.receive({ gatewayPaymentId: 'imp_x', merchantUid: 'mp_unknown', status: 'paid' }, '{"x":1}', null)).to.equal('ignored');
  });

  it('a notice while the gateway is silent is pending; the reconciler settles the payment', async () => {
    const { merchantUid, gatewayPaymentId } = await paidAtGateway();
    app.gateway.scriptNext('getPayment', 'unknown');
    expect(await app.webhooks.receive({ gatewayPaymentId, merchantUid, status: 'paid' }, '{}', null)).to.equal('pending');
    app.clock.advance(31 * 60_000);
    expect(await app.reconcile.execute()).to.deep.equal({ checked: 1, settled: 1 });
    expect((await app.memberships.findLiveByUserId(userId))?.status).to.equal('active');
  });

  it('a gateway timeout during validation answers pending; the reconciler makes it paid and active', async () => {
    const { merchantUid, gatewayPaymentId } = await paidAtGateway();
    app.gateway.scriptNext('settle', 'unknown');
    const result = await app.confirmPayment.execute({ userId, merchantUid, transactionId: gatewayPaymentId });
    expect(result.verdict).to.equal('pending');
    expect(result.payment.status).to.equal('await');
    expect(await app.reconcile.execute()).to.deep.equal({ checked: 1, settled: 1 });
    expect((await app.payments.findByMerchantUid(merchantUid))?.status).to.equal('paid');
    expect((await app.memberships.findLiveByUserId(userId))?.status).to.equal('active');
  });

  it('an await payment the gateway never saw paid expires after the TTL', async () => {
    const { payment } = await app.startCheckout.execute({ userId, planId: 'monthly', payMethod: 'card', autoRenew: false });
    expect(await app.reconcile.execute()).to.deep.equal({ checked: 0, settled: 0 });
    app.clock.advance(31 * 60_000);
    expect(await app.reconcile.execute()).to.deep.equal({ checked: 1, settled: 1 });
    const expired = await app.payments.findByMerchantUid(payment.merchantUid);
    expect(expired?.failure?.code).to.equal('expired');
  });

  describe('money taken while our word said failed (found by the simulation)', () => {
    it('the page reported a closed window, but the payment completed and its notice was lost: the reconciler asks and makes it paid', async () => {
      const { payment } = await app.startCheckout.execute({ userId, planId: 'monthly', payMethod: 'card', autoRenew: false });
      app.gateway.buyerPays({ merchantUid: payment.merchantUid, amount: 9900 });
      await app.reportFailure.execute({ userId, merchantUid: payment.merchantUid, transactionId: null, errorCode: 'F1002', errorMessage: 'closed' });
      expect((await app.payments.findByMerchantUid(payment.merchantUid))?.status).to.equal('failed');
      expect(await app.reconcile.execute()).to.deep.equal({ checked: 1, settled: 1 });
      expect((await app.payments.findByMerchantUid(payment.merchantUid))?.status).to.equal('paid');
      expect((await app.memberships.findLiveByUserId(userId))?.status).to.equal('active');
    });

    it('an order expired, then the buyer paid late with page and notice lost: a later recheck makes it paid', async () => {
      const { payment } = await app.startCheckout.execute({ userId, planId: 'monthly', payMethod: 'card', autoRenew: false });
      app.clock.advance(31 * 60_000);
      await app.reconcile.execute();
      expect((await app.payments.findByMerchantUid(payment.merchantUid))?.failure?.code).to.equal('expired');
      app.gateway.buyerPays({ merchantUid: payment.merchantUid, amount: 9900 });
      expect(await app.reconcile.execute()).to.deep.equal({ checked: 0, settled: 0 });
      app.clock.advance(31 * 60_000);
      expect(await app.reconcile.execute()).to.deep.equal({ checked: 1, settled: 1 });
      expect((await app.memberships.findLiveByUserId(userId))?.status).to.equal('active');
    });

    it('a failed attempt, then a paid one whose validation timed out: pending, then the reconciler makes it paid', async () => {
      const { payment } = await app.startCheckout.execute({ userId, planId: 'monthly', payMethod: 'card', autoRenew: false });
      const cancelled = app.gateway.buyerPays({ merchantUid: payment.merchantUid, amount: 9900, action: 'user_cancelled' });
      await app.reportFailure.execute({ userId, merchantUid: payment.merchantUid, transactionId: cancelled, errorCode: null, errorMessage: null });
      const paid = app.gateway.buyerPays({ merchantUid: payment.merchantUid, amount: 9900 });
      app.gateway.scriptNext('settle', 'unknown');
      expect((await app.confirmPayment.execute({ userId, merchantUid: payment.merchantUid, transactionId: paid })).verdict).to.equal('pending');
      expect(await app.reconcile.execute()).to.deep.equal({ checked: 1, settled: 1 });
      expect((await app.payments.findByMerchantUid(payment.merchantUid))?.gatewayPaymentId).to.equal(paid);
    });

    it('an abandoned order is asked about a bounded number of times, then no more', async () => {
      const { payment } = await app.startCheckout.execute({ userId, planId: 'monthly', payMethod: 'card', autoRenew: false });
      await app.reportFailure.execute({ userId, merchantUid: payment.merchantUid, transactionId: null, errorCode: null, errorMessage: null });
      for (let minute = 0; minute < 2 * 24 * 60; minute += 1) {
        await app.reconcile.execute();
        app.clock.advance(60_000);
      }
      const lookups = app.gateway.calls.filter((c) => c.operation === 'findByMerchantUid').length;
      expect(lookups).to.be.within(5, 8);
      expect((await app.payments.findByMerchantUid(payment.merchantUid))?.recheckAt).to.equal(null);
    });
  });

  it('an amount mismatch fails the payment and returns the charge at the gateway', async () => {
    const { payment } = await app.startCheckout.execute({ userId, planId: 'monthly', payMethod: 'card', autoRenew: false });
    // The buyer tampered with the amount: the gateway took 100 KRW on our order's uid (no prepare on this path).
    const gatewayPaymentId = app.gateway.buyerPays({ merchantUid: payment.merchantUid, amount: 9900 });
    const tampered = { ...app.gateway.peek(gatewayPaymentId)!, amount: 100 };
    const settled = await app.settlement.applyGatewayTruth(payment.merchantUid, tampered);
    expect(settled.status).to.equal('failed');
    expect(settled.failure?.code).to.equal('amount_mismatch');
    expect(gatewayCalls('cancel').map((c) => c.args)).to.deep.equal([
      { gatewayPaymentId, merchantUid: payment.merchantUid, amount: 100, checksum: 100, reason: 'amount_mismatch' },
    ]);
    expect(await app.memberships.findLiveByUserId(userId)).to.equal(null);
  });

  it('a refund whose answer was lost stays pending; the reconciler settles it from the gateway without refunding twice', async () => {
    const { merchantUid, gatewayPaymentId } = await paidAtGateway();
    await app.confirmPayment.execute({ userId, merchantUid, transactionId: gatewayPaymentId });
    app.gateway.scriptNext('cancel', 'lost');
    const refund = app.container.get<RefundPayment>(PAYMENT.RefundPayment);
    const result = await refund.execute({ merchantUid, amount: 3000, reason: 'goodwill' });
    expect(result.payment.pendingCancellations).to.have.length(1);
    expect(app.gateway.peek(gatewayPaymentId)?.cancelledAmount).to.equal(3000);
    await app.reconcile.execute();
    const after = await app.payments.findByMerchantUid(merchantUid);
    expect(after?.cancelledAmount).to.equal(3000);
    expect(after?.pendingCancellations).to.deep.equal([]);
    expect(app.gateway.peek(gatewayPaymentId)?.cancelledAmount).to.equal(3000);
  });

  it('a refund that timed out before acting is sent again by the reconciler, once', async () => {
    const { merchantUid, gatewayPaymentId } = await paidAtGateway();
    await app.confirmPayment.execute({ userId, merchantUid, transactionId: gatewayPaymentId });
    app.gateway.scriptNext('cancel', 'unknown');
    const refund = app.container.get<RefundPayment>(PAYMENT.RefundPayment);
    await refund.execute({ merchantUid, amount: 2000, reason: 'goodwill' });
    expect(app.gateway.peek(gatewayPaymentId)?.cancelledAmount).to.equal(0);
    await app.reconcile.execute();
    await app.reconcile.execute();
    expect(app.gateway.peek(gatewayPaymentId)?.cancelledAmount).to.equal(2000);
    expect((await app.payments.findByMerchantUid(merchantUid))?.cancelledAmount).to.equal(2000);
  });
});
