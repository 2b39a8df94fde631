import { expect } from 'chai';
import sinon from 'sinon';
import { PaymentSettlement } from '../../../src/payment/application/payment-settlement.service';
import type { Logger } from '../../../src/shared/application/logger.port';
import { silentLogger } from '../../../src/shared/infrastructure/logger';
import { UlidIdGenerator } from '../../../src/shared/infrastructure/ulid-id-generator';
import { memoryApp, type MemoryApp } from '../../support/memory-container';

/** PaymentSettlement, the one way a payment moves: what it writes, and how it sends and settles refunds. */
describe('payment settlement (in-memory adapters)', () => {
  let app: MemoryApp;
  let userId: string;

  beforeEach(async () => {
    app = memoryApp();
    userId = (await app.newUser()).id;
  });

  async function paid() {
    const { payment } = await app.startCheckout.execute({ userId, planId: 'monthly', payMethod: 'card', autoRenew: false });
    const gatewayPaymentId = app.gateway.buyerPays({ merchantUid: payment.merchantUid, amount: payment.amount });
    await app.confirmPayment.execute({ userId, merchantUid: payment.merchantUid, transactionId: gatewayPaymentId });
    return { merchantUid: payment.merchantUid, gatewayPaymentId };
  }

  const refundsOf = async (merchantUid: string) => (await app.payments.findByMerchantUid(merchantUid))?.cancellations ?? [];
  const askRefund = (merchantUid: string) =>
    app.settlement.change(merchantUid, (p) => { p.requestRefund({ id: 'rf_1', reason: 'test', requestedBy: 'admin', now: app.clock.now() }); });

  it('a change that changes nothing writes nothing', async () => {
    const { merchantUid } = await paid();
    const before = await app.payments.findByMerchantUid(merchantUid);
    const save = sinon.spy(app.payments, 'save');
    const after = await app.settlement.change(merchantUid, () => undefined);
    expect(save.callCount).to.equal(0);
    expect(after.version).to.equal(before?.version);
  });

  it('a change that records no event is one versioned write, outside a unit of work', async () => {
    const { payment } = await app.startCheckout.execute({ userId, planId: 'monthly', payMethod: 'card', autoRenew: false });
    const run = sinon.spy(app.uow, 'run');
    const save = sinon.spy(app.payments, 'save');
    await app.settlement.change(payment.merchantUid, (p) => p.recheckLater(new Date('2027-01-01T00:00:00Z'), app.clock.now()));
    expect(save.callCount).to.equal(1);
    expect(run.callCount).to.equal(0);
    expect((await app.payments.findByMerchantUid(payment.merchantUid))?.recheckAt?.toISOString()).to.equal('2027-01-01T00:00:00.000Z');
  });

  it('an unknown merchant_uid is payment_not_found', async () => {
    expect(await app.settlement.change('mp_nobody', () => undefined).catch((e) => e.code)).to.equal('payment_not_found');
  });

  it('a refusal whose balance shows the refund happened earlier (its answer lost) settles it as refunded, not refused', async () => {
    const { merchantUid, gatewayPaymentId } = await paid();
    const requested = await askRefund(merchantUid);
    app.gateway.scriptNext('cancel', 'lost');
    const unanswered = await app.settlement.sendPendingRefunds(requested);
    expect(unanswered.cancellations.map((c) => [c.status, c.unansweredAt !== null])).to.deep.equal([['pending', true]]);
    app.gateway.scriptNext('cancel', 'rejected', '이미 전액취소된 주문입니다.');
    const settled = await app.settlement.sendPendingRefunds(unanswered);
    expect(settled.cancellations.map((c) => c.status)).to.deep.equal(['refunded']);
    expect(settled.status).to.equal('cancelled');
    expect(app.gateway.peek(gatewayPaymentId)?.cancelledAmount).to.equal(9900);
  });

  it('a refusal the gateway\'s balance cannot be read for stays pending and unanswered, for the reconciler', async () => {
    const { merchantUid } = await paid();
    const requested = await askRefund(merchantUid);
    app.gateway.scriptNext('cancel', 'rejected', 'no');
    app.gateway.scriptNext('getPayment', 'unknown');
    await app.settlement.sendPendingRefunds(requested);
    expect((await refundsOf(merchantUid)).map((c) => [c.status, c.unansweredAt !== null])).to.deep.equal([['pending', true]]);
  });

  it('a refusal confirmed by the balance is rejected with the gateway\'s message and logged once', async () => {
    const { merchantUid } = await paid();
    const warnings: string[] = [];
    const logger = { ...silentLogger(), warn: (_fields: unknown, message: string) => { warnings.push(message); } } as unknown as Logger;
    const settlement = new PaymentSettlement(app.payments, app.gateway, app.uow, app.clock, new UlidIdGenerator(), logger);
    const requested = await askRefund(merchantUid);
    app.gateway.scriptNext('cancel', 'rejected', '정산된 거래');
    const settled = await settlement.sendPendingRefunds(requested);
    expect(settled.cancellations.map((c) => [c.status, c.gatewayMessage])).to.deep.equal([['rejected', '정산된 거래']]);
    expect(settled.status).to.equal('paid');
    expect(warnings).to.deep.equal(['refund refused by the gateway']);
  });

  it('an error that is not the gateway\'s answer propagates and leaves the refund pending', async () => {
    const { merchantUid } = await paid();
    const requested = await askRefund(merchantUid);
    sinon.stub(app.gateway, 'cancel').rejects(new TypeError('a bug'));
    expect(await app.settlement.sendPendingRefunds(requested).catch((e) => e.message)).to.equal('a bug');
    expect((await refundsOf(merchantUid)).map((c) => [c.status, c.unansweredAt])).to.deep.equal([['pending', null]]);
  });

  it('settle answers what the payment bought when it fulfilled it, and nothing when replayed', async () => {
    const { payment } = await app.startCheckout.execute({ userId, planId: 'monthly', payMethod: 'card', autoRenew: false });
    const gatewayPaymentId = app.gateway.buyerPays({ merchantUid: payment.merchantUid, amount: payment.amount });
    const first = await app.settlement.settle(payment.merchantUid, app.gateway.peek(gatewayPaymentId)!);
    expect(first.payment.status).to.equal('paid');
    expect((first.bought as { userId: string } | null)?.userId).to.equal(userId);
    const replay = await app.settlement.settle(payment.merchantUid, app.gateway.peek(gatewayPaymentId)!);
    expect(replay.bought).to.equal(null);
  });
  it('given the payment its caller just read, the first attempt does not read it again', async () => {
    const { merchantUid } = await paid();
    const current = (await app.payments.findByMerchantUid(merchantUid))!;
    const reads = sinon.spy(app.payments, 'findByMerchantUid');
    await app.settlement.change(current, (p) => p.noteRefundsUnanswered(['none'], app.clock.now()));
    expect(reads.callCount).to.equal(0);
  });

  describe('what it logs and how it treats the gateway\'s other answers', () => {
    let warnings: Array<{ fields: unknown; message: string }>;
    let settlement: PaymentSettlement;

    beforeEach(() => {
      warnings = [];
      const logger = { ...silentLogger(), warn: (fields: unknown, message: string) => { warnings.push({ fields, message }); } } as unknown as Logger;
      settlement = new PaymentSettlement(app.payments, app.gateway, app.uow, app.clock, new UlidIdGenerator(), logger);
    });

    it('a refund whose answer is unknown is logged with its order and id', async () => {
      const { merchantUid } = await paid();
      const requested = await askRefund(merchantUid);
      app.gateway.scriptNext('cancel', 'unknown');
      await settlement.sendPendingRefunds(requested);
      expect(warnings).to.deep.equal([{ fields: { merchantUid, refund: 'rf_1' }, message: 'refund outcome unknown; the reconciler will settle it' }]);
    });

    it('a refusal whose balance read fails with an error that is not the gateway\'s answer propagates', async () => {
      const { merchantUid } = await paid();
      const requested = await askRefund(merchantUid);
      app.gateway.scriptNext('cancel', 'rejected', 'no');
      sinon.stub(app.gateway, 'getPayment').rejects(new TypeError('a bug'));
      expect(await settlement.sendPendingRefunds(requested).catch((e) => e.message)).to.equal('a bug');
    });

    it('a refusal for a payment the gateway no longer knows is rejected', async () => {
      const { merchantUid } = await paid();
      const requested = await askRefund(merchantUid);
      app.gateway.scriptNext('cancel', 'rejected', '취소할 결제건이 존재하지 않습니다.');
      sinon.stub(app.gateway, 'getPayment').resolves(null);
      const settled = await settlement.sendPendingRefunds(requested);
      expect(settled.cancellations.map((c) => c.status)).to.deep.equal(['rejected']);
    });

    it('logs a refusal only for the refund refused now, not an earlier one, nor one the balance shows done', async () => {
      const { merchantUid } = await paid();
      const first = await settlement.change(merchantUid, (p) => { p.requestRefund({ id: 'rf_1', amount: 1000, reason: 'test', requestedBy: 'admin', now: app.clock.now() }); });
      app.gateway.scriptNext('cancel', 'rejected', 'no');
      await settlement.sendPendingRefunds(first);
      expect(warnings.map((w) => w.message)).to.deep.equal(['refund refused by the gateway']);
      const second = await settlement.change(merchantUid, (p) => { p.requestRefund({ id: 'rf_2', amount: 2000, reason: 'test', requestedBy: 'admin', now: app.clock.now() }); });
      app.gateway.scriptNext('cancel', 'lost');
      const unanswered = await settlement.sendPendingRefunds(second);
      app.gateway.scriptNext('cancel', 'rejected', 'already cancelled');
      const settled = await settlement.sendPendingRefunds(unanswered);
      expect(settled.cancellations.map((c) => [c.id, c.status])).to.deep.equal([['rf_1', 'rejected'], ['rf_2', 'refunded']]);
      expect(warnings.map((w) => w.message)).to.deep.equal(['refund refused by the gateway', 'refund outcome unknown; the reconciler will settle it']);
    });
  });
});
