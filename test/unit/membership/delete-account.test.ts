import { expect } from 'chai';
import sinon from 'sinon';
import type { PasswordHasher } from '../../../src/identity/application/password-hasher.port';
import type { User } from '../../../src/identity/domain/user.entity';
import { IDENTITY } from '../../../src/identity/identity.tokens';
import { ScryptPasswordHasher } from '../../../src/identity/infrastructure/scrypt-password-hasher';
import type { DeleteAccount } from '../../../src/membership/application/delete-account.use-case';
import { MEMBERSHIP } from '../../../src/membership/membership.tokens';
import { memoryApp, type MemoryApp } from '../../support/memory-container';

const DAY = 24 * 60 * 60 * 1000;
const PASSWORD = 'correct horse battery';

/**
 * DELETE /api/me and the orders of the member still open: once the account is gone a payment buys
 * nothing, so a charge that reaches the gateway for one of them is returned whole (in-memory adapters).
 */
describe('DeleteAccount and the member\'s open orders (in-memory adapters)', () => {
  let app: MemoryApp;
  let deleteAccount: DeleteAccount;

  beforeEach(() => {
    app = memoryApp();
    // A cheap scrypt: the deletion checks the password once per test.
    app.container.rebind(IDENTITY.PasswordHasher).toConstantValue(new ScryptPasswordHasher({ N: 1024, r: 8, p: 1 }));
    deleteAccount = app.container.get(MEMBERSHIP.DeleteAccount);
  });
  afterEach(() => sinon.restore());

  /** A member who can confirm the deletion with PASSWORD. */
  async function member(): Promise<User> {
    const passwordHash = await app.container.get<PasswordHasher>(IDENTITY.PasswordHasher).hash(PASSWORD);
    const user: User = { id: 'member1', email: 'member1@example.com', name: 'Kim Buyer', passwordHash, language: 'ko', createdAt: app.clock.now() };
    await app.users.add(user);
    return user;
  }

  const deleteOf = (user: User, refund = true) => deleteAccount.execute({ userId: user.id, password: PASSWORD, refund, ip: '127.0.0.1' });

  async function openOrder(user: User, planId = 'annual', autoRenew = false) {
    const { payment } = await app.startCheckout.execute({ userId: user.id, planId, payMethod: 'card', autoRenew });
    return payment;
  }

  const gatewayRecord = (gatewayPaymentId: string) => app.gateway.peek(gatewayPaymentId);
  const cancelCalls = () => app.gateway.calls.filter((c) => c.operation === 'cancel');

  it('closes an order still open: it fails as account_deleted, with nothing charged or returned yet', async () => {
    const user = await member();
    const order = await openOrder(user);
    await deleteOf(user);
    const closed = await app.payments.findByMerchantUid(order.merchantUid);
    expect([closed?.status, closed?.failure?.code, closed?.cancellations.length]).to.deep.equal(['failed', 'account_deleted', 0]);
    expect(cancelCalls()).to.deep.equal([]);
  });

  it('an order paid in its still-open window after the deletion: the notice returns the whole charge, and no membership starts', async () => {
    const user = await member();
    const order = await openOrder(user);
    await deleteOf(user);
    const gatewayPaymentId = app.gateway.buyerPays({ merchantUid: order.merchantUid, amount: order.amount });
    expect(await app.webhooks.receive({ gatewayPaymentId, merchantUid: order.merchantUid, status: 'paid' }, '{}', null)).to.equal('applied');

    expect(await app.memberships.findLiveByUserId(user.id)).to.equal(null);
    expect(gatewayRecord(gatewayPaymentId)).to.include({ status: 'cancelled', cancelledAmount: 99_000 });
    const payment = await app.payments.findByMerchantUid(order.merchantUid);
    expect([payment?.status, payment?.failure?.code, payment?.cancelledAmount, payment?.paidAt, payment?.isFulfilled]).to.deep.equal(['failed', 'account_deleted', 99_000, null, false]);
    expect(payment?.cancellations.map((c) => [c.amount, c.status, c.reason, c.requestedBy])).to.deep.equal([[99_000, 'refunded', 'account_deleted', 'system']]);
    expect(app.eventsOfType('PaymentPaid')).to.deep.equal([]);
  });

  it('an order paid at the gateway before the deletion but not yet confirmed: the reconciler finds it and returns it whole', async () => {
    const user = await member();
    const order = await openOrder(user);
    const gatewayPaymentId = app.gateway.buyerPays({ merchantUid: order.merchantUid, amount: order.amount });
    await deleteOf(user);
    expect(await app.reconcile.execute()).to.deep.equal({ checked: 1, settled: 1 });

    expect(await app.memberships.findLiveByUserId(user.id)).to.equal(null);
    expect(gatewayRecord(gatewayPaymentId)).to.include({ status: 'cancelled', cancelledAmount: 99_000 });
    expect(await app.reconcile.execute(), 'nothing left to ask').to.deep.equal({ checked: 0, settled: 0 });
    expect(cancelCalls()).to.have.length(1);
  });

  it('a return the gateway does not answer stays pending (unknown, not refused); the reconciler sends it again, and it is returned once', async () => {
    const user = await member();
    const order = await openOrder(user);
    await deleteOf(user);
    const gatewayPaymentId = app.gateway.buyerPays({ merchantUid: order.merchantUid, amount: order.amount });
    app.gateway.scriptNext('cancel', 'unknown');
    await app.webhooks.receive({ gatewayPaymentId, merchantUid: order.merchantUid, status: 'paid' }, '{}', null);
    const pending = await app.payments.findByMerchantUid(order.merchantUid);
    expect(pending?.pendingCancellations.map((c) => [c.amount, c.reason, c.unansweredAt !== null])).to.deep.equal([[99_000, 'account_deleted', true]]);
    expect(gatewayRecord(gatewayPaymentId)?.cancelledAmount).to.equal(0);

    await app.reconcile.execute();
    await app.reconcile.execute();
    const returned = await app.payments.findByMerchantUid(order.merchantUid);
    expect(returned?.cancellations.map((c) => c.status)).to.deep.equal(['refunded']);
    expect(gatewayRecord(gatewayPaymentId)).to.include({ cancelledAmount: 99_000 });
    expect(gatewayRecord(gatewayPaymentId)?.cancellations).to.have.length(1);
  });

  it('a return whose answer was lost after the gateway made it is settled from the gateway\'s record, never sent twice', async () => {
    const user = await member();
    const order = await openOrder(user);
    await deleteOf(user);
    const gatewayPaymentId = app.gateway.buyerPays({ merchantUid: order.merchantUid, amount: order.amount });
    app.gateway.scriptNext('cancel', 'lost');
    await app.webhooks.receive({ gatewayPaymentId, merchantUid: order.merchantUid, status: 'paid' }, '{}', null);
    await app.reconcile.execute();
    expect((await app.payments.findByMerchantUid(order.merchantUid))?.cancellations.map((c) => c.status)).to.deep.equal(['refunded']);
    expect(gatewayRecord(gatewayPaymentId)?.cancellations).to.have.length(1);
    expect(cancelCalls()).to.have.length(1);
  });

  it('an auto-renew order paid after the deletion: the charge is returned whole and the card it stored is deleted at the gateway', async () => {
    const user = await member();
    const order = await openOrder(user, 'monthly', true);
    await deleteOf(user);
    const gatewayPaymentId = app.gateway.buyerPays({ merchantUid: order.merchantUid, amount: order.amount, customerUid: order.customerUid });
    expect(app.gateway.hasBillingKey(order.customerUid as string), 'the PG window stored the card').to.equal(true);
    await app.webhooks.receive({ gatewayPaymentId, merchantUid: order.merchantUid, status: 'paid' }, '{}', null);

    expect(gatewayRecord(gatewayPaymentId)).to.include({ status: 'cancelled', cancelledAmount: 9900 });
    expect(app.gateway.hasBillingKey(order.customerUid as string)).to.equal(false);
    await app.webhooks.receive({ gatewayPaymentId, merchantUid: order.merchantUid, status: 'paid' }, '{}', null);
    expect(app.gateway.calls.filter((c) => c.operation === 'deleteBillingKey'), 'released once').to.have.length(1);
  });

  it('an auto-renew order paid but not yet applied when the account is deleted: refunded in full, and its card deleted at the gateway', async () => {
    const user = await member();
    const order = await openOrder(user, 'monthly', true);
    const gatewayPaymentId = app.gateway.buyerPays({ merchantUid: order.merchantUid, amount: order.amount, customerUid: order.customerUid });
    // Confirmed paid, its membership not yet started (the fulfilment is still on its way).
    const fulfilments = [sinon.stub(app.fulfil, 'fulfilInTransaction').resolves(null), sinon.stub(app.fulfil, 'handle').resolves()];
    await app.settlement.applyGatewayTruth(order.merchantUid, app.gateway.peek(gatewayPaymentId)!);
    for (const stub of fulfilments) stub.restore();
    expect([(await app.payments.findByMerchantUid(order.merchantUid))?.status, await app.memberships.findLiveByUserId(user.id)]).to.deep.equal(['paid', null]);
    await deleteOf(user);
    await app.reconcile.execute();

    expect(gatewayRecord(gatewayPaymentId)).to.include({ status: 'cancelled', cancelledAmount: 9900 });
    expect(app.gateway.hasBillingKey(order.customerUid as string)).to.equal(false);
  });

  it('two notices and a reconciler run at once return the charge once', async () => {
    const user = await member();
    const order = await openOrder(user);
    await deleteOf(user);
    const gatewayPaymentId = app.gateway.buyerPays({ merchantUid: order.merchantUid, amount: order.amount });
    const notice = { gatewayPaymentId, merchantUid: order.merchantUid, status: 'paid' };
    await Promise.all([app.webhooks.receive(notice, '{}', null), app.webhooks.receive(notice, '{}', null), app.reconcile.execute()]);
    await app.reconcile.execute();

    const payment = await app.payments.findByMerchantUid(order.merchantUid);
    expect(payment?.cancellations.map((c) => [c.amount, c.status])).to.deep.equal([[99_000, 'refunded']]);
    expect(gatewayRecord(gatewayPaymentId)?.cancellations.map((c) => c.amount)).to.deep.equal([99_000]);
    expect(await app.memberships.findLiveByUserId(user.id)).to.equal(null);
  });

  it('an order confirmed paid while the deletion runs: the membership it started is ended (refunded as the member chose) before the account goes', async () => {
    const user = await member();
    const order = await openOrder(user, 'monthly');
    const gatewayPaymentId = app.gateway.buyerPays({ merchantUid: order.merchantUid, amount: order.amount });
    // The validation lands right after the deletion looked for a live membership and found none.
    const findLive = app.memberships.findLiveByUserId.bind(app.memberships);
    sinon.stub(app.memberships, 'findLiveByUserId').onFirstCall().callsFake(async (userId) => {
      const none = await findLive(userId);
      await app.confirmPayment.execute({ userId: user.id, merchantUid: order.merchantUid, transactionId: gatewayPaymentId });
      return none;
    }).callThrough();

    expect((await deleteOf(user)).refund).to.deep.include({ amount: 9900, status: 'refunded' });
    expect(await findLive(user.id)).to.equal(null);
    expect(gatewayRecord(gatewayPaymentId)).to.include({ status: 'cancelled', cancelledAmount: 9900 });
    expect((await app.users.findById(user.id))?.email).to.match(/@deleted\.invalid$/);
  });

  it('a deleted account is never charged for a renewal: its membership ended, the card was deleted at the gateway', async () => {
    const user = await member();
    const order = await openOrder(user, 'monthly', true);
    const gatewayPaymentId = app.gateway.buyerPays({ merchantUid: order.merchantUid, amount: order.amount, customerUid: order.customerUid });
    await app.confirmPayment.execute({ userId: user.id, merchantUid: order.merchantUid, transactionId: gatewayPaymentId });
    await deleteOf(user, false);
    expect(app.gateway.hasBillingKey(order.customerUid as string)).to.equal(false);

    app.clock.advance(40 * DAY);
    expect(await app.renewals.execute()).to.include({ due: 0, charged: 0 });
    expect(app.gateway.calls.filter((c) => c.operation === 'chargeBillingKey')).to.deep.equal([]);
  });

  it('a renewal charge whose answer was lost before the deletion, found paid after it, renews nothing and is returned whole', async () => {
    const user = await member();
    const order = await openOrder(user, 'monthly', true);
    const first = app.gateway.buyerPays({ merchantUid: order.merchantUid, amount: order.amount, customerUid: order.customerUid });
    await app.confirmPayment.execute({ userId: user.id, merchantUid: order.merchantUid, transactionId: first });
    const membership = await app.memberships.findLiveByUserId(user.id);
    app.clock.freezeAt(new Date((membership?.periodEnd as Date).getTime() + 60_000));
    app.gateway.scriptNext('chargeBillingKey', 'lost');
    expect(await app.renewals.execute()).to.include({ charged: 0, skipped: 1 });
    const renewal = app.gateway.allPayments().find((p) => p.merchantUid.startsWith('renewal-'));
    expect(renewal?.status).to.equal('paid');

    await deleteOf(user, false);
    await app.reconcile.execute();

    expect(gatewayRecord(renewal?.gatewayPaymentId as string)).to.include({ status: 'cancelled', cancelledAmount: 9900 });
    const recorded = await app.payments.findByMerchantUid(renewal?.merchantUid as string);
    expect([recorded?.status, recorded?.failure?.code, recorded?.cancellations.map((c) => c.reason)]).to.deep.equal(['failed', 'account_deleted', ['account_deleted']]);
    expect((await app.memberships.findById(membership?.id as string))?.periodNo).to.equal(1);
  });
});
