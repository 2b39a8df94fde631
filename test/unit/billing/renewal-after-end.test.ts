import { expect } from 'chai';
import { DateTime } from 'luxon';
import sinon from 'sinon';
import type { PasswordHasher } from '../../../src/identity/application/password-hasher.port';
import type { User } from '../../../src/identity/domain/user.entity';
import { IDENTITY } from '../../../src/identity/identity.tokens';
import { ScryptPasswordHasher } from '../../../src/identity/infrastructure/scrypt-password-hasher';
import type { CancelMembership } from '../../../src/membership/application/cancel-membership.use-case';
import type { DeleteAccount } from '../../../src/membership/application/delete-account.use-case';
import type { RemoveCard } from '../../../src/membership/application/remove-card.use-case';
import type { SetAutoRenew } from '../../../src/membership/application/set-auto-renew.use-case';
import { MEMBERSHIP } from '../../../src/membership/membership.tokens';
import { type GatewayPayment, GatewayRejectedError, type PaymentPaidEvent } from '../../../src/payment/payment.api';
import type { Logger } from '../../../src/shared/application/logger.port';
import { SHARED } from '../../../src/shared/shared.tokens';
import { aPayment } from '../../support/builders/payment.builder';
import { memoryApp, type MemoryApp } from '../../support/memory-container';

const kst = (iso: string) => DateTime.fromISO(iso, { zone: 'Asia/Seoul' }).toJSDate();
const PASSWORD = 'correct horse battery';

/**
 * A renewal charge that lands once its membership can no longer take it (ended by the member's cancel
 * or their account's deletion, its period bought meanwhile, or the member stopped renewing) buys nothing: it is returned whole at
 * the gateway, once, and the membership is left as it is (in-memory adapters, virtual clock).
 */
describe('a renewal charge for a membership that ended meanwhile (in-memory adapters)', () => {
  let app: MemoryApp;

  beforeEach(() => {
    app = memoryApp();
    app.container.rebind(IDENTITY.PasswordHasher).toConstantValue(new ScryptPasswordHasher({ N: 1024, r: 8, p: 1 }));
  });
  afterEach(() => sinon.restore());

  /** A monthly member with a card since Jan 31, their first renewal due at the clock's time (Feb 28). */
  async function dueMember() {
    app.clock.freezeAt(kst('2027-01-31T10:00'));
    const passwordHash = await app.container.get<PasswordHasher>(IDENTITY.PasswordHasher).hash(PASSWORD);
    const user: User = { id: 'member1', email: 'member1@example.com', name: 'Kim Leaving', passwordHash, language: 'ko', createdAt: app.clock.now() };
    await app.users.add(user);
    const { payment } = await app.startCheckout.execute({ userId: user.id, planId: 'monthly', payMethod: 'card', autoRenew: true });
    const gatewayPaymentId = app.gateway.buyerPays({ merchantUid: payment.merchantUid, amount: payment.amount, customerUid: payment.customerUid });
    await app.confirmPayment.execute({ userId: user.id, merchantUid: payment.merchantUid, transactionId: gatewayPaymentId });
    const membership = (await app.memberships.findLiveByUserId(user.id))!;
    app.clock.freezeAt(kst('2027-02-28T10:00'));
    return { user, membership, merchantUid: `renewal-${membership.id}-2` };
  }

  const cancelWithRefund = (userId: string) =>
    app.container.get<CancelMembership>(MEMBERSHIP.CancelMembership).execute({ userId, refund: true, reason: null });
  const deleteAccount = (userId: string) =>
    app.container.get<DeleteAccount>(MEMBERSHIP.DeleteAccount).execute({ userId, password: PASSWORD, refund: true, ip: '127.0.0.1' });
  const renewalCharges = () => app.gateway.calls.filter((c) => c.operation === 'chargeBillingKey');
  const returnsAtGateway = (gatewayPaymentId: string) => app.gateway.peek(gatewayPaymentId)?.cancellations.map((c) => c.amount);

  /** The gateway takes the money, then `meanwhile` runs before its answer is applied. */
  function chargeThen(meanwhile: () => Promise<unknown>) {
    const charge = sinon.stub(app.gateway, 'chargeBillingKey');
    charge.callsFake(async (request) => {
      const truth: GatewayPayment = await charge.wrappedMethod.call(app.gateway, request);
      await meanwhile();
      return truth;
    });
  }

  async function expectReturnedWhole(merchantUid: string, reason: string) {
    const payment = (await app.payments.findByMerchantUid(merchantUid))!;
    expect([payment.status, payment.failure?.code, payment.isFulfilled, payment.paidAt, payment.cancelledAmount]).to.deep.equal(['failed', reason, false, null, 9900]);
    expect(payment.cancellations.map((c) => [c.kind, c.amount, c.status, c.reason, c.requestedBy])).to.deep.equal([['mismatch_return', 9900, 'refunded', reason, 'system']]);
    expect(app.gateway.peek(payment.gatewayPaymentId!)).to.include({ status: 'cancelled', cancelledAmount: 9900 });
    expect(returnsAtGateway(payment.gatewayPaymentId!), 'returned once').to.deep.equal([9900]);
    return payment;
  }

  it('cancelled with a refund while the charge was at the gateway: the charge is returned whole, the membership stays cancelled, nothing is recorded as declined', async () => {
    const { user, merchantUid } = await dueMember();
    chargeThen(() => cancelWithRefund(user.id));

    const run = await app.renewals.execute();
    expect(run).to.include({ charged: 0, failed: 0 });
    await expectReturnedWhole(merchantUid, 'membership_ended');
    expect((await app.memberships.findLatestByUserId(user.id))?.toProps()).to.include({ status: 'cancelled', periodNo: 1 });
    expect(app.eventsOfType('MembershipRenewed')).to.deep.equal([]);
    expect(app.eventsOfType('RenewalFailed')).to.deep.equal([]);
  });

  it('an answer lost, the member cancels, the reconciler finds the charge paid: it is returned whole', async () => {
    const { user, merchantUid } = await dueMember();
    app.gateway.scriptNext('chargeBillingKey', 'lost');
    expect(await app.renewals.execute()).to.include({ skipped: 1 });
    await cancelWithRefund(user.id);

    app.clock.freezeAt(kst('2027-02-28T11:00')); // past the payment TTL
    await app.reconcile.execute();
    await expectReturnedWhole(merchantUid, 'membership_ended');
    expect((await app.memberships.findLatestByUserId(user.id))?.toProps()).to.include({ status: 'cancelled', periodNo: 1 });
    expect(await app.reconcile.execute(), 'nothing left to ask').to.deep.equal({ checked: 0, settled: 0 });
  });

  it('two notices and a reconciler run at once for that charge return it once', async () => {
    const { user, merchantUid } = await dueMember();
    app.gateway.scriptNext('chargeBillingKey', 'lost');
    await app.renewals.execute();
    await cancelWithRefund(user.id);
    const [charge] = app.gateway.allPayments().filter((p) => p.merchantUid === merchantUid);

    app.clock.freezeAt(kst('2027-02-28T11:00'));
    const notice = { gatewayPaymentId: charge.gatewayPaymentId, merchantUid, status: 'paid' as const };
    await Promise.all([app.webhooks.receive(notice, '{}', null), app.webhooks.receive(notice, '{}', null), app.reconcile.execute()]);
    await app.reconcile.execute();
    await expectReturnedWhole(merchantUid, 'membership_ended');
  });

  it('the period bought by a purchase while the charge was at the gateway: the renewal is returned whole (period_already_paid), the member neither past due nor given a second month', async () => {
    const { user, merchantUid } = await dueMember();
    chargeThen(async () => {
      const { payment } = await app.startCheckout.execute({ userId: user.id, planId: 'monthly', payMethod: 'card', autoRenew: false });
      const paid = app.gateway.buyerPays({ merchantUid: payment.merchantUid, amount: payment.amount });
      await app.confirmPayment.execute({ userId: user.id, merchantUid: payment.merchantUid, transactionId: paid });
    });

    expect(await app.renewals.execute()).to.include({ charged: 0, failed: 0 });
    await expectReturnedWhole(merchantUid, 'period_already_paid');
    const membership = (await app.memberships.findLiveByUserId(user.id))!;
    expect(membership.toProps()).to.include({ status: 'active', periodNo: 2, renewalAttempts: 0 });
    expect(DateTime.fromJSDate(membership.periodEnd, { zone: 'Asia/Seoul' }).toISODate()).to.equal('2027-03-31');
    expect(app.eventsOfType('RenewalFailed')).to.deep.equal([]);
  });

  it('a paid renewal the relay brings to an ended membership (FulfilPaidPayment.handle) is never applied: the reconciler returns it whole', async () => {
    const { user, membership, merchantUid } = await dueMember();
    const charged = await app.gateway.chargeBillingKey({ customerUid: membership.billingKey!, merchantUid, amount: 9900, name: 'renewal' });
    const paid = aPayment().forUser(user.id).with({
      merchantUid, customerUid: membership.billingKey, purpose: { kind: 'renewal', planId: 'monthly', membershipId: membership.id, periodNo: 2 },
    }).paid(charged.paidAt!, charged.gatewayPaymentId).build();
    await app.uow.run(() => app.payments.save(paid));
    await cancelWithRefund(user.id);

    await app.fulfil.handle({ payload: { paymentId: paid.id } } as PaymentPaidEvent);
    const owed = (await app.payments.findByMerchantUid(merchantUid))!;
    expect([owed.status, owed.failure?.code]).to.deep.equal(['failed', 'membership_ended']);
    expect(owed.pendingCancellations.map((c) => [c.kind, c.amount, c.reason])).to.deep.equal([['mismatch_return', 9900, 'membership_ended']]);
    await app.fulfil.handle({ payload: { paymentId: paid.id } } as PaymentPaidEvent);
    expect((await app.payments.findByMerchantUid(merchantUid))?.cancellations).to.have.length(1);

    await app.reconcile.execute();
    await expectReturnedWhole(merchantUid, 'membership_ended');
  });

  it('the account deleted after the run claimed the membership and before its charge: nothing is charged', async () => {
    const { user } = await dueMember();
    // The card's release at the gateway is late (an unknown outcome: the outbox tries again later).
    app.gateway.scriptNext('deleteBillingKey', 'unknown');
    const claim = sinon.stub(app.memberships, 'claimDueForRenewal').callThrough();
    claim.onFirstCall().callsFake(async (...args) => {
      const leased = await claim.wrappedMethod.apply(app.memberships, args);
      await app.container.get<DeleteAccount>(MEMBERSHIP.DeleteAccount).execute({ userId: user.id, password: PASSWORD, refund: true, ip: '127.0.0.1' });
      return leased;
    });

    expect(await app.renewals.execute()).to.include({ charged: 0, failed: 0 });
    expect(renewalCharges()).to.deep.equal([]);
    expect((await app.memberships.findLatestByUserId(user.id))?.status).to.equal('cancelled');
  });

  it('the account deleted while the charge was at the gateway: its order is closed, the charge returned whole (account_deleted)', async () => {
    const { user, merchantUid } = await dueMember();
    chargeThen(() => app.container.get<DeleteAccount>(MEMBERSHIP.DeleteAccount).execute({ userId: user.id, password: PASSWORD, refund: true, ip: '127.0.0.1' }));

    expect(await app.renewals.execute()).to.include({ charged: 0, failed: 0 });
    await expectReturnedWhole(merchantUid, 'account_deleted');
    expect((await app.memberships.findLatestByUserId(user.id))?.status).to.equal('cancelled');
    expect(app.eventsOfType('RenewalFailed')).to.deep.equal([]);
  });

  it('a charge returned whole counts as skipped (neither charged nor declined), and the operator is told which membership\'s charge is returned and why', async () => {
    const { user, membership, merchantUid } = await dueMember();
    const warned = sinon.spy(app.container.get<Logger>(SHARED.Logger), 'warn');
    chargeThen(() => cancelWithRefund(user.id));

    expect(await app.renewals.execute()).to.include({ charged: 0, failed: 0, skipped: 1 });
    const message = 'renewal charge bought nothing (the membership changed while it was at the gateway); it is returned whole';
    expect(warned.args.filter(([, m]) => m === message).map(([fields]) => fields)).to.deep.equal([{ membershipId: membership.id, merchantUid, reason: 'membership_ended' }]);
  });

  it('a charge the gateway refuses after the member deleted their account meanwhile: its order is closed, counted as skipped, no decline recorded against the member', async () => {
    const { user, merchantUid } = await dueMember();
    sinon.stub(app.gateway, 'chargeBillingKey').callsFake(async () => {
      await deleteAccount(user.id);
      throw new GatewayRejectedError('카드 정지');
    });

    expect(await app.renewals.execute()).to.include({ charged: 0, failed: 0, skipped: 1 });
    const payment = (await app.payments.findByMerchantUid(merchantUid))!;
    expect([payment.status, payment.failure?.code]).to.deep.equal(['failed', 'account_deleted']);
    expect((await app.memberships.findLatestByUserId(user.id))?.status).to.equal('cancelled');
    expect(app.eventsOfType('RenewalFailed')).to.deep.equal([]);
  });

  it('the period\'s payment an earlier run left unanswered, its order closed by the deletion of the account just before this run saves it: the card is neither asked about nor charged, counted as skipped', async () => {
    const { user, membership, merchantUid } = await dueMember();
    app.gateway.scriptNext('chargeBillingKey', 'unknown'); // the earlier run never reached the card
    expect(await app.renewals.execute()).to.include({ skipped: 1 });
    expect((await app.payments.findByMerchantUid(merchantUid))?.status).to.equal('await');
    app.clock.freezeAt(kst('2027-02-28T11:00')); // its lease over
    app.gateway.calls.length = 0;
    // The member deletes their account right after this run has read the membership again (still renewing) and before it saves the period's payment.
    let armed = false;
    const claim = sinon.stub(app.memberships, 'claimDueForRenewal').callThrough();
    claim.onFirstCall().callsFake(async (...args) => {
      const leased = await claim.wrappedMethod.apply(app.memberships, args);
      armed = true;
      return leased;
    });
    const findById = sinon.stub(app.memberships, 'findById').callThrough();
    findById.callsFake(async (id) => {
      const found = await findById.wrappedMethod.call(app.memberships, id);
      if (armed && id === membership.id) {
        armed = false;
        await deleteAccount(user.id);
      }
      return found;
    });

    expect(await app.renewals.execute()).to.include({ charged: 0, failed: 0, skipped: 1 });
    expect(app.gateway.calls.filter((c) => c.operation === 'chargeBillingKey' || c.operation === 'findByMerchantUid')).to.deep.equal([]);
    const payment = (await app.payments.findByMerchantUid(merchantUid))!;
    expect([payment.status, payment.failure?.code, payment.gatewayPaymentId]).to.deep.equal(['failed', 'account_deleted', null]);
    expect(app.eventsOfType('RenewalFailed')).to.deep.equal([]);
  });

  // attacker-findings-8 (HIGH): a member who stops renewing (cancel at the period end, auto-renew off, the card
  // removed) while the run's charge is at the gateway was answered 200 with auto-renew off, then the charge was
  // kept and the renewal's card attached again: auto-renew back on, every later month charged too.
  const stops: Record<string, (userId: string) => Promise<unknown>> = {
    'cancelled at the period end (refund:false)': (userId) =>
      app.container.get<CancelMembership>(MEMBERSHIP.CancelMembership).execute({ userId, refund: false, reason: null }),
    'auto-renew turned off': (userId) => app.container.get<SetAutoRenew>(MEMBERSHIP.SetAutoRenew).execute(userId, false),
    'the stored card removed': (userId) => app.container.get<RemoveCard>(MEMBERSHIP.RemoveCard).execute(userId),
  };

  for (const [how, stop] of Object.entries(stops)) {
    it(`${how} while the charge was at the gateway: the charge is returned whole and the membership still does not renew`, async () => {
      const { user, merchantUid } = await dueMember();
      chargeThen(() => stop(user.id));

      expect(await app.renewals.execute()).to.include({ charged: 0 });
      const membership = (await app.memberships.findLatestByUserId(user.id))!;
      expect(membership.toProps(), 'the member stopped renewing').to.include({ autoRenew: false, nextChargeAt: null, periodNo: 1 });
      const payment = (await app.payments.findByMerchantUid(merchantUid))!;
      await app.reconcile.execute();
      const settled = (await app.payments.findByMerchantUid(merchantUid))!;
      expect([settled.status, settled.cancelledAmount], `the renewal charge of ${payment.amount} KRW is kept`).to.deep.equal(['failed', 9900]);
      expect(settled.failure?.code).to.equal('renewal_stopped');
      expect(settled.cancellations.map((c) => [c.kind, c.reason, c.requestedBy, c.status])).to.deep.equal([['mismatch_return', 'renewal_stopped', 'system', 'refunded']]);
      expect(app.gateway.peek(settled.gatewayPaymentId!)).to.include({ status: 'cancelled', cancelledAmount: 9900 });
    });
  }

  // attacker-findings-8b (HIGH): the returned charge burns the period's merchant_uid (renewal-<id>-<period>, closed
  // for good). A member who turns auto-renew back on before the run ends the membership is due again, but every
  // run finds that closed order and skips: never charged, never ended, and access granted for as long as it lasts.
  it('auto-renew turned off while the charge was at the gateway, then on again before the run ended the membership: the member is charged for the next period or loses access, never a free month', async () => {
    const { user } = await dueMember();
    const setAutoRenew = (on: boolean) => app.container.get<SetAutoRenew>(MEMBERSHIP.SetAutoRenew).execute(user.id, on);
    chargeThen(() => setAutoRenew(false));
    // The member changes their mind once the charge has been returned, before this run ends what is over.
    const listOver = sinon.stub(app.memberships, 'listOver').callThrough();
    listOver.onFirstCall().callsFake(async (...args) => {
      await setAutoRenew(true);
      return listOver.wrappedMethod.apply(app.memberships, args);
    });
    await app.renewals.execute();
    listOver.restore();

    for (const day of ['2027-03-01', '2027-03-05', '2027-03-15']) {
      app.clock.freezeAt(kst(`${day}T10:00`));
      await app.renewals.execute();
      await app.reconcile.execute();
    }
    const now = app.clock.now();
    const membership = (await app.memberships.findLatestByUserId(user.id))!;
    const paidRenewals = (await app.payments.listByUser(user.id)).filter((p) => p.purpose.kind === 'renewal' && p.status === 'paid');
    expect(
      { access: membership.grantsAccess(now), paidThrough: membership.periodEnd > now, paidRenewals: paidRenewals.length },
      `on ${now.toISOString()}: ${JSON.stringify(membership.toProps())}`,
    ).to.satisfy((m: { access: boolean; paidThrough: boolean }) => !m.access || m.paidThrough);
  });
});
