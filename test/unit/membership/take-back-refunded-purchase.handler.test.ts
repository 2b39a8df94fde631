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
import { rejection } from '../../support/rejection';
import { TrialAlreadyUsedError } from '../../../src/membership/domain/membership.errors';

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

  it('an extension on another plan refunded by an operator: renewals go back to the plan and price of the purchase left, never the refunded plan\'s', async () => {
    const { payment: first } = await app.startCheckout.execute({ userId, planId: 'monthly', payMethod: 'card', autoRenew: true });
    await app.confirmPayment.execute({ userId, merchantUid: first.merchantUid, transactionId: app.gateway.buyerPays({ merchantUid: first.merchantUid, amount: first.amount, customerUid: first.customerUid }) });
    const monthlyEnd = (await app.memberships.findLiveByUserId(userId))?.periodEnd as Date;
    app.clock.advance(3 * 24 * 60 * 60 * 1000);
    const { payment: annual } = await app.startCheckout.execute({ userId, planId: 'annual', payMethod: 'card', autoRenew: true });
    await app.confirmPayment.execute({ userId, merchantUid: annual.merchantUid, transactionId: app.gateway.buyerPays({ merchantUid: annual.merchantUid, amount: annual.amount, customerUid: annual.customerUid }) });
    expect((await app.memberships.findLiveByUserId(userId))?.planId).to.equal('annual');

    await app.container.get<RefundPayment>(PAYMENT.RefundPayment).execute({ merchantUid: annual.merchantUid, amount: null, reason: 'goodwill' });
    const membership = await app.memberships.findLiveByUserId(userId);
    expect(membership?.toProps()).to.include({ planId: 'monthly', consentedAmount: 9900, autoRenew: true });
    expect(membership?.periodEnd.toISOString()).to.equal(monthlyEnd.toISOString());

    app.clock.freezeAt(monthlyEnd);
    await app.renewals.execute();
    const charged = app.gateway.calls.filter((c) => c.operation === 'chargeBillingKey').map((c) => (c.args as { amount: number }).amount);
    expect(charged, 'the monthly price, not the refunded annual one').to.deep.equal([9900]);
    expect((await app.memberships.findLiveByUserId(userId))?.planId).to.equal('monthly');
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

    it('an extension on the annual plan refunded before the trial ends: the monthly trial again, its end asking consent to the monthly price only', async () => {
      app = memoryApp({}, withTrial);
      userId = (await app.newUser()).id;
      app.gateway.buyerStoresCard((await app.startTrial.offer(userId, 'monthly')).customerUid);
      const trial = await app.startTrial.confirm(userId, 'monthly');
      await app.renewals.execute();
      app.clock.advance(2 * DAY);
      const { payment: annual } = await app.startCheckout.execute({ userId, planId: 'annual', payMethod: 'card', autoRenew: false });
      await app.confirmPayment.execute({ userId, merchantUid: annual.merchantUid, transactionId: app.gateway.buyerPays({ merchantUid: annual.merchantUid, amount: annual.amount, customerUid: annual.customerUid }) });
      await app.container.get<RefundPayment>(PAYMENT.RefundPayment).execute({ merchantUid: annual.merchantUid, amount: null, reason: 'goodwill' });

      const membership = await app.memberships.findLiveByUserId(userId);
      expect(membership?.toProps()).to.include({ planId: 'monthly', consentedAmount: 0, periodNo: 0 });
      await app.renewals.execute();
      const requests = await app.consents.listByUser(userId);
      expect(requests.map((r) => [r.toProps().planId, r.newAmount, r.status])).to.deep.equal([['monthly', 9900, 'pending']]);
      await app.answerConsent.execute(userId, requests[0].id, true);
      app.clock.freezeAt(trial.periodEnd);
      await app.renewals.execute();
      expect(charges()).to.deep.equal([9900]);
    });

    it('a monthly trial extended on the annual plan is still the member\'s monthly trial: a second one is refused once it ends', async () => {
      app = memoryApp({}, withTrial);
      userId = (await app.newUser()).id;
      app.gateway.buyerStoresCard((await app.startTrial.offer(userId, 'monthly')).customerUid);
      await app.startTrial.confirm(userId, 'monthly');
      app.clock.advance(2 * DAY);
      const { payment: annual } = await app.startCheckout.execute({ userId, planId: 'annual', payMethod: 'card', autoRenew: false });
      await app.confirmPayment.execute({ userId, merchantUid: annual.merchantUid, transactionId: app.gateway.buyerPays({ merchantUid: annual.merchantUid, amount: annual.amount, customerUid: annual.customerUid }) });
      const live = await app.memberships.findLiveByUserId(userId);
      await app.uow.run(async () => {
        live?.cancel('now', 'no longer wanted', app.clock.now());
        await app.memberships.save(live as NonNullable<typeof live>);
      });
      expect(await app.memberships.hasHadTrial(userId, 'monthly')).to.equal(true);
      expect(await rejection(app.startTrial.offer(userId, 'monthly'))).to.be.instanceOf(TrialAlreadyUsedError);
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
