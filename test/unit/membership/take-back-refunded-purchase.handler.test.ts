import { expect } from 'chai';
import type { TakeBackRefundedPurchase } from '../../../src/membership/application/take-back-refunded-purchase.handler';
import { MEMBERSHIP } from '../../../src/membership/membership.tokens';
import type { AppConfig } from '../../../src/config';
import type { Plan } from '../../../src/pricing/pricing.api';
import type { RefundPayment } from '../../../src/payment/application/refund-payment.use-case';
import { PAYMENT } from '../../../src/payment/payment.tokens';
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

  describe('of a member on a free trial who paid for an extension', () => {
    const withTrial = (config: AppConfig): AppConfig => ({ ...config, plans: config.plans.map((p) => (p.id === 'monthly' ? { ...p, trialDays: 14 } : p)) });
    const DAY = 24 * 60 * 60 * 1000;
    const monthly = () => app.config.plans.find((p) => p.id === 'monthly') as Plan;
    const charges = () => app.gateway.calls.filter((c) => c.operation === 'chargeBillingKey').map((c) => (c.args as { amount: number }).amount);

    /** A trial, its consent request opened, then an extension bought; `accept` answers the request first. */
    async function extendedTrial(accept: boolean) {
      app = memoryApp({}, withTrial);
      userId = (await app.newUser()).id;
      app.gateway.buyerStoresCard((await app.startTrial.offer(userId, 'monthly')).customerUid);
      const trial = await app.startTrial.confirm(userId, 'monthly');
      await app.renewals.execute();
      const [request] = await app.consents.listByUser(userId);
      expect(request.toProps()).to.include({ periodNo: 1, newAmount: 9900, status: 'pending' });
      if (accept) await app.answerConsent.execute(userId, request.id, true);
      app.clock.advance(2 * DAY);
      const extension = await buyMonthly();
      expect((await app.memberships.findLiveByUserId(userId))?.inTrial, 'paid for now').to.equal(false);
      app.clock.advance(DAY);
      const refunded = await app.container.get<RefundPayment>(PAYMENT.RefundPayment).execute({ merchantUid: extension.merchantUid, amount: null, reason: 'goodwill' });
      expect(refunded.refund.status).to.equal('refunded');
      return trial;
    }

    it('refunded in full by an operator before the trial ends: a trial again, charged at its end with the consent the member gave before', async () => {
      const trial = await extendedTrial(true);
      const membership = await app.memberships.findLiveByUserId(userId);
      expect(membership?.inTrial).to.equal(true);
      expect(membership?.periodEnd.toISOString()).to.equal(trial.periodEnd.toISOString());
      expect(membership?.chargeCeiling(monthly()), 'the acceptance stands').to.equal(9900);

      app.clock.freezeAt(trial.periodEnd);
      await app.renewals.execute();
      expect(charges()).to.deep.equal([9900]);
      expect((await app.memberships.findLiveByUserId(userId))?.periodNo).to.equal(1);
    });

    it('refunded in full by an operator before the trial ends, without a consent: the trial runs to its end and nothing is charged', async () => {
      const trial = await extendedTrial(false);
      const membership = await app.memberships.findLiveByUserId(userId);
      expect(membership?.inTrial).to.equal(true);
      expect(membership?.chargeCeiling(monthly()), 'what the refunded payment paid is no consent').to.equal(0);

      app.clock.freezeAt(new Date(trial.periodEnd.getTime() - DAY / 2));
      await app.renewals.execute();
      expect((await app.memberships.findLiveByUserId(userId))?.grantsAccess(app.clock.now()), 'the trial\'s days are the member\'s').to.equal(true);
      app.clock.freezeAt(new Date(trial.periodEnd.getTime() + 1));
      await app.renewals.execute();
      await app.renewals.execute();
      expect(charges()).to.deep.equal([]);
      expect((await app.memberships.findLatestByUserId(userId))?.isLive).to.equal(false);
    });
  });
});
