import { expect } from 'chai';
import type { CancelMembership } from '../../../src/membership/application/cancel-membership.use-case';
import type { GetRefundQuote } from '../../../src/membership/application/get-refund-quote.use-case';
import { MEMBERSHIP } from '../../../src/membership/membership.tokens';
import type { RefundPayment } from '../../../src/payment/application/refund-payment.use-case';
import { PAYMENT } from '../../../src/payment/payment.tokens';
import { memoryApp, type MemoryApp } from '../../support/memory-container';

const DAY = 24 * 60 * 60 * 1000;

describe('refunds and cancellation (in-memory adapters)', () => {
  let app: MemoryApp;
  let userId: string;
  let cancel: CancelMembership;
  let quote: GetRefundQuote;
  let refund: RefundPayment;

  beforeEach(async () => {
    app = memoryApp();
    userId = (await app.newUser()).id;
    cancel = app.container.get(MEMBERSHIP.CancelMembership);
    quote = app.container.get(MEMBERSHIP.GetRefundQuote);
    refund = app.container.get(PAYMENT.RefundPayment);
  });

  async function buy(autoRenew = false) {
    const { payment } = await app.startCheckout.execute({ userId, planId: 'monthly', payMethod: 'card', autoRenew });
    const impUid = app.gateway.buyerPays({ merchantUid: payment.merchantUid, amount: payment.amount, customerUid: payment.customerUid });
    await app.confirmPayment.execute({ userId, merchantUid: payment.merchantUid, transactionId: impUid });
    return { merchantUid: payment.merchantUid, impUid };
  }

  const cancelCalls = () => app.gateway.calls.filter((c) => c.operation === 'cancel');

  it('quotes a full refund inside 7 days and pro rata after', async () => {
    await buy();
    expect(await quote.execute(userId)).to.deep.equal({ refundable: 9900, rule: 'withdrawal_period', usedDays: 0, totalDays: 30 });
    app.clock.advance(15 * DAY);
    expect(await quote.execute(userId)).to.deep.equal({ refundable: 4455, rule: 'pro_rata_less_fee', usedDays: 15, totalDays: 30 });
  });

  it('refuses a quote or a cancel without a live membership', async () => {
    expect(await quote.execute(userId).catch((e) => e.code)).to.equal('no_active_membership');
    expect(await cancel.execute({ userId, refund: true, reason: null }).catch((e) => e.code)).to.equal('no_active_membership');
  });

  it('cancel with refund: the quoted amount goes back with the checksum, the membership ends now', async () => {
    const { merchantUid, impUid } = await buy();
    app.clock.advance(10 * DAY);
    const result = await cancel.execute({ userId, refund: true, reason: 'moving abroad' });
    expect(result.refund).to.deep.equal({ amount: 5940 });
    expect(result.membership.status).to.equal('cancelled');
    expect(cancelCalls().map((c) => c.args)).to.deep.equal([{ impUid, merchantUid, amount: 5940, checksum: 9900, reason: 'moving abroad' }]);
    const payment = await app.payments.findByMerchantUid(merchantUid);
    expect(payment?.cancelledAmount).to.equal(5940);
    expect(payment?.status).to.equal('paid');
  });

  it('20 concurrent cancels with refund: one refund at the gateway', async () => {
    const { impUid } = await buy();
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => cancel.execute({ userId, refund: true, reason: null })));
    expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(1);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).to.satisfy((codes: string[]) => codes.every((c) => c === 'no_active_membership'));
    expect(cancelCalls()).to.have.length(1);
    expect(app.gateway.peek(impUid)?.cancelledAmount).to.equal(9900);
  });

  it('cancel without refund keeps access to the period end, stops renewal, and releases the card when the period ends', async () => {
    await buy(true);
    const result = await cancel.execute({ userId, refund: false, reason: null });
    expect(result.refund).to.equal(null);
    expect(result.membership.status).to.equal('active');
    expect(result.membership.cancelAtPeriodEnd).to.equal(true);
    expect(result.membership.nextChargeAt).to.equal(null);
    // DESIGN §6: the card is kept until the membership ends (here, at the period end).
    expect(app.gateway.hasBillingKey(`cu_${userId}`)).to.equal(true);
    expect(cancelCalls()).to.have.length(0);

    app.clock.freezeAt(new Date(result.membership.periodEnd.getTime() + 1000));
    expect(await app.renewals.execute()).to.include({ charged: 0, ended: 1 });
    expect((await app.memberships.findLatestByUserId(userId))?.status).to.equal('cancelled');
    expect(app.gateway.hasBillingKey(`cu_${userId}`)).to.equal(false);
  });

  it('partial admin refunds add up and never exceed the payment; a full one ends the membership', async () => {
    const { merchantUid, impUid } = await buy();
    await refund.execute({ merchantUid, amount: 4000, reason: 'partial' });
    await refund.execute({ merchantUid, amount: 4000, reason: 'partial' });
    expect(await refund.execute({ merchantUid, amount: 4000, reason: 'too much' }).catch((e) => e.code)).to.equal('invalid_amount');
    expect((await app.memberships.findLiveByUserId(userId))?.status).to.equal('active');
    const last = await refund.execute({ merchantUid, amount: null, reason: 'the rest' });
    expect(last.refund).to.deep.equal({ amount: 1900 });
    expect(last.payment.status).to.equal('cancelled');
    expect(app.gateway.peek(impUid)?.cancelledAmount).to.equal(9900);
    expect(await app.memberships.findLiveByUserId(userId)).to.equal(null);
    expect(await refund.execute({ merchantUid, amount: null, reason: 'again' }).catch((e) => e.code)).to.equal('nothing_to_refund');
  });
});
