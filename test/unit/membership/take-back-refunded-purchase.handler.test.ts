import { expect } from 'chai';
import type { TakeBackRefundedPurchase } from '../../../src/membership/application/take-back-refunded-purchase.handler';
import { MEMBERSHIP } from '../../../src/membership/membership.tokens';
import { PaymentEvents, type PaymentCancelledEvent } from '../../../src/payment/domain/payment.events';
import { newDomainEvent } from '../../../src/shared/domain/domain-event';
import { memoryApp, type MemoryApp } from '../../support/memory-container';

describe('TakeBackRefundedPurchase (PaymentCancelled)', () => {
  let app: MemoryApp;
  let userId: string;
  let handler: TakeBackRefundedPurchase;

  beforeEach(async () => {
    app = memoryApp();
    userId = (await app.newUser()).id;
    handler = app.container.get<TakeBackRefundedPurchase>(MEMBERSHIP.TakeBackRefundedPurchase);
  });

  async function buyMonthly() {
    const { payment } = await app.startCheckout.execute({ userId, planId: 'monthly', payMethod: 'card', autoRenew: false });
    const gatewayPaymentId = app.gateway.buyerPays({ merchantUid: payment.merchantUid, amount: payment.amount, customerUid: payment.customerUid });
    await app.confirmPayment.execute({ userId, merchantUid: payment.merchantUid, transactionId: gatewayPaymentId });
    return payment;
  }

  function fullyCancelled(payment: { id: string; merchantUid: string; amount: number }, byMember: boolean): PaymentCancelledEvent {
    return newDomainEvent(PaymentEvents.Cancelled, payment.id, app.clock.now(), {
      paymentId: payment.id, merchantUid: payment.merchantUid, userId, amount: payment.amount, cancelledAmount: payment.amount,
      fullyCancelled: true, reason: 'goodwill', byMember,
    }) as PaymentCancelledEvent;
  }

  it('takes back the months of an extension refunded in full by an operator: the membership runs on for the first purchase', async () => {
    await buyMonthly();
    const afterFirst = (await app.memberships.findLatestByUserId(userId))?.periodEnd;
    const extension = await buyMonthly();
    await handler.handle(fullyCancelled(extension, false));
    const membership = await app.memberships.findLatestByUserId(userId);
    expect(membership?.status).to.equal('active');
    expect(membership?.periodEnd.toISOString()).to.equal(afterFirst?.toISOString());
  });

  it('leaves a purchase the member\'s own cancel refunded to that cancel', async () => {
    await buyMonthly();
    const extension = await buyMonthly();
    const before = (await app.memberships.findLatestByUserId(userId))?.toProps();
    await handler.handle(fullyCancelled(extension, true));
    expect((await app.memberships.findLatestByUserId(userId))?.toProps()).to.deep.equal(before);
  });
});
