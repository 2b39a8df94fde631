import { expect } from 'chai';
import { GatewayRejectedError } from '../../../src/payment/application/payment-gateway.port';
import { memoryApp, type MemoryApp } from '../../support/memory-container';

/** The seed's five cases, walked through the use cases on in-memory adapters. */
describe('the seed payment cases through the use cases', () => {
  let app: MemoryApp;
  let userId: string;

  beforeEach(async () => {
    app = memoryApp();
    userId = (await app.newUser()).id;
  });

  const checkout = () => app.startCheckout.execute({ userId, planId: 'monthly', payMethod: 'card', autoRenew: false });

  it('(1) a refused prepare creates no usable payment and reports the refusal', async () => {
    app.gateway.scriptNext('prepare', 'rejected', 'PG refused');
    const error = await checkout().catch((e) => e);
    expect(error).to.be.instanceOf(GatewayRejectedError);
    const [payment] = await app.payments.listByUser(userId);
    expect(payment.status).to.equal('failed');
    expect(payment.failure?.code).to.equal('prepare_rejected');
  });

  it('prices the checkout from the catalog and registers the amount with the gateway', async () => {
    const started = await checkout();
    expect(started.payment.amount).to.equal(9900);
    expect(started.payment.status).to.equal('await');
    expect(app.gateway.calls.filter((c) => c.operation === 'prepare')).to.deep.equal([
      { operation: 'prepare', args: { merchantUid: started.payment.merchantUid, amount: 9900 } },
    ]);
    expect(app.eventsOfType('PaymentPrepared')).to.have.length(1);
  });

  it('(2) a window closed before a card is chosen ends failed as window_closed', async () => {
    const { payment } = await checkout();
    const result = await app.reportFailure.execute({ userId, merchantUid: payment.merchantUid, transactionId: null, errorCode: 'F1002', errorMessage: '사용자가 창을 닫았습니다' });
    expect(result.verdict).to.equal('failed');
    expect(result.payment.failure).to.deep.equal({ code: 'window_closed', message: '사용자가 창을 닫았습니다' });
    expect(await app.memberships.findLiveByUserId(userId)).to.equal(null);
  });

  it('(2) a declined card ends failed as card_declined, confirmed with the gateway', async () => {
    const { payment } = await checkout();
    const gatewayPaymentId = app.gateway.buyerPays({ merchantUid: payment.merchantUid, amount: 9900, action: 'declined' });
    const result = await app.reportFailure.execute({ userId, merchantUid: payment.merchantUid, transactionId: gatewayPaymentId, errorCode: 'F400', errorMessage: 'declined' });
    expect(result.payment.status).to.equal('failed');
    expect(result.payment.failure?.code).to.equal('card_declined');
    expect(result.payment.gatewayPaymentId).to.equal(gatewayPaymentId);
  });

  it('(3) two checkouts never share a merchant_uid', async () => {
    const uids = new Set<string>();
    // Ten buyers with five open orders each: a buyer may hold at most five unpaid orders at once.
    for (let buyer = 0; buyer < 10; buyer++) {
      const buyerId = (await app.newUser()).id;
      for (let i = 0; i < 5; i++) uids.add((await app.startCheckout.execute({ userId: buyerId, planId: 'monthly', payMethod: 'card', autoRenew: false })).payment.merchantUid);
    }
    expect(uids.size).to.equal(50);
  });

  it('(4) cancel after the card ends failed as user_cancelled', async () => {
    const { payment } = await checkout();
    const gatewayPaymentId = app.gateway.buyerPays({ merchantUid: payment.merchantUid, amount: 9900, action: 'user_cancelled' });
    const result = await app.reportFailure.execute({ userId, merchantUid: payment.merchantUid, transactionId: gatewayPaymentId, errorCode: null, errorMessage: null });
    expect(result.payment.failure?.code).to.equal('user_cancelled');
  });

  it('(5) a paid payment is verified with the gateway and activates the membership once', async () => {
    const { payment } = await checkout();
    const gatewayPaymentId = app.gateway.buyerPays({ merchantUid: payment.merchantUid, amount: 9900 });
    const first = await app.confirmPayment.execute({ userId, merchantUid: payment.merchantUid, transactionId: gatewayPaymentId });
    const replay = await app.confirmPayment.execute({ userId, merchantUid: payment.merchantUid, transactionId: gatewayPaymentId });
    expect(first.verdict).to.equal('paid');
    expect(replay.verdict).to.equal('paid');
    const membership = await app.memberships.findLiveByUserId(userId);
    expect(membership?.status).to.equal('active');
    expect(membership?.periodNo).to.equal(1);
    expect(membership?.periodStart.toISOString()).to.equal('2026-11-25T09:00:00.000Z');
    expect(membership?.periodEnd.toISOString()).to.equal('2026-12-25T09:00:00.000Z');
    expect(app.eventsOfType('PaymentPaid')).to.have.length(1);
    expect(app.eventsOfType('MembershipActivated')).to.have.length(1);
  });

  it('a failure report for a payment the gateway holds as paid leaves it paid', async () => {
    const { payment } = await checkout();
    const gatewayPaymentId = app.gateway.buyerPays({ merchantUid: payment.merchantUid, amount: 9900 });
    const result = await app.reportFailure.execute({ userId, merchantUid: payment.merchantUid, transactionId: gatewayPaymentId, errorCode: 'X', errorMessage: 'client thinks it failed' });
    expect(result.verdict).to.equal('paid');
    expect(result.payment.status).to.equal('paid');
  });
});
