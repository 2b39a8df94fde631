import { expect } from 'chai';
import fc from 'fast-check';
import { Payment, classifyGatewayFailure } from '../../../src/payment/domain/payment.entity';
import { RefundInProgressError } from '../../../src/payment/domain/payment.errors';
import { aGatewayPayment } from '../../support/builders/gateway-payment.builder';
import { aPayment } from '../../support/builders/payment.builder';

const NOW = new Date('2026-11-25T09:00:00.000Z');
const later = (ms: number) => new Date(NOW.getTime() + ms);

function newPayment(amount = 9900): Payment {
  return Payment.create({
    id: 'p1', merchantUid: 'mp_order', userId: 'u1', purpose: { kind: 'purchase', planId: 'monthly' },
    amount, payMethod: 'card', gateway: 'iamport', pg: 'html5_inicis', now: NOW,
  });
}

function paidPayment(amount = 9900): Payment {
  const payment = newPayment(amount);
  payment.applyGatewayTruth(aGatewayPayment({ amount }), NOW, 'r1');
  payment.pullEvents();
  return payment;
}

describe('Payment', () => {
  describe('creation', () => {
    it('starts in await with the catalog amount', () => {
      const payment = newPayment();
      expect(payment.status).to.equal('await');
      expect(payment.amount).to.equal(9900);
      expect(payment.cancelledAmount).to.equal(0);
    });

    for (const amount of [0, -100, 99.5, Number.NaN, 2 ** 60]) {
      it(`refuses an amount of ${amount}`, () => {
        expect(() => newPayment(amount)).to.throw('positive whole number');
      });
    }

    it('records PaymentPrepared once', () => {
      const payment = newPayment();
      payment.markPrepared(NOW);
      payment.markPrepared(later(1));
      expect(payment.pullEvents().map((e) => e.type)).to.deep.equal(['PaymentPrepared']);
      expect(payment.pullEvents()).to.deep.equal([]);
    });

    it('records PaymentPrepared with the order and its amount', () => {
      const payment = newPayment();
      payment.markPrepared(NOW);
      expect(payment.pullEvents().map((e) => e.payload)).to.deep.equal([{ paymentId: 'p1', merchantUid: 'mp_order', amount: 9900 }]);
    });

    it('remembers when it was created, and moves its version on by one at each save', () => {
      const payment = newPayment();
      expect([payment.createdAt.toISOString(), payment.version]).to.deep.equal([NOW.toISOString(), 0]);
      payment.markSaved();
      payment.markSaved();
      expect(payment.version).to.equal(2);
    });
  });

  describe('the gateway\'s truth', () => {
    it('await -> paid when the gateway holds the same order and amount as paid', () => {
      const payment = newPayment();
      expect(payment.applyGatewayTruth(aGatewayPayment(), NOW, 'r1')).to.equal('paid');
      expect(payment.status).to.equal('paid');
      expect(payment.gatewayPaymentId).to.equal('imp_000000000001');
      expect(payment.paidAt?.toISOString()).to.equal('2026-11-25T09:00:00.000Z');
      expect(payment.pullEvents().map((e) => e.type)).to.deep.equal(['PaymentPaid']);
    });

    it('replaying the same answer is a no-op, not an error', () => {
      const payment = paidPayment();
      expect(payment.applyGatewayTruth(aGatewayPayment(), later(1000), 'r2')).to.equal('paid');
      expect(payment.pullEvents()).to.deep.equal([]);
    });

    it('refuses another order\'s payment and changes nothing', () => {
      const payment = newPayment();
      expect(() => payment.applyGatewayTruth(aGatewayPayment({ merchantUid: 'mp_other' }), NOW, 'r1')).to.throw('another order');
      expect(payment.status).to.equal('await');
      expect(payment.pullEvents()).to.deep.equal([]);
    });

    it('a charge of another amount fails the payment with amount_mismatch and owes the charge back', () => {
      const payment = newPayment();
      expect(payment.applyGatewayTruth(aGatewayPayment({ amount: 100 }), NOW, 'refund1')).to.equal('failed');
      expect(payment.status).to.equal('failed');
      expect(payment.failure?.code).to.equal('amount_mismatch');
      expect(payment.pendingCancellations).to.have.length(1);
      expect(payment.pendingCancellations[0]).to.include({ id: 'refund1', kind: 'mismatch_return', gatewayPaymentId: 'imp_000000000001', amount: 100, checksum: 100, reason: 'amount_mismatch', requestedBy: 'system' });
    });

    it('await -> failed with the gateway\'s reason classified', () => {
      const payment = newPayment();
      expect(payment.applyGatewayTruth(aGatewayPayment({ status: 'failed', paidAt: null, failReason: '사용자가 결제를 취소하였습니다' }), NOW, 'r')).to.equal('failed');
      expect(payment.failure?.code).to.equal('user_cancelled');
    });

    it('records PaymentPaid with the buyer, the purpose, the stored card and the gateway\'s paid time', () => {
      const payment = Payment.create({
        id: 'p1', merchantUid: 'mp_order', userId: 'u1', purpose: { kind: 'renewal', planId: 'monthly', membershipId: 'm1', periodNo: 2 },
        amount: 9900, payMethod: 'card', gateway: 'iamport', pg: 'html5_inicis', customerUid: 'cu_1', now: NOW,
      });
      payment.applyGatewayTruth(aGatewayPayment({ paidAt: later(-5000) }), NOW, 'r');
      expect(payment.pullEvents().map((e) => e.payload)).to.deep.equal([{
        paymentId: 'p1', merchantUid: 'mp_order', userId: 'u1', amount: 9900,
        purpose: { kind: 'renewal', planId: 'monthly', membershipId: 'm1', periodNo: 2 }, customerUid: 'cu_1', paidAt: later(-5000).toISOString(),
      }]);
    });

    it('failed -> paid only from the gateway\'s own answer', () => {
      const payment = newPayment();
      payment.fail('window_closed', 'closed', NOW);
      expect(payment.applyGatewayTruth(aGatewayPayment(), later(1), 'r')).to.equal('paid');
      expect(payment.status).to.equal('paid');
      expect(payment.failure).to.equal(null);
    });

    it('a ready payment stays await', () => {
      const payment = newPayment();
      expect(payment.applyGatewayTruth(aGatewayPayment({ status: 'ready', paidAt: null }), NOW, 'r')).to.equal('pending');
      expect(payment.status).to.equal('await');
    });

    it('a stale failed answer never moves a paid payment back', () => {
      const payment = paidPayment();
      expect(payment.applyGatewayTruth(aGatewayPayment({ gatewayPaymentId: 'imp_old', status: 'failed', paidAt: null }), later(1), 'r')).to.equal('paid');
      expect(payment.status).to.equal('paid');
    });

    it('a partial cancel seen at the gateway (status cancelled) keeps the payment paid with cancelledAmount', () => {
      const payment = newPayment();
      payment.applyGatewayTruth(aGatewayPayment({ status: 'cancelled', cancelledAmount: 1000 }), NOW, 'r');
      expect(payment.status).to.equal('paid');
      expect(payment.cancelledAmount).to.equal(1000);
    });
  });

  describe('failure', () => {
    it('await -> failed; failing again is a no-op', () => {
      const payment = newPayment();
      payment.fail('window_closed', 'closed', NOW);
      payment.fail('expired', 'late', later(1));
      expect(payment.failure).to.deep.equal({ code: 'window_closed', message: 'closed' });
      expect(payment.pullEvents().map((e) => e.type)).to.deep.equal(['PaymentFailed']);
    });

    it('refuses to fail a paid payment, naming the transition', () => {
      expect(() => paidPayment().fail('window_closed', 'x', NOW)).to.throw('payment in status paid cannot fail');
    });

    it('classifies gateway reasons', () => {
      expect(classifyGatewayFailure('사용자가 결제를 취소하였습니다')).to.equal('user_cancelled');
      expect(classifyGatewayFailure('[카드사] 거절된 카드입니다')).to.equal('card_declined');
      expect(classifyGatewayFailure('한도초과')).to.equal('card_declined');
      expect(classifyGatewayFailure('잔액부족')).to.equal('card_declined');
      expect(classifyGatewayFailure('PG 시스템 오류')).to.equal('gateway_failed');
      expect(classifyGatewayFailure(null)).to.equal('gateway_failed');
    });
  });

  describe('refunds', () => {
    it('asks for a partial refund with the checksum of the balance, and settles it from the gateway', () => {
      const payment = paidPayment();
      const refund = payment.requestRefund({ id: 'c1', amount: 3000, reason: 'partial', requestedBy: 'admin', now: NOW });
      expect(refund).to.include({ amount: 3000, checksum: 9900, status: 'pending' });
      expect(payment.refundable).to.equal(6900);
      payment.settleRefunds(aGatewayPayment({ status: 'cancelled', cancelledAmount: 3000 }), later(1));
      expect(payment.cancelledAmount).to.equal(3000);
      expect(payment.status).to.equal('paid');
      expect(payment.pendingCancellations).to.deep.equal([]);
      const next = payment.requestRefund({ id: 'c2', reason: 'rest', requestedBy: 'user', now: later(2) });
      expect(next).to.include({ amount: 6900, checksum: 6900 });
      payment.settleRefunds(aGatewayPayment({ status: 'cancelled', cancelledAmount: 9900 }), later(3));
      expect(payment.status).to.equal('cancelled');
      expect(payment.pullEvents().map((e) => e.type)).to.deep.equal(['PaymentCancelled', 'PaymentCancelled']);
    });

    it('knows whether the member\'s own cancel refunded it in full, or an operator or the gateway console did', () => {
      const byMember = paidPayment();
      byMember.requestRefund({ id: 'c1', reason: 'cancel', requestedBy: 'user', now: NOW });
      expect(byMember.refundedInFullByMember, 'pending is not refunded').to.equal(false);
      byMember.settleRefunds(aGatewayPayment({ status: 'cancelled', cancelledAmount: 9900 }), later(1));
      expect(byMember.refundedInFullByMember).to.equal(true);

      const afterGoodwill = paidPayment();
      afterGoodwill.requestRefund({ id: 'c1', amount: 1000, reason: 'goodwill', requestedBy: 'admin', now: NOW });
      afterGoodwill.settleRefunds(aGatewayPayment({ status: 'cancelled', cancelledAmount: 1000 }), later(1));
      afterGoodwill.requestRefund({ id: 'c2', reason: 'cancel', requestedBy: 'user', now: later(2) });
      afterGoodwill.settleRefunds(aGatewayPayment({ status: 'cancelled', cancelledAmount: 9900 }), later(3));
      expect(afterGoodwill.refundedInFullByMember, 'the member\'s cancel completed it').to.equal(true);

      const byOperator = paidPayment();
      byOperator.requestRefund({ id: 'c1', reason: 'goodwill', requestedBy: 'admin', now: NOW });
      byOperator.settleRefunds(aGatewayPayment({ status: 'cancelled', cancelledAmount: 9900 }), later(1));
      expect(byOperator.refundedInFullByMember).to.equal(false);

      const atTheConsole = paidPayment();
      atTheConsole.requestRefund({ id: 'c1', amount: 1000, reason: 'part', requestedBy: 'user', now: NOW });
      atTheConsole.settleRefunds(aGatewayPayment({ status: 'cancelled', cancelledAmount: 9900 }), later(1));
      expect(atTheConsole.status).to.equal('cancelled');
      expect(atTheConsole.refundedInFullByMember, '8,900 cancelled that none of our refunds asked for').to.equal(false);

      expect(paidPayment().refundedInFullByMember, 'paid').to.equal(false);
    });

    it('refuses a refund above what remains', () => {
      const payment = paidPayment();
      expect(() => payment.requestRefund({ id: 'c1', amount: 9901, reason: 'x', requestedBy: 'admin', now: NOW })).to.throw('exceeds');
    });

    it('refuses a second refund while one is in flight', () => {
      const payment = paidPayment();
      payment.requestRefund({ id: 'c1', amount: 100, reason: 'x', requestedBy: 'admin', now: NOW });
      expect(() => payment.requestRefund({ id: 'c2', amount: 100, reason: 'x', requestedBy: 'admin', now: NOW })).to.throw('still waiting');
    });

    it('refuses a refund of an unpaid or fully refunded payment', () => {
      expect(() => newPayment().requestRefund({ id: 'c', reason: 'x', requestedBy: 'user', now: NOW })).to.throw('nothing left');
      const payment = paidPayment();
      payment.requestRefund({ id: 'c1', reason: 'all', requestedBy: 'user', now: NOW });
      payment.settleRefunds(aGatewayPayment({ status: 'cancelled', cancelledAmount: 9900 }), NOW);
      expect(() => payment.requestRefund({ id: 'c2', reason: 'again', requestedBy: 'user', now: NOW })).to.throw('nothing left');
    });

    it('a refusal rejects only the refund still pending and records PaymentRefundRejected with who asked, how much and whether its answer came late', () => {
      const payment = aPayment().paid(NOW, 'imp_000000000001').with({ id: 'p1', merchantUid: 'mp_order', userId: 'u1' })
        .withCancellation({ id: 'done', amount: 1000, status: 'refunded' })
        .withCancellation({ id: 'late', amount: 500, requestedBy: 'admin', status: 'pending', settledAt: null, unansweredAt: NOW })
        .build();
      payment.rejectPendingRefunds('checksum mismatch', later(1));
      expect(payment.cancellations.map((c) => [c.id, c.status])).to.deep.equal([['done', 'refunded'], ['late', 'rejected']]);
      expect(payment.pullEvents().map((e) => [e.type, e.payload])).to.deep.equal([['PaymentRefundRejected', {
        paymentId: 'p1', merchantUid: 'mp_order', userId: 'u1', refundId: 'late', amount: 500, requestedBy: 'admin', message: 'checksum mismatch', answeredLate: true,
      }]]);
      const answeredAtOnce = paidPayment();
      answeredAtOnce.requestRefund({ id: 'c1', amount: 500, reason: 'x', requestedBy: 'user', now: NOW });
      answeredAtOnce.rejectPendingRefunds('no', later(1));
      expect(answeredAtOnce.pullEvents().map((e) => (e.payload as { answeredLate: boolean }).answeredLate)).to.deep.equal([false]);
    });

    it('a rejected refund leaves the balance untouched', () => {
      const payment = paidPayment();
      payment.requestRefund({ id: 'c1', amount: 500, reason: 'x', requestedBy: 'admin', now: NOW });
      payment.rejectPendingRefunds('checksum mismatch', later(1));
      expect(payment.cancelledAmount).to.equal(0);
      expect(payment.refundable).to.equal(9900);
      expect(payment.toProps().cancellations[0]).to.include({ status: 'rejected', gatewayMessage: 'checksum mismatch' });
    });

    it('property: whatever refunds are asked and settled, cancelledAmount stays within [0, amount]', () => {
      fc.assert(fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.array(fc.record({ amount: fc.integer({ min: -10, max: 1_100_000 }), settle: fc.constantFrom('done', 'rejected', 'lost') }), { maxLength: 12 }),
        (amount, steps) => {
          const payment = paidPayment(amount);
          let gatewayCancelled = 0;
          for (const [i, step] of steps.entries()) {
            try {
              payment.requestRefund({ id: `c${i}`, amount: step.amount, reason: 'r', requestedBy: 'admin', now: NOW });
            } catch {
              continue;
            }
            const pending = payment.pendingCancellations[0];
            if (step.settle === 'done') gatewayCancelled += pending.amount;
            if (step.settle === 'rejected') payment.rejectPendingRefunds('no', NOW);
            else payment.settleRefunds(aGatewayPayment({ amount, status: 'cancelled', cancelledAmount: gatewayCancelled }), NOW);
            if (step.settle === 'lost') payment.rejectPendingRefunds('lost', NOW);
          }
          return payment.cancelledAmount >= 0 && payment.cancelledAmount <= amount && payment.cancelledAmount === Math.min(gatewayCancelled, amount)
            && (payment.status === 'cancelled') === (payment.cancelledAmount === amount);
        },
      ));
    });
  });

  it('property (state machine): paid here exactly when the gateway showed a charge of the right amount for this order', () => {
    const answer = fc.oneof(
      fc.record({ kind: fc.constant('truth' as const), status: fc.constantFrom('ready', 'paid', 'failed', 'cancelled' as const), amountOk: fc.boolean(), sameOrder: fc.boolean() }),
      fc.record({ kind: fc.constant('client_failure' as const) }),
    );
    fc.assert(fc.property(fc.array(answer, { maxLength: 15 }), (steps) => {
      const payment = newPayment();
      let gatewayPaidCorrectly = false;
      for (const step of steps) {
        if (step.kind === 'client_failure') {
          if (payment.status === 'await') payment.fail('window_closed', 'closed', NOW);
          continue;
        }
        const gp = aGatewayPayment({
          status: step.status, amount: step.amountOk ? 9900 : 5000, merchantUid: step.sameOrder ? 'mp_order' : 'mp_other',
          paidAt: step.status === 'paid' || step.status === 'cancelled' ? NOW : null, cancelledAmount: step.status === 'cancelled' ? 100 : 0,
        });
        try {
          payment.applyGatewayTruth(gp, NOW, 'r');
        } catch {
          continue;
        }
        if (gp.paidAt !== null && step.amountOk) gatewayPaidCorrectly = true;
      }
      const paidHere = payment.status === 'paid' || payment.status === 'cancelled';
      return paidHere === gatewayPaidCorrectly;
    }), { numRuns: 500 });
  });
  describe('fulfilment', () => {
    it('marks a paid payment fulfilled once, and a refunded one too', () => {
      const payment = paidPayment();
      expect(payment.markFulfilled(NOW)).to.equal(true);
      expect(payment.isFulfilled).to.equal(true);
      expect(payment.markFulfilled(later(1))).to.equal(false);
      expect(aPayment().paid().with({ status: 'cancelled', cancelledAmount: 9900 }).build().markFulfilled(NOW)).to.equal(true);
    });

    it('refuses to mark an unpaid or failed payment fulfilled', () => {
      const waiting = newPayment();
      expect(() => waiting.markFulfilled(NOW)).to.throw('cannot be fulfilled');
      expect(waiting.isFulfilled).to.equal(false);
      expect(() => aPayment().failed().build().markFulfilled(NOW)).to.throw('cannot be fulfilled');
    });
  });

  describe('a refund the gateway settled only in part', () => {
    it('stays pending while the gateway cancelled less than it asked, and books only what the gateway cancelled', () => {
      const payment = paidPayment();
      payment.requestRefund({ id: 'c1', amount: 3000, reason: 'partial', requestedBy: 'user', now: NOW });
      payment.settleRefunds(aGatewayPayment({ status: 'cancelled', cancelledAmount: 1000 }), later(1));
      expect(payment.cancelledAmount).to.equal(1000);
      expect(payment.pendingCancellations.map((c) => c.id)).to.deep.equal(['c1']);
      expect(payment.refundable).to.equal(9900 - 1000 - 3000);
    });

    it('settles pending refunds in order while the cancelled money covers them, and leaves the next one pending', () => {
      const payment = aPayment().paid(NOW, 'imp_000000000001').with({ merchantUid: 'mp_order' })
        .withCancellation({ id: 'c1', amount: 1000, status: 'pending', settledAt: null })
        .withCancellation({ id: 'c2', amount: 2000, status: 'pending', settledAt: null })
        .build();
      payment.settleRefunds(aGatewayPayment({ status: 'cancelled', cancelledAmount: 2500 }), later(1));
      expect(payment.cancellations.map((c) => [c.id, c.status])).to.deep.equal([['c1', 'refunded'], ['c2', 'pending']]);
      expect(payment.cancelledAmount).to.equal(2500);
    });

    it('calls a cancel the member\'s only when the member\'s own refunds account for all the money cancelled', () => {
      const byMember = (requestedBy: 'user' | 'admin', gatewayCancelled: number) => {
        const payment = paidPayment();
        payment.requestRefund({ id: 'c1', amount: 3000, reason: 'r', requestedBy, now: NOW });
        payment.settleRefunds(aGatewayPayment({ status: 'cancelled', cancelledAmount: gatewayCancelled }), later(1));
        return payment.pullEvents().map((e) => e.payload as { byMember: boolean; amount: number; fullyCancelled: boolean });
      };
      expect(byMember('user', 3000).map((p) => [p.byMember, p.amount, p.fullyCancelled])).to.deep.equal([[true, 3000, false]]);
      expect(byMember('user', 4000).map((p) => [p.byMember, p.amount])).to.deep.equal([[false, 4000]]);
      expect(byMember('admin', 3000).map((p) => p.byMember)).to.deep.equal([false]);
      expect(byMember('user', 9900).map((p) => [p.byMember, p.fullyCancelled])).to.deep.equal([[false, true]]);
    });

    it('refuses a refund of 0 KRW or of a fraction of a won', () => {
      const payment = paidPayment();
      expect(() => payment.requestRefund({ id: 'c0', amount: 0, reason: 'x', requestedBy: 'admin', now: NOW })).to.throw('positive whole number');
      expect(() => payment.requestRefund({ id: 'c0', amount: 0.5, reason: 'x', requestedBy: 'admin', now: NOW })).to.throw('positive whole number');
      expect(payment.cancellations).to.deep.equal([]);
    });
  });

  describe('a charge of the wrong amount, returned whole', () => {
    const wrongCharge = (overrides = {}) => aGatewayPayment({ gatewayPaymentId: 'imp_wrong', amount: 5000, ...overrides });

    it('owes back only what the gateway has not already cancelled of the wrong charge', () => {
      const payment = newPayment();
      payment.applyGatewayTruth(wrongCharge({ status: 'cancelled', cancelledAmount: 2000 }), NOW, 'back1');
      expect(payment.pendingCancellations.map((c) => [c.id, c.amount, c.checksum])).to.deep.equal([['back1', 3000, 3000]]);
    });

    it('queues no return when the wrong charge was already cancelled whole', () => {
      const payment = newPayment();
      expect(payment.applyGatewayTruth(wrongCharge({ status: 'cancelled', cancelledAmount: 5000 }), NOW, 'back1')).to.equal('failed');
      expect(payment.failure?.code).to.equal('amount_mismatch');
      expect(payment.cancellations).to.deep.equal([]);
    });

    it('a replayed mismatch queues no second return and records no second failure', () => {
      const payment = newPayment();
      payment.applyGatewayTruth(wrongCharge(), NOW, 'back1');
      payment.pullEvents();
      expect(payment.applyGatewayTruth(wrongCharge(), later(1), 'back2')).to.equal('failed');
      expect(payment.cancellations.map((c) => c.id)).to.deep.equal(['back1']);
      expect(payment.pullEvents()).to.deep.equal([]);
    });

    it('a wrong-amount charge seen after the right one leaves the paid payment paid and owes nothing from it', () => {
      const payment = paidPayment();
      expect(payment.applyGatewayTruth(wrongCharge(), later(1), 'back1')).to.equal('paid');
      expect(payment.status).to.equal('paid');
      expect(payment.failure).to.equal(null);
      expect(payment.cancellations).to.deep.equal([]);
    });

    it('the return is done only once the gateway cancelled the whole wrong charge', () => {
      const payment = newPayment();
      payment.applyGatewayTruth(wrongCharge(), NOW, 'back1');
      payment.settleRefunds(wrongCharge({ status: 'cancelled', cancelledAmount: 4999 }), later(1));
      expect(payment.pendingCancellations.map((c) => c.id)).to.deep.equal(['back1']);
      expect(payment.cancelledAmount).to.equal(0);
      payment.settleRefunds(wrongCharge({ status: 'cancelled', cancelledAmount: 5000 }), later(2));
      expect(payment.pendingCancellations).to.deep.equal([]);
      expect(payment.cancellations[0]).to.include({ status: 'refunded' });
      expect(payment.cancellations[0].settledAt?.toISOString()).to.equal(later(2).toISOString());
      expect(payment.status).to.equal('failed');
      expect(payment.cancelledAmount).to.equal(5000);
    });

    it('the gateway\'s account of a wrong charge already returned, seen again, changes nothing', () => {
      const payment = newPayment();
      payment.applyGatewayTruth(wrongCharge(), NOW, 'back1');
      payment.settleRefunds(wrongCharge({ status: 'cancelled', cancelledAmount: 5000 }), later(1));
      const settled = JSON.stringify(payment.toProps());
      payment.settleRefunds(wrongCharge({ status: 'cancelled', cancelledAmount: 5000 }), later(2));
      expect(JSON.stringify(payment.toProps())).to.equal(settled);
      expect(payment.cancellations[0].settledAt?.toISOString()).to.equal(later(1).toISOString());
    });

    it('a returned wrong charge is not counted against the right charge that pays the order later', () => {
      const payment = newPayment();
      payment.applyGatewayTruth(wrongCharge(), NOW, 'back1');
      payment.settleRefunds(wrongCharge({ status: 'cancelled', cancelledAmount: 5000 }), later(1));
      expect(payment.cancelledAmount).to.equal(5000);
      payment.applyGatewayTruth(aGatewayPayment({ gatewayPaymentId: 'imp_right' }), later(2), 'r2');
      expect(payment.status).to.equal('paid');
      expect(payment.cancelledAmount).to.equal(0);
      expect(payment.refundable).to.equal(9900);
    });

    it('the right charge cancelled in full does not settle the pending return of the wrong one', () => {
      const payment = newPayment();
      payment.applyGatewayTruth(wrongCharge(), NOW, 'back1');
      payment.applyGatewayTruth(aGatewayPayment({ gatewayPaymentId: 'imp_right' }), later(1), 'r2');
      payment.settleRefunds(aGatewayPayment({ gatewayPaymentId: 'imp_right', status: 'cancelled', cancelledAmount: 9900 }), later(2));
      expect(payment.status).to.equal('cancelled');
      expect(payment.pendingCancellations.map((c) => [c.id, c.gatewayPaymentId])).to.deep.equal([['back1', 'imp_wrong']]);
    });

    it('another order\'s cancellations settle nothing', () => {
      const payment = newPayment();
      payment.applyGatewayTruth(wrongCharge(), NOW, 'back1');
      payment.settleRefunds(wrongCharge({ merchantUid: 'mp_other', status: 'cancelled', cancelledAmount: 5000 }), later(1));
      expect(payment.pendingCancellations.map((c) => c.id)).to.deep.equal(['back1']);
    });

    it('after the order is paid by another charge, the returned wrong charge is not booked against the paid one', () => {
      const payment = newPayment();
      payment.applyGatewayTruth(wrongCharge(), NOW, 'back1');
      payment.applyGatewayTruth(aGatewayPayment({ gatewayPaymentId: 'imp_right' }), later(1), 'r2');
      expect(payment.status).to.equal('paid');
      expect(payment.cancelledAmount).to.equal(0);
      payment.pullEvents();
      payment.settleRefunds(wrongCharge({ status: 'cancelled', cancelledAmount: 5000 }), later(2));
      expect(payment.cancellations.map((c) => [c.id, c.status])).to.deep.equal([['back1', 'refunded']]);
      expect(payment.status).to.equal('paid');
      expect(payment.cancelledAmount).to.equal(0);
      expect(payment.refundable).to.equal(9900);
      expect(payment.pullEvents().map((e) => e.type)).to.deep.equal([]);
    });
  });
  describe('an order whose account was deleted (closeForDeletedAccount)', () => {
    function closedOrder(): Payment {
      const payment = newPayment();
      payment.closeForDeletedAccount(NOW, 'unused');
      payment.pullEvents();
      return payment;
    }

    it('an open order fails as account_deleted, and the reconciler is to ask the gateway about it', () => {
      const payment = newPayment();
      payment.closeForDeletedAccount(NOW, 'unused');
      expect([payment.status, payment.failure?.code, payment.recheckAt?.toISOString()]).to.deep.equal(['failed', 'account_deleted', NOW.toISOString()]);
      expect(payment.pullEvents().map((e) => e.type)).to.deep.equal(['PaymentFailed']);
      expect(payment.cancellations).to.deep.equal([]);
    });

    it('a charge of the order\'s amount that reaches the gateway later buys nothing: it is owed back whole, the order stays failed', () => {
      const payment = closedOrder();
      expect(payment.applyGatewayTruth(aGatewayPayment(), later(1), 'back1')).to.equal('failed');
      expect([payment.status, payment.failure?.code, payment.paidAt, payment.gatewayPaymentId]).to.deep.equal(['failed', 'account_deleted', null, 'imp_000000000001']);
      expect(payment.pendingCancellations.map((c) => ({ ...c }))).to.deep.equal([{
        id: 'back1', kind: 'mismatch_return', gatewayPaymentId: 'imp_000000000001', amount: 9900, checksum: 9900, reason: 'account_deleted', requestedBy: 'system',
        requestedAt: later(1), status: 'pending', settledAt: null, gatewayMessage: null, unansweredAt: null,
      }]);
      expect(payment.pullEvents(), 'no PaymentPaid: nothing is fulfilled').to.deep.equal([]);
    });

    it('the same charge seen again (a second notice, the reconciler) owes nothing more; another charge on the order is owed back too', () => {
      const payment = closedOrder();
      payment.applyGatewayTruth(aGatewayPayment(), later(1), 'back1');
      const owed = JSON.stringify(payment.toProps());
      payment.applyGatewayTruth(aGatewayPayment(), later(2), 'back2');
      expect(JSON.stringify(payment.toProps())).to.equal(owed);
      payment.settleRefunds(aGatewayPayment({ status: 'cancelled', cancelledAmount: 9900 }), later(3));
      payment.applyGatewayTruth(aGatewayPayment({ status: 'cancelled', cancelledAmount: 9900 }), later(4), 'back3');
      expect(payment.cancellations.map((c) => [c.id, c.status])).to.deep.equal([['back1', 'refunded']]);
      payment.applyGatewayTruth(aGatewayPayment({ gatewayPaymentId: 'imp_again' }), later(5), 'back4');
      expect(payment.cancellations.map((c) => [c.id, c.gatewayPaymentId, c.status])).to.deep.equal([['back1', 'imp_000000000001', 'refunded'], ['back4', 'imp_again', 'pending']]);
      expect(payment.status).to.equal('failed');
    });

    it('the return is done once the gateway cancelled the whole charge: the order shows the amount cancelled', () => {
      const payment = closedOrder();
      payment.applyGatewayTruth(aGatewayPayment(), later(1), 'back1');
      payment.settleRefunds(aGatewayPayment({ status: 'cancelled', cancelledAmount: 9900 }), later(2));
      expect([payment.status, payment.cancelledAmount, payment.pendingCancellations.length]).to.deep.equal(['failed', 9900, 0]);
      expect(payment.cancellations[0]).to.include({ status: 'refunded', reason: 'account_deleted' });
    });

    it('a charge of another amount is owed back as account_deleted too, and no later charge makes the order paid', () => {
      const payment = closedOrder();
      payment.applyGatewayTruth(aGatewayPayment({ gatewayPaymentId: 'imp_wrong', amount: 5000 }), later(1), 'back1');
      payment.applyGatewayTruth(aGatewayPayment({ gatewayPaymentId: 'imp_right' }), later(2), 'back2');
      expect([payment.status, payment.failure?.code]).to.deep.equal(['failed', 'account_deleted']);
      expect(payment.pendingCancellations.map((c) => [c.id, c.amount, c.reason])).to.deep.equal([['back1', 5000, 'account_deleted'], ['back2', 9900, 'account_deleted']]);
      expect(payment.pullEvents()).to.deep.equal([]);
    });

    it('owes nothing of a charge the gateway already cancelled whole', () => {
      const payment = closedOrder();
      expect(payment.applyGatewayTruth(aGatewayPayment({ status: 'cancelled', cancelledAmount: 9900 }), later(1), 'back1')).to.equal('failed');
      expect(payment.cancellations).to.deep.equal([]);
      expect(payment.hasUnsavedChanges).to.equal(true); // the close itself, not yet saved
    });

    it('a failed order (it may still complete late) is closed too: its earlier failure stays in the message, its rechecks as they were', () => {
      const payment = newPayment();
      payment.fail('window_closed', 'closed', NOW);
      payment.recheckLater(later(60_000), NOW);
      payment.pullEvents();
      payment.closeForDeletedAccount(later(1), 'unused');
      expect(payment.failure?.code).to.equal('account_deleted');
      expect(payment.failure?.message).to.include('window_closed');
      expect(payment.recheckAt?.toISOString()).to.equal(later(60_000).toISOString());
      expect(payment.pullEvents()).to.deep.equal([]);
      expect(payment.applyGatewayTruth(aGatewayPayment(), later(2), 'back1')).to.equal('failed');
      expect(payment.pendingCancellations.map((c) => c.reason)).to.deep.equal(['account_deleted']);
    });

    it('a wrong-amount order already owing its charge back keeps that return, and a right charge later is returned as well', () => {
      const payment = newPayment();
      payment.applyGatewayTruth(aGatewayPayment({ gatewayPaymentId: 'imp_wrong', amount: 5000 }), NOW, 'back1');
      payment.closeForDeletedAccount(later(1), 'unused');
      payment.applyGatewayTruth(aGatewayPayment({ gatewayPaymentId: 'imp_right' }), later(2), 'back2');
      expect(payment.status).to.equal('failed');
      expect(payment.pendingCancellations.map((c) => [c.id, c.reason])).to.deep.equal([['back1', 'amount_mismatch'], ['back2', 'account_deleted']]);
    });

    it('an auto-renew order: the card the returned charge stored under its key is to be forgotten at the gateway, once; another buyer\'s key is not its to release', () => {
      const order = (customerUid: string | null) => {
        const payment = Payment.create({
          id: 'p1', merchantUid: 'mp_order', userId: 'u1', purpose: { kind: 'purchase', planId: 'monthly' },
          amount: 9900, payMethod: 'card', gateway: 'iamport', pg: 'html5_inicis', customerUid, now: NOW,
        });
        payment.closeForDeletedAccount(NOW, 'unused');
        payment.pullEvents();
        return payment;
      };
      const stored = { customerUid: 'billing_key_1', customerKey: 'cu_u1' };
      const payment = order('cu_u1');
      payment.applyGatewayTruth(aGatewayPayment(stored), later(1), 'back1');
      payment.applyGatewayTruth(aGatewayPayment(stored), later(2), 'back2');
      expect(payment.pullEvents().map((e) => [e.type, e.payload])).to.deep.equal([
        ['PaymentCardLeftUnused', { paymentId: 'p1', merchantUid: 'mp_order', userId: 'u1', billingKey: 'billing_key_1', reason: 'account_deleted' }],
      ]);
      for (const other of [order(null), order('cu_u1')]) {
        other.applyGatewayTruth(aGatewayPayment(other.customerUid ? { customerUid: 'billing_key_2', customerKey: 'cu_someone_else' } : stored), later(1), 'back1');
        expect(other.pullEvents(), String(other.customerUid)).to.deep.equal([]);
      }
    });

    it('a paid auto-renew payment not yet applied: its card is to be forgotten at the gateway with the refund', () => {
      const payment = aPayment().with({ customerUid: 'billing_key_1' }).paid(NOW).build();
      payment.closeForDeletedAccount(later(1), 'back1');
      expect(payment.pullEvents().map((e) => [e.type, (e.payload as { billingKey: string }).billingKey])).to.deep.equal([['PaymentCardLeftUnused', 'billing_key_1']]);
    });

    it('a renewal closed because its membership ended leaves its card to the membership (released when it ended)', () => {
      const payment = aPayment().with({ customerUid: 'billing_key_1', purpose: { kind: 'renewal', planId: 'monthly', membershipId: 'm1', periodNo: 2 } }).paid(NOW, 'imp_000000000001').build();
      payment.returnUnboughtCharge('membership_ended', later(1), 'back1');
      payment.applyGatewayTruth(aGatewayPayment({ merchantUid: payment.merchantUid, customerUid: 'billing_key_1', customerKey: 'billing_key_1' }), later(2), 'back2');
      expect(payment.pullEvents().map((e) => e.type)).to.deep.equal(['PaymentFailed']);
    });

    it('closing again changes nothing', () => {
      const payment = Payment.restore(closedOrder().toProps());
      payment.closeForDeletedAccount(later(1), 'unused');
      expect(payment.hasUnsavedChanges).to.equal(false);
    });

    it('a paid payment not yet applied to a membership is never applied: it is refunded in full by the system', () => {
      const payment = paidPayment();
      payment.closeForDeletedAccount(later(1), 'back1');
      expect(payment.isFulfilled).to.equal(true);
      expect(payment.pendingCancellations.map((c) => [c.id, c.kind, c.amount, c.checksum, c.reason, c.requestedBy])).to.deep.equal([['back1', 'refund', 9900, 9900, 'account_deleted', 'system']]);
      payment.settleRefunds(aGatewayPayment({ status: 'cancelled', cancelledAmount: 9900 }), later(2));
      expect([payment.status, payment.refundedInFullByMember]).to.deep.equal(['cancelled', false]);
    });

    it('a paid payment with a refund in flight refuses to close (refund_in_progress), so the rest is never left behind', () => {
      const payment = paidPayment();
      payment.requestRefund({ id: 'c1', amount: 2000, reason: 'operator', requestedBy: 'admin', now: NOW });
      const before = JSON.stringify(payment.toProps());
      expect(() => payment.closeForDeletedAccount(later(1), 'back1')).to.throw(RefundInProgressError);
      expect(JSON.stringify(payment.toProps())).to.equal(before);
    });

    it('leaves a payment already applied to a membership, or cancelled, as it is', () => {
      const fulfilled = paidPayment();
      fulfilled.markFulfilled(NOW);
      const cancelled = aPayment().paid(NOW).withCancellation({ amount: 9900 }).with({ status: 'cancelled' }).build();
      for (const payment of [Payment.restore(fulfilled.toProps()), cancelled]) {
        payment.closeForDeletedAccount(later(1), 'back1');
        expect(payment.hasUnsavedChanges).to.equal(false);
      }
    });
    it('the operator reads why the order failed: the account was deleted', () => {
      const payment = newPayment();
      payment.closeForDeletedAccount(NOW, 'unused');
      expect(payment.failure?.message).to.match(/account was deleted/);
    });

    it('a failed order with no failure on record is closed too, its earlier failure named unknown', () => {
      const payment = aPayment().with({ status: 'failed', failure: null }).build();
      expect(payment.isClosed).to.equal(false);
      payment.closeForDeletedAccount(later(1), 'unused');
      expect(payment.failure?.code).to.equal('account_deleted');
      expect(payment.failure?.message).to.match(/account was deleted.*\(it had failed: unknown\)$/);
    });

    it('a paid payment that stored no card releases none when it is refunded; one that did names the deleted account as the reason', () => {
      const withoutCard = paidPayment();
      withoutCard.closeForDeletedAccount(later(1), 'back1');
      expect(withoutCard.pullEvents()).to.deep.equal([]);
      const withCard = aPayment().with({ customerUid: 'billing_key_1' }).paid(NOW).build();
      withCard.closeForDeletedAccount(later(1), 'back1');
      expect(withCard.pullEvents().map((e) => (e.payload as { reason: string }).reason)).to.deep.equal(['account_deleted']);
    });

    it('a charge the gateway already cancelled whole, seen after the close was saved, changes nothing', () => {
      const payment = Payment.restore(closedOrder().toProps());
      payment.applyGatewayTruth(aGatewayPayment({ status: 'cancelled', cancelledAmount: 9900, customerUid: null }), later(1), 'back1');
      expect([payment.hasUnsavedChanges, payment.gatewayPaymentId, payment.cancellations.length]).to.deep.equal([false, null, 0]);
    });

    it('owes back only what the gateway still holds of a charge partly cancelled at its console', () => {
      const payment = closedOrder();
      payment.applyGatewayTruth(aGatewayPayment({ status: 'cancelled', cancelledAmount: 2000 }), later(1), 'back1');
      expect(payment.pendingCancellations.map((c) => [c.amount, c.checksum])).to.deep.equal([[7900, 7900]]);
    });

    it('a returned charge that stored no card, or stored one under no customer key while the order issued none, releases no card', () => {
      const order = (customerUid: string | null) => {
        const payment = aPayment().with({ merchantUid: 'mp_order', customerUid }).build();
        payment.closeForDeletedAccount(NOW, 'unused');
        payment.pullEvents();
        return payment;
      };
      const noCardUnderItsKey = order('cu_u1');
      noCardUnderItsKey.applyGatewayTruth(aGatewayPayment({ customerUid: null, customerKey: 'cu_u1' }), later(1), 'back1');
      const cardUnderNoKey = order(null);
      cardUnderNoKey.applyGatewayTruth(aGatewayPayment({ customerUid: 'billing_key_1', customerKey: null }), later(1), 'back1');
      for (const payment of [noCardUnderItsKey, cardUnderNoKey]) {
        expect(payment.pendingCancellations.length, String(payment.customerUid)).to.equal(1);
        expect(payment.pullEvents(), String(payment.customerUid)).to.deep.equal([]);
      }
    });

    it('a renewal closed because its membership ended releases no card for a later charge that stored one under its key either', () => {
      const payment = aPayment().with({ merchantUid: 'mp_order', customerUid: 'cu_u1', purpose: { kind: 'renewal', planId: 'monthly', membershipId: 'm1', periodNo: 2 } }).paid(NOW, 'imp_000000000001').build();
      payment.returnUnboughtCharge('membership_ended', later(1), 'back1');
      payment.pullEvents();
      payment.applyGatewayTruth(aGatewayPayment({ gatewayPaymentId: 'imp_again', customerUid: 'billing_key_2', customerKey: 'cu_u1' }), later(2), 'back2');
      expect(payment.pendingCancellations.map((c) => [c.id, c.reason])).to.deep.equal([['back1', 'membership_ended'], ['back2', 'membership_ended']]);
      expect(payment.pullEvents()).to.deep.equal([]);
    });
  });

  describe('a renewal charge its membership can no longer take (returnUnboughtCharge)', () => {
    it('a paid charge not yet applied is closed (failed, never paid) and owed back whole as a mismatch_return of that reason', () => {
      const payment = paidPayment();
      payment.returnUnboughtCharge('membership_ended', later(1), 'back1');
      expect([payment.status, payment.failure?.code, payment.paidAt, payment.isFulfilled, payment.isClosed, payment.recheckAt]).to.deep.equal(['failed', 'membership_ended', null, false, true, null]);
      expect(payment.pendingCancellations.map((c) => ({ ...c }))).to.deep.equal([{
        id: 'back1', kind: 'mismatch_return', gatewayPaymentId: 'imp_000000000001', amount: 9900, checksum: 9900, reason: 'membership_ended', requestedBy: 'system',
        requestedAt: later(1), status: 'pending', settledAt: null, gatewayMessage: null, unansweredAt: null,
      }]);
      expect(payment.pullEvents().map((e) => [e.type, (e.payload as { code: string }).code])).to.deep.equal([['PaymentFailed', 'membership_ended']]);
    });

    it('closing it again, or any later answer about the charge (a notice, the reconciler), owes nothing more and never makes it paid', () => {
      const payment = paidPayment();
      payment.returnUnboughtCharge('period_already_paid', later(1), 'back1');
      payment.pullEvents();
      const owed = JSON.stringify(payment.toProps());
      payment.returnUnboughtCharge('period_already_paid', later(2), 'back2');
      expect(payment.applyGatewayTruth(aGatewayPayment(), later(3), 'back3')).to.equal('failed');
      expect(JSON.stringify(payment.toProps())).to.equal(owed);
      expect(payment.pullEvents()).to.deep.equal([]);
    });

    it('the return is done once the gateway cancelled the whole charge: the order shows the amount cancelled, and no refund event', () => {
      const payment = paidPayment();
      payment.returnUnboughtCharge('membership_ended', later(1), 'back1');
      payment.pullEvents();
      payment.settleRefunds(aGatewayPayment({ status: 'cancelled', cancelledAmount: 9900 }), later(2));
      expect([payment.status, payment.cancelledAmount, payment.pendingCancellations.length]).to.deep.equal(['failed', 9900, 0]);
      expect(payment.cancellations[0]).to.include({ status: 'refunded', reason: 'membership_ended' });
      expect(payment.pullEvents(), 'no PaymentCancelled: no purchase is taken back').to.deep.equal([]);
    });

    it('owes only what the gateway still holds of a charge partly cancelled at its console', () => {
      const payment = paidPayment();
      payment.settleRefunds(aGatewayPayment({ status: 'cancelled', cancelledAmount: 2000 }), later(1));
      payment.returnUnboughtCharge('membership_ended', later(2), 'back1');
      expect(payment.pendingCancellations.map((c) => [c.amount, c.checksum])).to.deep.equal([[7900, 7900]]);
    });

    it('an order closed with its deleted account keeps that reason', () => {
      const payment = paidPayment();
      payment.returnUnboughtCharge('membership_ended', later(1), 'back1');
      payment.closeForDeletedAccount(later(2), 'unused');
      expect(payment.failure?.code).to.equal('membership_ended');
    });

    it('refuses an order not paid, or one already applied to a membership', () => {
      const applied = paidPayment();
      applied.markFulfilled(NOW);
      for (const payment of [newPayment(), applied]) {
        expect(() => payment.returnUnboughtCharge('membership_ended', later(1), 'back1')).to.throw('return an unbought charge');
      }
    });
    it('the operator reads why: the membership had ended, or the period was already bought', () => {
      const ended = paidPayment();
      ended.returnUnboughtCharge('membership_ended', later(1), 'back1');
      const alreadyPaid = paidPayment();
      alreadyPaid.returnUnboughtCharge('period_already_paid', later(1), 'back1');
      expect(ended.failure?.message).to.match(/membership had ended/);
      expect(alreadyPaid.failure?.message).to.match(/already bought/);
    });

    it('a charge the gateway already cancelled whole before it was applied is closed too, owing nothing', () => {
      const payment = paidPayment();
      payment.settleRefunds(aGatewayPayment({ status: 'cancelled', cancelledAmount: 9900 }), later(1));
      expect(payment.status).to.equal('cancelled');
      payment.pullEvents();
      payment.returnUnboughtCharge('membership_ended', later(2), 'back1');
      expect([payment.status, payment.failure?.code, payment.isClosed, payment.cancellations.length]).to.deep.equal(['failed', 'membership_ended', true, 0]);
    });

    it('refuses an order that failed with a charge named, or one recorded paid without a gateway payment id, naming the payment', () => {
      const failed = newPayment();
      failed.applyGatewayTruth(aGatewayPayment({ status: 'failed', paidAt: null, failReason: '카드사 거절' }), NOW, 'r1');
      expect(failed.gatewayPaymentId).to.equal('imp_000000000001');
      const unnamed = aPayment().paid(NOW).with({ gatewayPaymentId: null }).build();
      for (const payment of [failed, unnamed]) {
        expect(() => payment.returnUnboughtCharge('membership_ended', later(1), 'back1')).to.throw(`payment in status ${payment.status} cannot return an unbought charge`);
        expect(payment.cancellations).to.deep.equal([]);
      }
    });
  });

  describe('what it remembers for the reconciler', () => {
    it('a reported gateway payment id is noted once, with a recheck; a paid or refunded payment ignores it', () => {
      const payment = newPayment();
      payment.noteReportedGatewayPaymentId('imp_1', later(1));
      expect([payment.reportedGatewayPaymentId, payment.recheckAt?.toISOString()]).to.deep.equal(['imp_1', later(1).toISOString()]);
      payment.noteReportedGatewayPaymentId('imp_1', later(2));
      expect(payment.recheckAt?.toISOString(), 'the same id again changes nothing').to.equal(later(1).toISOString());
      expect(payment.toProps().updatedAt.toISOString()).to.equal(later(1).toISOString());
      payment.recheckLater(null, later(3));
      payment.noteReportedGatewayPaymentId('imp_1', later(4));
      expect(payment.recheckAt?.toISOString(), 'asked about again once rechecks had stopped').to.equal(later(4).toISOString());
      payment.noteReportedGatewayPaymentId('imp_2', later(5));
      expect([payment.reportedGatewayPaymentId, payment.recheckAt?.toISOString()], 'another id replaces it').to.deep.equal(['imp_2', later(5).toISOString()]);
      for (const settled of [paidPayment(), aPayment().paid().with({ status: 'cancelled', cancelledAmount: 9900 }).build()]) {
        settled.noteReportedGatewayPaymentId('imp_2', later(5));
        expect([settled.reportedGatewayPaymentId, settled.recheckAt], settled.status).to.deep.equal([null, null]);
      }
    });

    it('a paid or refunded payment is never rechecked; the same recheck time again changes nothing', () => {
      for (const settled of [paidPayment(), aPayment().paid().with({ status: 'cancelled', cancelledAmount: 9900, recheckAt: NOW }).build()]) {
        settled.recheckLater(later(60_000), later(1));
        expect(settled.recheckAt, settled.status).to.equal(null);
      }
      const payment = newPayment();
      payment.recheckLater(later(60_000), later(1));
      payment.recheckLater(later(60_000), later(2));
      expect(payment.recheckAt?.toISOString()).to.equal(later(60_000).toISOString());
      expect(payment.toProps().updatedAt.toISOString()).to.equal(later(1).toISOString());
    });

    it('a failure keeps the first gateway payment id it learnt, and a refused prepare is not rechecked', () => {
      const fromGateway = newPayment();
      fromGateway.fail('card_declined', 'declined', NOW, 'imp_first');
      expect([fromGateway.gatewayPaymentId, fromGateway.recheckAt?.toISOString()]).to.deep.equal(['imp_first', NOW.toISOString()]);
      const known = aPayment().with({ gatewayPaymentId: 'imp_known' }).build();
      known.fail('card_declined', 'declined', NOW, 'imp_other');
      expect(known.gatewayPaymentId).to.equal('imp_known');
      const refused = newPayment();
      refused.fail('prepare_rejected', 'no', NOW);
      expect([refused.gatewayPaymentId, refused.recheckAt]).to.deep.equal([null, null]);
    });

    it('records PaymentFailed with the order, the buyer, the purpose and the reason', () => {
      const payment = newPayment();
      payment.fail('window_closed', 'closed', NOW);
      expect(payment.pullEvents().map((e) => e.payload)).to.deep.equal([{
        paymentId: 'p1', merchantUid: 'mp_order', userId: 'u1', purpose: { kind: 'purchase', planId: 'monthly' }, code: 'window_closed', message: 'closed',
      }]);
      const mismatched = newPayment();
      mismatched.applyGatewayTruth(aGatewayPayment({ amount: 100 }), NOW, 'r');
      expect(mismatched.pullEvents().map((e) => [e.type, (e.payload as { code: string }).code, (e.payload as { userId: string }).userId])).to.deep.equal([['PaymentFailed', 'amount_mismatch', 'u1']]);
    });

    it('a gateway failure without a reason is recorded as the gateway reporting one', () => {
      const payment = newPayment();
      payment.applyGatewayTruth(aGatewayPayment({ status: 'failed', paidAt: null, failReason: null }), NOW, 'r');
      expect(payment.failure).to.deep.equal({ code: 'gateway_failed', message: 'the gateway reports a failure' });
    });

    it('lost refund answers are noted once, only for the refunds named and still pending', () => {
      const payment = aPayment().paid()
        .withCancellation({ id: 'done', status: 'refunded' })
        .withCancellation({ id: 'a', status: 'pending', settledAt: null })
        .withCancellation({ id: 'b', kind: 'mismatch_return', status: 'pending', settledAt: null })
        .build();
      payment.noteRefundsUnanswered(['a', 'done'], later(1));
      payment.noteRefundsUnanswered(['a'], later(2));
      expect(payment.cancellations.map((c) => [c.id, c.unansweredAt?.toISOString() ?? null])).to.deep.equal([
        ['done', null], ['a', later(1).toISOString()], ['b', null],
      ]);
    });
  });

  describe('what it records of the gateway\'s charge', () => {
    it('names its gateway and PG channel', () => {
      expect([newPayment().gateway, newPayment().pg]).to.deep.equal(['iamport', 'html5_inicis']);
    });

    it('paid at the gateway\'s time, or now when the gateway gives none', () => {
      const payment = newPayment();
      payment.applyGatewayTruth(aGatewayPayment({ paidAt: null }), later(5), 'r');
      expect(payment.paidAt?.toISOString()).to.equal(later(5).toISOString());
    });

    it('adopts the stored card only when it was stored under the customer key its checkout issued', () => {
      const card = (customerUid: string | null, gp: { customerUid: string | null; customerKey: string | null }) => {
        const payment = Payment.create({
          id: 'p', merchantUid: 'mp_order', userId: 'u1', purpose: { kind: 'purchase', planId: 'monthly' }, amount: 9900, payMethod: 'card',
          gateway: 'toss', pg: 'tosspayments', customerUid, now: NOW,
        });
        payment.applyGatewayTruth(aGatewayPayment(gp), NOW, 'r');
        return payment.customerUid;
      };
      expect(card('ck_mine', { customerUid: 'ck_mine:bk_1', customerKey: 'ck_mine' }), 'its own key').to.equal('ck_mine:bk_1');
      expect(card('ck_mine', { customerUid: 'ck_other:bk_2', customerKey: 'ck_other' }), 'another buyer\'s key').to.equal('ck_mine');
      expect(card(null, { customerUid: 'ck_x:bk_3', customerKey: null }), 'no card asked').to.equal(null);
      expect(card('ck_mine', { customerUid: null, customerKey: 'ck_mine' }), 'no card stored').to.equal('ck_mine');
    });

    it('refuses another order\'s payment as payment_not_paid, a rule violation', () => {
      const error = (() => { try { newPayment().applyGatewayTruth(aGatewayPayment({ merchantUid: 'mp_other' }), NOW, 'r'); } catch (e) { return e as { kind: string; code: string }; } })();
      expect([error?.kind, error?.code]).to.deep.equal(['rule_violation', 'payment_not_paid']);
    });

    it('classifies English reasons whatever their case', () => {
      expect(classifyGatewayFailure('User CANCELLED the payment')).to.equal('user_cancelled');
      expect(classifyGatewayFailure('Card DECLINED')).to.equal('card_declined');
    });

    it('a fully refunded payment stays refunded: a replayed paid answer or a wrong-amount one records nothing', () => {
      const payment = paidPayment();
      payment.settleRefunds(aGatewayPayment({ status: 'cancelled', cancelledAmount: 9900 }), later(1));
      payment.pullEvents();
      payment.applyGatewayTruth(aGatewayPayment({ status: 'cancelled', cancelledAmount: 9900 }), later(2), 'r');
      payment.applyGatewayTruth(aGatewayPayment({ amount: 100 }), later(3), 'r2');
      expect([payment.status, payment.cancelledAmount, payment.failure]).to.deep.equal(['cancelled', 9900, null]);
      expect(payment.pullEvents()).to.deep.equal([]);
    });

    it('refuses a refund of a paid payment with nothing left, as nothing to refund', () => {
      const payment = aPayment().paid().with({ cancelledAmount: 9900 }).build();
      expect(() => payment.requestRefund({ id: 'c', reason: 'x', requestedBy: 'user', now: NOW })).to.throw('nothing left');
    });

    it('keeps the card approval the gateway stated when it was paid, and hands out copies of it', () => {
      const approval = { approvalNumber: '30012345', maskedNumber: '536148******1234' };
      const payment = newPayment();
      payment.applyGatewayTruth(aGatewayPayment({ card: { ...approval } }), NOW, 'r');
      expect(payment.card).to.deep.equal(approval);
      const props = payment.toProps();
      expect(props.card).to.deep.equal(approval);
      if (props.card) props.card.approvalNumber = 'changed';
      expect(payment.card).to.deep.equal(approval);
      expect(paidPayment().card, 'the gateway stated none').to.equal(null);
    });

    it('refuses to mark an unpaid payment fulfilled naming the transition', () => {
      expect(() => newPayment().markFulfilled(NOW)).to.throw('payment in status await cannot be fulfilled');
    });
  });

  describe('PaymentCancelled', () => {
    it('carries the amount cancelled this time, the total, and the gateway\'s last reason', () => {
      const again = aPayment().paid(NOW, 'imp_000000000001').with({ merchantUid: 'mp_order', cancelledAmount: 1000 }).build();
      again.settleRefunds(aGatewayPayment({
        status: 'cancelled', cancelledAmount: 4000,
        cancellations: [{ amount: 1000, reason: 'first', cancelledAt: NOW, receiptId: null }, { amount: 3000, reason: 'second', cancelledAt: NOW, receiptId: null }],
      }), later(1));
      const [event] = again.pullEvents();
      expect(event.payload).to.deep.include({ amount: 3000, cancelledAmount: 4000, fullyCancelled: false, reason: 'second', byMember: false });
      const noReason = aPayment().paid(NOW, 'imp_000000000001').with({ merchantUid: 'mp_order' }).build();
      noReason.settleRefunds(aGatewayPayment({ status: 'cancelled', cancelledAmount: 500 }), later(1));
      expect((noReason.pullEvents()[0].payload as { reason: string }).reason).to.equal('refund');
    });

    it('carries the reason of the gateway\'s latest cancellation, however many it lists', () => {
      const reasonAfter = (reasons: string[]) => {
        const payment = aPayment().paid(NOW, 'imp_000000000001').with({ merchantUid: 'mp_order' }).build();
        payment.settleRefunds(aGatewayPayment({
          status: 'cancelled', cancelledAmount: 100 * reasons.length,
          cancellations: reasons.map((reason) => ({ amount: 100, reason, cancelledAt: NOW, receiptId: null })),
        }), later(1));
        return (payment.pullEvents()[0].payload as { reason: string }).reason;
      };
      expect(reasonAfter(['only'])).to.equal('only');
      expect(reasonAfter(['first', 'second', 'third'])).to.equal('third');
    });

    it('a member\'s refund of the whole payment, once the gateway cancelled it, is recorded as the member\'s full cancel', () => {
      const payment = paidPayment();
      payment.requestRefund({ id: 'c1', reason: 'cancel', requestedBy: 'user', now: NOW });
      payment.settleRefunds(aGatewayPayment({ status: 'cancelled', cancelledAmount: 9900 }), later(1));
      expect(payment.pullEvents().map((e) => e.payload)).to.deep.equal([{
        paymentId: 'p1', merchantUid: 'mp_order', userId: 'u1', amount: 9900, cancelledAmount: 9900, fullyCancelled: true, reason: 'refund', byMember: true,
      }]);
      expect(payment.cancellations.map((c) => [c.id, c.status, c.settledAt?.toISOString()])).to.deep.equal([['c1', 'refunded', later(1).toISOString()]]);
    });

    it('a pending wrong-amount return is not taken for a refund of the paid charge', () => {
      const payment = aPayment().paid(NOW, 'imp_000000000001').with({ merchantUid: 'mp_order' })
        .withCancellation({ id: 'back', kind: 'mismatch_return', gatewayPaymentId: 'imp_wrong', amount: 1000, status: 'pending', settledAt: null })
        .build();
      payment.settleRefunds(aGatewayPayment({ status: 'cancelled', cancelledAmount: 1000 }), later(1));
      expect(payment.pendingCancellations.map((c) => c.id)).to.deep.equal(['back']);
    });

    it('refunds settled on a partly cancelled payment count only the money cancelled since', () => {
      const payment = aPayment().paid(NOW, 'imp_000000000001').with({ merchantUid: 'mp_order', cancelledAmount: 1000 })
        .withCancellation({ id: 'c', amount: 2000, status: 'pending', settledAt: null })
        .build();
      payment.settleRefunds(aGatewayPayment({ status: 'cancelled', cancelledAmount: 2500 }), later(1));
      expect(payment.pendingCancellations.map((c) => c.id)).to.deep.equal(['c']);
    });
  });

  describe('refunded in full by the member', () => {
    it('only a refunded payment whose refunds account for all the money, the last one the member\'s', () => {
      const paid = aPayment().paid(NOW, 'imp_000000000001');
      expect(paid.build().refundedInFullByMember, 'still paid').to.equal(false);
      const byMember = aPayment().paid(NOW, 'imp_000000000001').withCancellation({ amount: 9900, requestedBy: 'user' }).with({ status: 'cancelled' }).build();
      expect(byMember.refundedInFullByMember).to.equal(true);
      const byOperator = aPayment().paid(NOW, 'imp_000000000001').withCancellation({ amount: 9900, requestedBy: 'admin' }).with({ status: 'cancelled' }).build();
      expect(byOperator.refundedInFullByMember, 'an operator\'s refund').to.equal(false);
      const atConsole = aPayment().paid(NOW, 'imp_000000000001').withCancellation({ amount: 3000, requestedBy: 'user' }).with({ status: 'cancelled', cancelledAmount: 9900 }).build();
      expect(atConsole.refundedInFullByMember, 'money cancelled at the console').to.equal(false);
      const withRejected = aPayment().paid(NOW, 'imp_000000000001').withCancellation({ amount: 3000, requestedBy: 'user', status: 'rejected' }).with({ status: 'cancelled', cancelledAmount: 3000 }).build();
      expect(withRejected.refundedInFullByMember, 'a rejected refund moved no money').to.equal(false);
      const withReturn = aPayment().paid(NOW, 'imp_000000000001').withCancellation({ amount: 9900, requestedBy: 'user', kind: 'mismatch_return' }).with({ status: 'cancelled' }).build();
      expect(withReturn.refundedInFullByMember, 'a wrong-amount return is no refund').to.equal(false);
      const noRefund = aPayment().paid(NOW, 'imp_000000000001').with({ status: 'cancelled', cancelledAmount: 9900 }).build();
      expect(noRefund.refundedInFullByMember, 'none of our refunds').to.equal(false);
    });

    it('a member\'s partial refund of a payment still paid is not a refund in full', () => {
      const payment = paidPayment();
      payment.requestRefund({ id: 'c1', amount: 3000, reason: 'part', requestedBy: 'user', now: NOW });
      payment.settleRefunds(aGatewayPayment({ status: 'cancelled', cancelledAmount: 3000 }), later(1));
      expect([payment.status, payment.cancelledAmount]).to.deep.equal(['paid', 3000]);
      expect(payment.refundedInFullByMember).to.equal(false);
    });
  });

  describe('unsaved changes (what a save has to write)', () => {
    const truths = [
      aGatewayPayment(), aGatewayPayment({ amount: 5000, gatewayPaymentId: 'imp_wrong' }), aGatewayPayment({ status: 'failed', failReason: '카드 한도 초과' }),
      aGatewayPayment({ status: 'ready', paidAt: null }), aGatewayPayment({ status: 'cancelled', cancelledAmount: 3000 }),
      aGatewayPayment({ status: 'cancelled', cancelledAmount: 9900 }), aGatewayPayment({ gatewayPaymentId: 'imp_wrong', amount: 5000, status: 'cancelled', cancelledAmount: 5000 }),
    ];
    const step = fc.oneof(
      fc.record({ truth: fc.constantFrom(...truths), at: fc.nat(5) }).map(({ truth, at }) => (p: Payment) => { p.applyGatewayTruth(truth, later(at), `r${at}`); }),
      fc.record({ truth: fc.constantFrom(...truths), at: fc.nat(5) }).map(({ truth, at }) => (p: Payment) => p.settleRefunds(truth, later(at))),
      fc.constantFrom('imp_000000000001', 'imp_other').map((id) => (p: Payment) => p.noteReportedGatewayPaymentId(id, NOW)),
      fc.option(fc.nat(3)).map((at) => (p: Payment) => p.recheckLater(at === null ? null : later(at), NOW)),
      fc.nat(3).map((at) => (p: Payment) => p.markPrepared(later(at))),
      fc.constant((p: Payment) => p.fail('window_closed', 'closed', NOW)),
      fc.constant((p: Payment) => { p.markFulfilled(NOW); }),
      fc.constant((p: Payment) => p.closeForDeletedAccount(NOW, 'closed')),
      fc.integer({ min: 1, max: 4000 }).map((amount) => (p: Payment) => { p.requestRefund({ id: `c${amount}`, amount, reason: 'r', requestedBy: 'user', now: NOW }); }),
      fc.constant((p: Payment) => p.noteRefundsUnanswered(p.pendingCancellations.map((c) => c.id), NOW)),
      fc.constant((p: Payment) => p.rejectPendingRefunds('no', NOW)),
    );

    it('property: a payment read back has none; after any step it has some exactly when its state changed', () => {
      const withPendingRefund = () => {
        const payment = paidPayment();
        payment.requestRefund({ id: 'c0', amount: 2000, reason: 'r', requestedBy: 'user', now: NOW });
        return payment;
      };
      const wronglyCharged = () => {
        const payment = newPayment();
        payment.applyGatewayTruth(truths[1], NOW, 'back');
        return payment;
      };
      const start = fc.constantFrom(newPayment, paidPayment, withPendingRefund, wronglyCharged);
      fc.assert(fc.property(start, fc.array(step, { maxLength: 12 }), (initial, steps) => {
        let props = initial().toProps();
        for (const act of steps) {
          const payment = Payment.restore(props);
          expect(payment.hasUnsavedChanges).to.equal(false);
          const before = JSON.stringify(payment.toProps());
          try {
            act(payment);
          } catch {
            // a refused step (an invalid transition) changes nothing
          }
          expect(payment.hasUnsavedChanges).to.equal(JSON.stringify(payment.toProps()) !== before);
          props = payment.toProps();
        }
      }), { numRuns: 300 });
    });

    it('a new payment has some, and saving clears them', () => {
      const payment = newPayment();
      expect(payment.hasUnsavedChanges).to.equal(true);
      payment.markSaved();
      expect(payment.hasUnsavedChanges).to.equal(false);
      payment.markPrepared(NOW);
      expect(payment.hasUnsavedChanges).to.equal(true);
    });
  });
});
