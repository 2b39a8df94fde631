import { expect } from 'chai';
import sinon from 'sinon';
import type { CancelMembership } from '../../../src/membership/application/cancel-membership.use-case';
import type { GetRefundQuote } from '../../../src/membership/application/get-refund-quote.use-case';
import type { EndMembershipOnMemberRefund } from '../../../src/membership/application/end-membership-on-member-refund.handler';
import { MEMBERSHIP } from '../../../src/membership/membership.tokens';
import type { RefundPayment } from '../../../src/payment/application/refund-payment.use-case';
import { GatewayRejectedError, GatewayUnavailableError } from '../../../src/payment/application/payment-gateway.port';
import { PaymentSettlement } from '../../../src/payment/application/payment-settlement.service';
import type { PaymentCancelledEvent } from '../../../src/payment/domain/payment.events';
import { PAYMENT } from '../../../src/payment/payment.tokens';
import { DatabaseUnavailableError } from '../../../src/shared/application/database.errors';
import type { Logger } from '../../../src/shared/application/logger.port';
import { silentLogger } from '../../../src/shared/infrastructure/logger';
import { UlidIdGenerator } from '../../../src/shared/infrastructure/ulid-id-generator';
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

  async function buy(autoRenew = false, planId = 'monthly') {
    const { payment } = await app.startCheckout.execute({ userId, planId, payMethod: 'card', autoRenew });
    const gatewayPaymentId = app.gateway.buyerPays({ merchantUid: payment.merchantUid, amount: payment.amount, customerUid: payment.customerUid });
    await app.confirmPayment.execute({ userId, merchantUid: payment.merchantUid, transactionId: gatewayPaymentId });
    return { merchantUid: payment.merchantUid, gatewayPaymentId };
  }

  const cancelCalls = () => app.gateway.calls.filter((c) => c.operation === 'cancel');

  it('quotes a full refund inside 7 days and pro rata after: the monthly plan without a fee (config/refund-policy.json)', async () => {
    await buy();
    expect(await quote.execute(userId)).to.deep.include({ refundable: 9900, rule: 'withdrawal_period', usedDays: 0, totalDays: 30, ruleName: '청약철회 기간 (결제 후 7일 이내)' });
    app.clock.advance(15 * DAY);
    const later = await quote.execute(userId);
    expect(later).to.deep.include({ refundable: 4950, rule: 'pro_rata_less_fee', usedDays: 15, totalDays: 30, ruleName: '이용일수 비례 환불' });
    expect(later.ruleReason).to.equal('청약철회 기간이 지나 남은 15일분 금액을 위약금 없이 환불합니다.');
  });

  it('quotes the annual plan pro rata less its own 10% fee after the window', async () => {
    await buy(false, 'annual');
    app.clock.advance(100 * DAY);
    const later = await quote.execute(userId);
    expect(later).to.deep.include({ refundable: 64689, rule: 'pro_rata_less_fee', usedDays: 100, totalDays: 365 });
    expect(later.ruleReason).to.equal('청약철회 기간이 지나 남은 265일분 금액에서 위약금 10%를 뺀 금액을 환불합니다.');
  });

  it('a renewal charge opens its own 7-day withdrawal window: refunded in full within 7 days of that charge, pro rata after', async () => {
    await buy(true);
    const firstEnd = (await app.memberships.findLatestByUserId(userId))?.periodEnd as Date;
    app.clock.freezeAt(new Date(firstEnd.getTime() + 60_000));
    expect(await app.renewals.execute()).to.include({ charged: 1 });
    const renewal = (await app.payments.listByUser(userId)).find((p) => p.merchantUid.startsWith('renewal-'));
    expect(renewal?.paidAt).to.be.instanceOf(Date);

    app.clock.advance(6 * DAY);
    const inside = await quote.execute(userId);
    expect(inside).to.deep.include({ refundable: 9900, rule: 'withdrawal_period', usedDays: 7 }); // a begun day counts as used; the window counts from the charge
    expect(inside.purchases.map((p) => p.merchantUid)).to.deep.equal([renewal?.merchantUid]);

    app.clock.advance(1 * DAY + 1000);
    expect(await quote.execute(userId)).to.deep.include({ rule: 'pro_rata_less_fee', usedDays: 8 });
  });

  it('refuses a quote or a cancel without a live membership', async () => {
    expect(await quote.execute(userId).catch((e) => e.code)).to.equal('no_active_membership');
    expect(await cancel.execute({ userId, refund: true, reason: null }).catch((e) => e.code)).to.equal('no_active_membership');
  });

  it('cancel with refund: the quoted amount goes back with the checksum, the membership ends now', async () => {
    const { merchantUid, gatewayPaymentId } = await buy();
    app.clock.advance(10 * DAY);
    const result = await cancel.execute({ userId, refund: true, reason: 'moving abroad' });
    expect(result.refund).to.deep.equal({ amount: 6600, status: 'refunded' });
    expect(result.membership.status).to.equal('cancelled');
    expect(cancelCalls().map((c) => c.args)).to.deep.equal([{ gatewayPaymentId, merchantUid, amount: 6600, checksum: 9900, reason: 'moving abroad' }]);
    const payment = await app.payments.findByMerchantUid(merchantUid);
    expect(payment?.cancelledAmount).to.equal(6600);
    expect(payment?.status).to.equal('paid');
  });

  it('cancel with refund when the policy owes nothing (the last day of the period): no refund asked, the membership ends now', async () => {
    const { merchantUid } = await buy();
    app.clock.advance(29.5 * DAY);
    const result = await cancel.execute({ userId, refund: true, reason: null });
    expect(result.refund).to.deep.equal({ amount: 0, status: 'refunded' });
    expect(result.membership.status).to.equal('cancelled');
    expect(cancelCalls()).to.deep.equal([]);
    expect((await app.payments.findByMerchantUid(merchantUid))?.cancellations).to.deep.equal([]);
  });

  it('cancel now without refund (the member deleting their account): ended at once, nothing asked of the gateway, the reason recorded', async () => {
    await buy(true);
    const result = await cancel.execute({ userId, refund: false, reason: null, endNow: true });
    expect([result.membership.status, result.refund]).to.deep.equal(['cancelled', null]);
    expect(cancelCalls()).to.deep.equal([]);
    const reasons = () => app.eventsOfType('MembershipCancelled').map((e) => (e.event.payload as { reason: string }).reason);
    expect(reasons()).to.deep.equal(['cancelled now without refund by the member']);
  });

  it('a purchase paid during a free trial is the member\'s to refund: quoted in full inside its 7 days, and refunded by a cancel with refund', async () => {
    app = memoryApp({}, (config) => ({ ...config, plans: config.plans.map((p) => (p.id === 'monthly' ? { ...p, trialDays: 14 } : p)) }));
    userId = (await app.newUser()).id;
    cancel = app.container.get(MEMBERSHIP.CancelMembership);
    quote = app.container.get(MEMBERSHIP.GetRefundQuote);
    app.gateway.buyerStoresCard((await app.startTrial.offer(userId, 'monthly')).customerUid);
    await app.startTrial.confirm(userId, 'monthly');
    app.clock.advance(2 * DAY);
    const { merchantUid } = await buy();
    const quoted = await quote.execute(userId);
    expect(quoted.purchases.map((p) => [p.merchantUid, p.refundable])).to.deep.equal([[merchantUid, 9900]]);
    const result = await cancel.execute({ userId, refund: true, reason: null });
    expect(result.refund).to.deep.equal({ amount: 9900, status: 'refunded' });
  });

  it('20 concurrent cancels with refund: one refund at the gateway', async () => {
    const { gatewayPaymentId } = await buy();
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => cancel.execute({ userId, refund: true, reason: null })));
    expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(1);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).to.satisfy((codes: string[]) => codes.every((c) => c === 'no_active_membership'));
    expect(cancelCalls()).to.have.length(1);
    expect(app.gateway.peek(gatewayPaymentId)?.cancelledAmount).to.equal(9900);
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
    const { merchantUid, gatewayPaymentId } = await buy();
    await refund.execute({ merchantUid, amount: 4000, reason: 'partial' });
    await refund.execute({ merchantUid, amount: 4000, reason: 'partial' });
    expect(await refund.execute({ merchantUid, amount: 4000, reason: 'too much' }).catch((e) => e.code)).to.equal('invalid_amount');
    expect((await app.memberships.findLiveByUserId(userId))?.status).to.equal('active');
    const last = await refund.execute({ merchantUid, amount: null, reason: 'the rest' });
    expect(last.refund).to.deep.equal({ amount: 1900, status: 'refunded' });
    expect(last.payment.status).to.equal('cancelled');
    expect(app.gateway.peek(gatewayPaymentId)?.cancelledAmount).to.equal(9900);
    expect(await app.memberships.findLiveByUserId(userId)).to.equal(null);
    expect(await refund.execute({ merchantUid, amount: null, reason: 'again' }).catch((e) => e.code)).to.equal('nothing_to_refund');
  });

  describe('refund outcomes (DESIGN §6)', () => {
    const refundsOf = async (merchantUid: string) => (await app.payments.findByMerchantUid(merchantUid))?.cancellations ?? [];
    /** A purchase, then `later` more 10 days on (`second` the first of them); the gateway makes the first refund asked and refuses the second. */
    async function secondRefundRefused(later = 1) {
      const first = await buy();
      app.clock.advance(10 * DAY);
      const second = await buy();
      for (let i = 1; i < later; i += 1) await buy();
      const cancelAtGateway = sinon.stub(app.gateway, 'cancel').callThrough();
      cancelAtGateway.onSecondCall().rejects(new GatewayRejectedError('정산된 거래', -1));
      return { first, second, cancelAtGateway };
    }

    it('refused by the gateway: 502 gateway_rejected, the membership unchanged, the refund kept as rejected with its message', async () => {
      const { merchantUid } = await buy(true);
      const before = (await app.memberships.findLiveByUserId(userId))?.toProps();
      app.gateway.scriptNext('cancel', 'rejected', '취소할 결제건이 존재하지 않습니다.');
      const error = await cancel.execute({ userId, refund: true, reason: null }).catch((e) => e);
      expect(error.code).to.equal('gateway_rejected');
      expect(error.kind).to.equal('gateway_rejected');
      expect(error.message).to.equal('취소할 결제건이 존재하지 않습니다.');
      expect(error.details).to.deep.include({ refunded_amount: 0 });
      const membership = await app.memberships.findLiveByUserId(userId);
      expect(membership?.toProps(), 'the membership is exactly as it was').to.deep.equal(before);
      const refunds = await refundsOf(merchantUid);
      expect(refunds.map((c) => ({ status: c.status, amount: c.amount, gatewayMessage: c.gatewayMessage })))
        .to.deep.equal([{ status: 'rejected', amount: 9900, gatewayMessage: '취소할 결제건이 존재하지 않습니다.' }]);
      expect((await app.payments.findByMerchantUid(merchantUid))?.status).to.equal('paid');
    });

    it('refused, then tried again: refunded and the membership ends', async () => {
      const { merchantUid, gatewayPaymentId } = await buy();
      app.gateway.scriptNext('cancel', 'rejected', 'temporarily refused');
      expect(await cancel.execute({ userId, refund: true, reason: null }).catch((e) => e.code)).to.equal('gateway_rejected');
      const retried = await cancel.execute({ userId, refund: true, reason: null });
      expect(retried.refund).to.deep.equal({ amount: 9900, status: 'refunded' });
      expect(retried.membership.status).to.equal('cancelled');
      expect(retried.membership.endedAt?.toISOString()).to.equal(app.clock.now().toISOString());
      expect((await refundsOf(merchantUid)).map((c) => c.status)).to.deep.equal(['rejected', 'refunded']);
      expect(app.gateway.peek(gatewayPaymentId)?.cancelledAmount).to.equal(9900);
    });

    it('gateway silent: pending, the membership cancelled now; the reconciler settles the refund to refunded', async () => {
      const { merchantUid, gatewayPaymentId } = await buy();
      app.gateway.scriptNext('cancel', 'unknown');
      const result = await cancel.execute({ userId, refund: true, reason: null });
      expect(result.refund).to.deep.equal({ amount: 9900, status: 'pending' });
      expect(result.membership.status).to.equal('cancelled');
      expect((await refundsOf(merchantUid)).map((c) => c.status)).to.deep.equal(['pending']);
      await app.reconcile.execute();
      expect((await refundsOf(merchantUid)).map((c) => c.status)).to.deep.equal(['refunded']);
      expect(app.gateway.peek(gatewayPaymentId)?.cancelledAmount).to.equal(9900);
      expect(app.notifier.sent.filter((n) => n.kind === 'refund_rejected')).to.deep.equal([]);
    });

    it('a pending refund that ends refused: rejected, listed for the operator, and one notice to the member however often it is delivered', async () => {
      const { merchantUid } = await buy();
      app.gateway.scriptNext('cancel', 'unknown');
      expect((await cancel.execute({ userId, refund: true, reason: null })).refund?.status).to.equal('pending');
      app.gateway.scriptNext('cancel', 'rejected', '이미 정산된 거래입니다.');
      await app.reconcile.execute();
      expect((await refundsOf(merchantUid)).map((c) => c.status)).to.deep.equal(['rejected']);
      expect((await app.payments.listRefunds('rejected', 10)).map((r) => r.merchantUid)).to.deep.equal([merchantUid]);
      const [rejected] = app.eventsOfType('PaymentRefundRejected');
      await app.container.get<{ handle: (e: unknown) => Promise<void> }>(Symbol.for('memberpay.billing.SendMemberNotices')).handle(rejected.event);
      const notices = app.notifier.sent.filter((n) => n.kind === 'refund_rejected');
      expect(notices).to.have.length(1);
      expect(notices[0].to).to.equal('buyer1@example.com');
      expect(notices[0].text).to.include('이미 정산된 거래입니다.');
    });

    it('a refused refund is logged at warn with the gateway\'s message', async () => {
      const { merchantUid } = await buy();
      const warnings: Array<{ fields: unknown; message: string }> = [];
      const logger = { ...silentLogger(), warn: (fields: unknown, message: string) => { warnings.push({ fields, message }); } } as unknown as Logger;
      const settlement = new PaymentSettlement(app.payments, app.gateway, app.uow, app.clock, new UlidIdGenerator(), logger);
      const requested = await settlement.change(merchantUid, (p) => { p.requestRefund({ id: 'rf_1', reason: 'test', requestedBy: 'admin', now: app.clock.now() }); });
      app.gateway.scriptNext('cancel', 'rejected', '취소할 결제건이 존재하지 않습니다.');
      await settlement.sendPendingRefunds(requested);
      expect(warnings.map((w) => w.message)).to.deep.equal(['refund refused by the gateway']);
      expect(warnings[0].fields).to.deep.include({ merchantUid, refund: 'rf_1', gatewayMessage: '취소할 결제건이 존재하지 않습니다.' });
    });

    it('a refusal answered at once sends no notice (the member saw it on the page)', async () => {
      await buy();
      app.gateway.scriptNext('cancel', 'rejected', 'no');
      await cancel.execute({ userId, refund: true, reason: null }).catch(() => undefined);
      expect(app.notifier.sent.filter((n) => n.kind === 'refund_rejected')).to.deep.equal([]);
    });

    it('an extended membership returns every purchase: each inside its own withdrawal window in full, a later unused period by the policy', async () => {
      const first = await buy();
      app.clock.advance(10 * DAY);
      const second = await buy();
      const quoted = await quote.execute(userId);
      // The first month: day 10 of 30, past its window (pro rata, no fee on the monthly plan); the second month: unused, inside its window.
      expect(quoted.purchases.map((p) => ({ merchantUid: p.merchantUid, refundable: p.refundable, rule: p.rule })))
        .to.deep.equal([
          { merchantUid: first.merchantUid, refundable: 6600, rule: 'pro_rata_less_fee' },
          { merchantUid: second.merchantUid, refundable: 9900, rule: 'withdrawal_period' },
        ]);
      expect(quoted.refundable).to.equal(16500);
      const result = await cancel.execute({ userId, refund: true, reason: null });
      expect(result.refund).to.deep.equal({ amount: 16500, status: 'refunded' });
      expect(app.gateway.peek(first.gatewayPaymentId)?.cancelledAmount).to.equal(6600);
      expect(app.gateway.peek(second.gatewayPaymentId)?.cancelledAmount).to.equal(9900);
    });
    it('an extended membership with the gateway silent: the first refund sent once, the rest recorded unanswered for the reconciler', async () => {
      const first = await buy();
      app.clock.advance(10 * DAY);
      const second = await buy();
      app.gateway.scriptNext('cancel', 'unknown');
      const result = await cancel.execute({ userId, refund: true, reason: null });
      expect(result.refund).to.deep.equal({ amount: 6600 + 9900, status: 'pending' });
      expect(result.membership.status).to.equal('cancelled');
      expect(cancelCalls().map((c) => (c.args as { merchantUid: string; reason: string })))
        .to.deep.equal([{ gatewayPaymentId: first.gatewayPaymentId, merchantUid: first.merchantUid, amount: 6600, checksum: 9900, reason: 'cancelled with refund by the member' }]);
      for (const { merchantUid } of [first, second]) {
        expect((await refundsOf(merchantUid)).map((c) => [c.status, c.unansweredAt !== null, c.requestedBy]), merchantUid).to.deep.equal([['pending', true, 'user']]);
      }
      expect((await refundsOf(second.merchantUid))[0].amount).to.equal(9900);
    });

    it('an extended membership with the gateway silent on the last day of its first month: the spent month is not recorded for later, only the unused one is pending', async () => {
      const first = await buy();
      app.clock.advance(29.5 * DAY);
      const second = await buy();
      app.gateway.scriptNext('cancel', 'unknown');
      const result = await cancel.execute({ userId, refund: true, reason: null });
      expect(result.refund).to.deep.equal({ amount: 9900, status: 'pending' });
      expect(await refundsOf(first.merchantUid)).to.deep.equal([]);
      expect((await refundsOf(second.merchantUid)).map((c) => [c.status, c.amount])).to.deep.equal([['pending', 9900]]);
    });

    it('an extended membership whose second refund is refused: 502 with each refund\'s outcome, the first kept refunded, the membership live', async () => {
      const { first, second } = await secondRefundRefused();
      const error = await cancel.execute({ userId, refund: true, reason: 'moving' }).catch((e) => e);
      expect(error.code).to.equal('gateway_rejected');
      expect(error.details).to.deep.equal({
        refunds: [
          { merchant_uid: first.merchantUid, amount: 6600, status: 'refunded', gateway_message: null },
          { merchant_uid: second.merchantUid, amount: 9900, status: 'rejected', gateway_message: '정산된 거래' },
        ],
        refunded_amount: 6600,
      });
      expect((await app.memberships.findLiveByUserId(userId))?.status).to.equal('active');
    });
    it('a refusal stops the cancel: the purchases after the refused one are not asked', async () => {
      const { cancelAtGateway } = await secondRefundRefused(2);
      expect(await cancel.execute({ userId, refund: true, reason: null }).catch((e) => e.code)).to.equal('gateway_rejected');
      expect(cancelAtGateway.callCount).to.equal(2);
    });

    it('refused on the second purchase, then tried again: the first, already refunded by the member, is not asked again; only the second is', async () => {
      const { first, second } = await secondRefundRefused();
      expect(await cancel.execute({ userId, refund: true, reason: null }).catch((e) => e.code)).to.equal('gateway_rejected');
      const result = await cancel.execute({ userId, refund: true, reason: null });
      expect(result.membership.status).to.equal('cancelled');
      expect(result.refund).to.deep.equal({ amount: 9900, status: 'refunded' });
      // The first month was used for 10 days: its pro rata 6600 is all the member gets back of it.
      expect(app.gateway.peek(first.gatewayPaymentId)?.cancelledAmount).to.equal(6600);
      expect(app.gateway.peek(second.gatewayPaymentId)?.cancelledAmount).to.equal(9900);
      expect((await refundsOf(first.merchantUid)).map((c) => [c.status, c.amount])).to.deep.equal([['refunded', 6600]]);
      expect((await refundsOf(second.merchantUid)).map((c) => [c.status, c.amount])).to.deep.equal([['rejected', 9900], ['refunded', 9900]]);
    });

    it('refused on the second purchase: the quote then says what the retry pays, the first quoted 0 as already refunded by that cancel', async () => {
      const { first, second } = await secondRefundRefused();
      expect(await cancel.execute({ userId, refund: true, reason: null }).catch((e) => e.code)).to.equal('gateway_rejected');
      const quoted = await quote.execute(userId, 'en');
      expect(quoted.purchases.map((p) => ({ merchantUid: p.merchantUid, refundable: p.refundable, rule: p.rule, ruleName: p.ruleName })))
        .to.deep.equal([
          { merchantUid: first.merchantUid, refundable: 0, rule: 'refunded_by_earlier_cancel', ruleName: 'Already refunded' },
          { merchantUid: second.merchantUid, refundable: 9900, rule: 'withdrawal_period', ruleName: 'Withdrawal period (within 7 days of payment)' },
        ]);
      expect(quoted.purchases[0].ruleReason).to.equal('Your earlier cancel already refunded this payment as far as the refund policy allows: nothing more is refunded of it.');
      const inKorean = await quote.execute(userId, 'ko');
      expect(inKorean.purchases[0]).to.deep.include({ ruleName: '환불 완료', ruleReason: '앞선 해지에서 이 결제는 환불 기준에 따라 이미 환불되어 더 환불할 금액이 없습니다.' });
      const retry = await cancel.execute({ userId, refund: true, reason: null });
      expect(retry.refund?.amount).to.equal(quoted.refundable);
    });

    describe('another instance ends the membership while the refunds are asked', () => {
      /** The gateway's answer arrives after another instance's cancel ended the membership. */
      function endedElsewhereDuringCancel(then: 'answers' | 'is silent') {
        const cancelAtGateway = sinon.stub(app.gateway, 'cancel');
        cancelAtGateway.callsFake(async (request) => {
          const answer = await cancelAtGateway.wrappedMethod.call(app.gateway, request);
          await app.uow.run(async () => {
            const live = await app.memberships.findLiveByUserId(userId);
            live?.cancel('now', 'elsewhere', app.clock.now());
            if (live) await app.memberships.save(live);
          });
          if (then === 'is silent') throw new GatewayUnavailableError('timeout');
          return answer;
        });
      }

      it('that ended membership is the answer, and the refund counts', async () => {
        await buy();
        endedElsewhereDuringCancel('answers');
        const result = await cancel.execute({ userId, refund: true, reason: null });
        expect(result.membership.status).to.equal('cancelled');
        expect(result.refund).to.deep.equal({ amount: 9900, status: 'refunded' });
      });

      it('with the gateway silent, nothing more is recorded and the refund is pending', async () => {
        await buy();
        app.clock.advance(10 * DAY);
        const second = await buy();
        endedElsewhereDuringCancel('is silent');
        const result = await cancel.execute({ userId, refund: true, reason: null });
        expect(result.refund).to.deep.equal({ amount: 6600, status: 'pending' });
        expect(await refundsOf(second.merchantUid)).to.deep.equal([]);
      });

      it('with the gateway silent and the database down as the ended membership is read back: pending with the one refund sent, nothing more counted', async () => {
        await buy();
        app.clock.advance(10 * DAY);
        const second = await buy();
        endedElsewhereDuringCancel('is silent');
        sinon.stub(app.memberships, 'findLatestByUserId').rejects(new DatabaseUnavailableError('pool full'));
        const result = await cancel.execute({ userId, refund: true, reason: null });
        sinon.restore();
        expect(result.refund).to.deep.equal({ amount: 6600, status: 'pending' });
        expect(await refundsOf(second.merchantUid)).to.deep.equal([]);
      });
    });

    it('the database unavailable before any refund is sent: the cancel fails with it (503, nothing stored), the gateway asked nothing', async () => {
      const { merchantUid } = await buy(true);
      const before = (await app.memberships.findLiveByUserId(userId))?.toProps();
      sinon.stub(app.payments, 'save').rejects(new DatabaseUnavailableError('pool full'));
      const error = await cancel.execute({ userId, refund: true, reason: null }).catch((e) => e);
      sinon.restore();
      expect(error).to.be.instanceOf(DatabaseUnavailableError);
      expect(error.code).to.equal('database_unavailable');
      expect(cancelCalls()).to.deep.equal([]);
      expect(await refundsOf(merchantUid)).to.deep.equal([]);
      expect((await app.memberships.findLiveByUserId(userId))?.toProps(), 'the membership is exactly as it was').to.deep.equal(before);
    });

    describe('the database unavailable once the gateway refunded (202 pending, the membership live)', () => {
      /** The gateway refunds; then the database refuses every payment write until `recovered`. */
      function databaseDownAfterTheGatewayRefunds() {
        const down = { now: false };
        const cancelAtGateway = sinon.stub(app.gateway, 'cancel');
        cancelAtGateway.callsFake(async (request) => {
          const answer = await cancelAtGateway.wrappedMethod.call(app.gateway, request);
          down.now = true;
          return answer;
        });
        const save = app.payments.save.bind(app.payments);
        sinon.stub(app.payments, 'save').callsFake(async (payment) => {
          if (down.now) throw new DatabaseUnavailableError('pool full');
          return save(payment);
        });
        return { recovered: () => sinon.restore() };
      }
      const chargesAtGateway = () => app.gateway.calls.filter((c) => c.operation === 'chargeBillingKey');

      it('once the reconciler settles the refund as refunded, the membership ends as the cancel would have, and no renewal charges', async () => {
        const { merchantUid } = await buy(true);
        app.clock.advance(10 * DAY);
        const periodEnd = (await app.memberships.findLiveByUserId(userId))?.periodEnd as Date;
        const { recovered } = databaseDownAfterTheGatewayRefunds();
        const result = await cancel.execute({ userId, refund: true, reason: 'moving abroad' });
        recovered();
        expect(result.refund).to.deep.equal({ amount: 6600, status: 'pending' });
        expect((await app.memberships.findLiveByUserId(userId))?.autoRenew, 'live, renewing, as the cancel left it').to.equal(true);

        await app.reconcile.execute();
        expect((await refundsOf(merchantUid)).map((c) => [c.status, c.amount, c.requestedBy])).to.deep.equal([['refunded', 6600, 'user']]);
        const ended = (await app.memberships.findLatestByUserId(userId))?.toProps();
        expect(ended).to.include({ status: 'cancelled', autoRenew: false, billingKey: null, nextChargeAt: null });
        expect(ended?.endedAt?.toISOString()).to.equal(app.clock.now().toISOString());
        const cancelled = app.eventsOfType('MembershipCancelled');
        expect(cancelled.map((e) => (e.event.payload as { reason: string }).reason)).to.deep.equal(['moving abroad']);
        expect(app.gateway.calls.filter((c) => c.operation === 'deleteBillingKey'), 'the card released as on the normal path').to.have.length(1);

        app.clock.freezeAt(periodEnd);
        await app.renewals.execute();
        expect(chargesAtGateway(), 'nothing charged at the renewal').to.deep.equal([]);
      });

      it('ends it once however often the settled refund is delivered, and with a retried cancel at the same time', async () => {
        await buy(true);
        const { recovered } = databaseDownAfterTheGatewayRefunds();
        await cancel.execute({ userId, refund: true, reason: null });
        recovered();
        await app.reconcile.execute();
        const settled = app.eventsOfType('PaymentCancelled').map((e) => e.event as unknown as PaymentCancelledEvent);
        expect(settled).to.have.length(1);
        const handler = app.container.get<EndMembershipOnMemberRefund>(MEMBERSHIP.EndMembershipOnMemberRefund);
        const retried = await Promise.all([handler.handle(settled[0]), handler.handle(settled[0]), cancel.execute({ userId, refund: true, reason: null }).catch((e) => e.code)]);
        expect(retried[2], 'the retry finds it ended').to.equal('no_active_membership');
        expect(app.eventsOfType('MembershipCancelled')).to.have.length(1);
        expect(cancelCalls(), 'one refund at the gateway').to.have.length(1);
      });

      it('a retry while the first refund is pending sends nothing; once it settles, the retry asks only the purchase not yet refunded', async () => {
        const first = await buy();
        app.clock.advance(10 * DAY);
        const second = await buy();
        const { recovered } = databaseDownAfterTheGatewayRefunds();
        expect((await cancel.execute({ userId, refund: true, reason: null })).refund).to.deep.equal({ amount: 6600, status: 'pending' });
        recovered();
        expect(await cancel.execute({ userId, refund: true, reason: null }).catch((e) => e.code)).to.equal('refund_in_progress');
        expect(cancelCalls(), 'nothing sent again while pending').to.have.length(1);

        await app.reconcile.execute();
        expect((await app.memberships.findLiveByUserId(userId))?.status, 'the second purchase is still to ask').to.equal('active');
        const result = await cancel.execute({ userId, refund: true, reason: null });
        expect(result.membership.status).to.equal('cancelled');
        expect(result.refund).to.deep.equal({ amount: 9900, status: 'refunded' });
        expect(app.gateway.peek(first.gatewayPaymentId)?.cancelledAmount).to.equal(6600);
        expect(app.gateway.peek(second.gatewayPaymentId)?.cancelledAmount).to.equal(9900);
        expect(cancelCalls()).to.have.length(2);
      });

      it('an extended membership, the database down once the gateway refunded the second purchase: pending with both, the first refunded and the second in flight', async () => {
        const first = await buy();
        app.clock.advance(10 * DAY);
        const second = await buy();
        const save = app.payments.save.bind(app.payments);
        let secondSent = false;
        const cancelAtGateway = sinon.stub(app.gateway, 'cancel');
        cancelAtGateway.callsFake(async (request) => {
          const answer = await cancelAtGateway.wrappedMethod.call(app.gateway, request);
          if (request.merchantUid === second.merchantUid) secondSent = true;
          return answer;
        });
        sinon.stub(app.payments, 'save').callsFake(async (payment) => {
          if (secondSent) throw new DatabaseUnavailableError('pool full');
          return save(payment);
        });
        const result = await cancel.execute({ userId, refund: true, reason: null });
        sinon.restore();
        expect(result.refund).to.deep.equal({ amount: 6600 + 9900, status: 'pending' });
        expect(result.membership.status).to.equal('active');
        expect(app.gateway.peek(first.gatewayPaymentId)?.cancelledAmount).to.equal(6600);
        expect(app.gateway.peek(second.gatewayPaymentId)?.cancelledAmount).to.equal(9900);
        expect((await refundsOf(first.merchantUid)).map((c) => [c.status, c.amount])).to.deep.equal([['refunded', 6600]]);
        expect((await refundsOf(second.merchantUid)).map((c) => [c.status, c.amount])).to.deep.equal([['pending', 9900]]);
      });

      it('an extended membership, the first refunded and the database down when the second is to be recorded: pending with the first alone, the second never sent', async () => {
        const first = await buy();
        app.clock.advance(10 * DAY);
        const second = await buy();
        const save = app.payments.save.bind(app.payments);
        sinon.stub(app.payments, 'save').callsFake(async (payment) => {
          if (payment.merchantUid === second.merchantUid && payment.pendingRefundAmount > 0) throw new DatabaseUnavailableError('pool full');
          return save(payment);
        });
        const result = await cancel.execute({ userId, refund: true, reason: null });
        sinon.restore();
        expect(result.refund).to.deep.equal({ amount: 6600, status: 'pending' });
        expect(result.membership.status).to.equal('active');
        expect(cancelCalls().map((c) => (c.args as { merchantUid: string }).merchantUid)).to.deep.equal([first.merchantUid]);
        expect(await refundsOf(second.merchantUid)).to.deep.equal([]);
        expect((await app.memberships.findLiveByUserId(userId))?.status, 'the second purchase is still to ask').to.equal('active');
      });

      it('the gateway silent, the rest recorded for later, then the database down as the membership is to end: pending with every refund recorded, the membership live', async () => {
        const first = await buy();
        app.clock.advance(10 * DAY);
        const second = await buy();
        app.gateway.scriptNext('cancel', 'unknown');
        sinon.stub(app.memberships, 'save').rejects(new DatabaseUnavailableError('pool full'));
        const result = await cancel.execute({ userId, refund: true, reason: null });
        sinon.restore();
        expect(result.refund).to.deep.equal({ amount: 6600 + 9900, status: 'pending' });
        expect(result.membership.status).to.equal('active');
        expect(cancelCalls()).to.have.length(1);
        expect((await refundsOf(first.merchantUid)).map((c) => [c.status, c.amount])).to.deep.equal([['pending', 6600]]);
        expect((await refundsOf(second.merchantUid)).map((c) => [c.status, c.amount])).to.deep.equal([['pending', 9900]]);
      });

      it('a refund that settles refused leaves the membership live', async () => {
        const { merchantUid } = await buy(true);
        // The gateway refuses; the database is down before that answer is recorded.
        const save = app.payments.save.bind(app.payments);
        let sent = false;
        sinon.stub(app.gateway, 'cancel').callsFake(async () => {
          sent = true;
          throw new GatewayRejectedError('정산된 거래', -1);
        });
        sinon.stub(app.payments, 'save').callsFake(async (payment) => {
          if (sent) throw new DatabaseUnavailableError('pool full');
          return save(payment);
        });
        const result = await cancel.execute({ userId, refund: true, reason: null });
        sinon.restore();
        expect(result.refund).to.deep.equal({ amount: 9900, status: 'pending' });
        app.gateway.scriptNext('cancel', 'rejected', '정산된 거래');
        await app.reconcile.execute();
        expect((await refundsOf(merchantUid)).map((c) => c.status)).to.deep.equal(['rejected']);
        expect((await app.memberships.findLiveByUserId(userId))?.toProps()).to.include({ status: 'active', autoRenew: true });
      });
    });

    it('a cancel without refund needs a live membership: an ended one is not the answer', async () => {
      await buy();
      await cancel.execute({ userId, refund: true, reason: null });
      expect(await cancel.execute({ userId, refund: false, reason: null }).catch((e) => e.code)).to.equal('no_active_membership');
    });
  });
});
