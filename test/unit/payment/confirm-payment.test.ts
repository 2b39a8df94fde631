import { expect } from 'chai';
import sinon from 'sinon';
import { ConcurrencyConflictError } from '../../../src/shared/domain/domain-error';
import { memoryApp, type MemoryApp } from '../../support/memory-container';

/** ConfirmPayment (after the PG window) on in-memory adapters: what it asks the gateway, and what it answers. */
describe('confirming a payment after the PG window (in-memory adapters)', () => {
  let app: MemoryApp;
  let userId: string;

  beforeEach(async () => {
    app = memoryApp();
    userId = (await app.newUser()).id;
  });

  async function checkout(autoRenew = false) {
    const { payment } = await app.startCheckout.execute({ userId, planId: 'monthly', payMethod: 'card', autoRenew });
    return payment;
  }

  const settleCalls = () => app.gateway.calls.filter((c) => c.operation === 'settle').map((c) => c.args as { billingCustomerKey?: string });
  const confirm = (merchantUid: string, transactionId: string, billingCustomerKey?: string) =>
    app.confirmPayment.execute({ userId, merchantUid, transactionId, billingCustomerKey });

  it('a payment already paid and fulfilled by this transaction is answered without asking the gateway again', async () => {
    const payment = await checkout();
    const transactionId = app.gateway.buyerPays({ merchantUid: payment.merchantUid, amount: payment.amount });
    expect((await confirm(payment.merchantUid, transactionId)).verdict).to.equal('paid');
    expect(settleCalls()).to.have.length(1);
    const again = await confirm(payment.merchantUid, transactionId);
    expect(again.verdict).to.equal('paid');
    expect(again.payment.status).to.equal('paid');
    expect(settleCalls()).to.have.length(1);
  });

  it('another transaction id for a paid order is asked of the gateway, not answered from the stored payment', async () => {
    const payment = await checkout();
    const transactionId = app.gateway.buyerPays({ merchantUid: payment.merchantUid, amount: payment.amount });
    await confirm(payment.merchantUid, transactionId);
    expect(await confirm(payment.merchantUid, 'imp_unknown').catch((e) => e.message)).to.include('the gateway has no payment imp_unknown');
    expect(settleCalls()).to.have.length(2);
  });

  it('a card authorised for another customer key than the order issued is refused before the gateway is asked', async () => {
    const payment = await checkout(true);
    expect(await confirm(payment.merchantUid, 'auth_1', 'cu_someone_else').catch((e) => [e.code, e.message]))
      .to.deep.equal(['payment_not_paid', 'the card was authorised for another customer key than this order issued']);
    const noCard = await checkout(false);
    expect(await confirm(noCard.merchantUid, 'auth_2', 'cu_any').catch((e) => e.message)).to.equal('this order did not ask to store a card (auto_renew was off)');
    expect(settleCalls()).to.deep.equal([]);
  });

  it('an unpaid order asks the gateway with the customer key its checkout issued; a paid one with the key the browser named', async () => {
    const payment = await checkout(true);
    const transactionId = app.gateway.buyerPays({ merchantUid: payment.merchantUid, amount: payment.amount, customerUid: payment.customerUid });
    expect((await confirm(payment.merchantUid, transactionId, payment.customerUid as string)).verdict).to.equal('paid');
    await confirm(payment.merchantUid, 'imp_other', 'cu_named_by_browser').catch(() => undefined);
    await confirm(payment.merchantUid, 'imp_third').catch(() => undefined);
    expect(settleCalls().map((a) => a.billingCustomerKey)).to.deep.equal([payment.customerUid, 'cu_named_by_browser', undefined]);
  });

  it('the gateway silent: pending, the reported transaction noted for the reconciler', async () => {
    const payment = await checkout();
    const transactionId = app.gateway.buyerPays({ merchantUid: payment.merchantUid, amount: payment.amount });
    app.gateway.scriptNext('settle', 'unknown');
    const answer = await confirm(payment.merchantUid, transactionId);
    expect(answer.verdict).to.equal('pending');
    expect(answer.payment.reportedGatewayPaymentId).to.equal(transactionId);
    expect(answer.payment.recheckAt).to.not.equal(null);
  });

  it('the gateway refusing to settle: payment_not_paid with its message', async () => {
    const payment = await checkout();
    app.gateway.scriptNext('settle', 'rejected', 'amount differs');
    expect(await confirm(payment.merchantUid, 'imp_x').catch((e) => [e.code, e.message]))
      .to.deep.equal(['payment_not_paid', 'the gateway refused the payment: amount differs']);
  });

  it('a transaction of another order changes nothing', async () => {
    const mine = await checkout();
    const other = await checkout();
    const othersTransaction = app.gateway.buyerPays({ merchantUid: other.merchantUid, amount: other.amount });
    expect(await confirm(mine.merchantUid, othersTransaction).catch((e) => e.message)).to.equal(`payment ${othersTransaction} belongs to another order`);
    expect((await app.payments.findByMerchantUid(mine.merchantUid))?.status).to.equal('await');
  });

  it('a payment the card company declined answers failed', async () => {
    const declined = await checkout();
    const declinedId = app.gateway.buyerPays({ merchantUid: declined.merchantUid, amount: declined.amount, action: 'declined' });
    expect((await confirm(declined.merchantUid, declinedId)).verdict).to.equal('failed');
  });
  it('a failed order is still checked against the customer key its checkout issued', async () => {
    const payment = await checkout(true);
    await app.settlement.change(payment.merchantUid, (p) => p.fail('window_closed', 'closed', app.clock.now()));
    expect((await app.payments.findByMerchantUid(payment.merchantUid))?.status).to.equal('failed');
    expect(await confirm(payment.merchantUid, 'auth_1', 'cu_someone_else').catch((e) => e.message))
      .to.equal('the card was authorised for another customer key than this order issued');
    expect(settleCalls()).to.deep.equal([]);
  });

  it('a failed order confirmed while the gateway is silent keeps the reported transaction for the reconciler', async () => {
    const payment = await checkout();
    await app.settlement.change(payment.merchantUid, (p) => p.fail('window_closed', 'closed', app.clock.now()));
    const transactionId = app.gateway.buyerPays({ merchantUid: payment.merchantUid, amount: payment.amount });
    app.gateway.scriptNext('settle', 'unknown');
    const answer = await confirm(payment.merchantUid, transactionId);
    expect(answer.verdict).to.equal('pending');
    expect(answer.payment.reportedGatewayPaymentId).to.equal(transactionId);
  });

  it('an error that is not the gateway\'s answer propagates instead of answering pending', async () => {
    const payment = await checkout();
    sinon.stub(app.gateway, 'settle').rejects(new TypeError('a bug'));
    expect(await confirm(payment.merchantUid, 'imp_x').catch((e) => e.message)).to.equal('a bug');
  });

  it('other writers winning every attempt to record the gateway\'s answer: pending, nothing of it recorded, the transaction noted for the reconciler', async () => {
    const payment = await checkout();
    const transactionId = app.gateway.buyerPays({ merchantUid: payment.merchantUid, amount: payment.amount });
    sinon.stub(app.memberships, 'save').rejects(new ConcurrencyConflictError('membership', 'm1'));
    const answer = await confirm(payment.merchantUid, transactionId);
    expect(answer.verdict).to.equal('pending');
    const stored = await app.payments.findByMerchantUid(payment.merchantUid);
    expect([stored?.status, stored?.isFulfilled, stored?.reportedGatewayPaymentId]).to.deep.equal(['await', false, transactionId]);
  });

  /** Our recording of the gateway's answer loses every attempt to other writers; `meanwhile` is what one of them recorded. */
  function loseEveryAttemptWhile(meanwhile: () => Promise<unknown>) {
    const settle = sinon.stub(app.settlement, 'settle').callsFake(async (target) => {
      settle.restore();
      await meanwhile();
      throw new ConcurrencyConflictError('payment', typeof target === 'string' ? target : target.id);
    });
  }
  const notice = (merchantUid: string, gatewayPaymentId: string) => app.webhooks.receive({ gatewayPaymentId, merchantUid, status: 'paid' }, '{}', null);

  it('other writers winning every attempt, one of them recording the payment paid and applied: paid, with the payment as that writer left it', async () => {
    const payment = await checkout();
    const transactionId = app.gateway.buyerPays({ merchantUid: payment.merchantUid, amount: payment.amount });
    loseEveryAttemptWhile(() => notice(payment.merchantUid, transactionId));
    const answer = await confirm(payment.merchantUid, transactionId);
    expect([answer.verdict, answer.payment.status, answer.payment.isFulfilled, answer.payment.gatewayPaymentId]).to.deep.equal(['paid', 'paid', true, transactionId]);
    expect(await app.memberships.findLiveByUserId(userId)).to.not.equal(null);
  });

  it('other writers winning every attempt, one of them recording the payment applied and refunded at the gateway: paid (it was paid)', async () => {
    const payment = await checkout();
    const transactionId = app.gateway.buyerPays({ merchantUid: payment.merchantUid, amount: payment.amount });
    await app.gateway.cancel({ gatewayPaymentId: transactionId, merchantUid: payment.merchantUid, amount: payment.amount, checksum: payment.amount, reason: 'console' });
    loseEveryAttemptWhile(() => notice(payment.merchantUid, transactionId));
    const answer = await confirm(payment.merchantUid, transactionId);
    expect([answer.verdict, answer.payment.status, answer.payment.isFulfilled]).to.deep.equal(['paid', 'cancelled', true]);
  });

  it('other writers winning every attempt, one of them recording the payment paid but not yet applied to a membership: pending', async () => {
    const payment = await checkout();
    const transactionId = app.gateway.buyerPays({ merchantUid: payment.merchantUid, amount: payment.amount });
    loseEveryAttemptWhile(async () => {
      // Its membership not yet started (the fulfilment is still on its way).
      const fulfilments = [sinon.stub(app.fulfil, 'fulfilInTransaction').resolves(null), sinon.stub(app.fulfil, 'handle').resolves()];
      await notice(payment.merchantUid, transactionId);
      for (const stub of fulfilments) stub.restore();
    });
    const answer = await confirm(payment.merchantUid, transactionId);
    expect([answer.verdict, answer.payment.status, answer.payment.isFulfilled]).to.deep.equal(['pending', 'paid', false]);
  });

  it('an error recording the gateway\'s answer that is not a lost race propagates instead of answering pending', async () => {
    const payment = await checkout();
    const transactionId = app.gateway.buyerPays({ merchantUid: payment.merchantUid, amount: payment.amount });
    sinon.stub(app.memberships, 'save').rejects(new TypeError('a bug'));
    expect(await confirm(payment.merchantUid, transactionId).catch((e) => e.message)).to.equal('a bug');
  });

  it('a note of the transaction that cannot be written (not a lost race) stops before the gateway is asked: nothing is settled the reconciler would not know to ask about', async () => {
    const payment = await checkout();
    const transactionId = app.gateway.buyerPays({ merchantUid: payment.merchantUid, amount: payment.amount });
    sinon.stub(app.payments, 'save').rejects(new TypeError('disk full'));
    expect(await confirm(payment.merchantUid, transactionId).catch((e) => e.message)).to.equal('disk full');
    expect(settleCalls()).to.deep.equal([]);
  });

  it('a note of the transaction that loses every retry does not stop the gateway being asked and its answer recorded', async () => {
    const payment = await checkout();
    const transactionId = app.gateway.buyerPays({ merchantUid: payment.merchantUid, amount: payment.amount });
    const save = app.payments.save.bind(app.payments);
    let lost = 0;
    sinon.stub(app.payments, 'save').callsFake(async (p) => {
      if (p.status === 'await' && lost < 8) {
        lost += 1;
        throw new ConcurrencyConflictError('payment', p.id);
      }
      return save(p);
    });
    const answer = await confirm(payment.merchantUid, transactionId);
    expect([lost, answer.verdict, answer.payment.status]).to.deep.equal([8, 'paid', 'paid']);
    expect(settleCalls()).to.have.length(1);
  });

  it('a payment refunded at the gateway before we confirmed it answers paid (it was paid), recorded as cancelled', async () => {
    const payment = await checkout();
    const transactionId = app.gateway.buyerPays({ merchantUid: payment.merchantUid, amount: payment.amount });
    await app.gateway.cancel({ gatewayPaymentId: transactionId, merchantUid: payment.merchantUid, amount: payment.amount, checksum: payment.amount, reason: 'console' });
    const answer = await confirm(payment.merchantUid, transactionId);
    expect(answer.verdict).to.equal('paid');
    expect(answer.payment.status).to.equal('cancelled');
  });

  it('a payment the gateway still holds open is not paid: payment_not_paid with the gateway\'s status', async () => {
    const payment = await checkout();
    const transactionId = app.gateway.buyerPays({ merchantUid: payment.merchantUid, amount: payment.amount });
    sinon.stub(app.gateway, 'settle').resolves({ ...app.gateway.peek(transactionId)!, status: 'ready', paidAt: null });
    const error = await confirm(payment.merchantUid, transactionId).catch((e) => e);
    expect([error.code, error.message, error.details]).to.deep.equal(['payment_not_paid', `the gateway holds payment ${transactionId} as ready, not paid`, { gateway_status: 'ready' }]);
    expect((await app.payments.findByMerchantUid(payment.merchantUid))?.status).to.equal('await');
  });
});
