import { expect } from 'chai';
import { DateTime } from 'luxon';
import sinon from 'sinon';
import type { User } from '../../../src/identity/domain/user.entity';
import type { CancelMembership } from '../../../src/membership/application/cancel-membership.use-case';
import type { RemoveCard } from '../../../src/membership/application/remove-card.use-case';
import type { SetAutoRenew } from '../../../src/membership/application/set-auto-renew.use-case';
import { MEMBERSHIP } from '../../../src/membership/membership.tokens';
import type { GatewayPayment } from '../../../src/payment/payment.api';
import { memoryApp, type MemoryApp } from '../../support/memory-container';

const kst = (iso: string) => DateTime.fromISO(iso, { zone: 'Asia/Seoul' }).toJSDate();

/**
 * attacker-findings-8, HIGH (money): a member who stops renewing (cancel at the period end, auto-renew
 * off, the card removed) while the run's charge is at the gateway is answered 200 with auto-renew off,
 * then the charge lands, is kept, and FulfilPaidPayment attaches the renewal's card again: auto-renew
 * back on, cancel_at_period_end cleared, so every later month is charged too. Seen against the running
 * app (sandbox latency 1.5 s, the cancel sent 300 ms after `POST /api/admin/renewals/run`).
 * A charge for a membership that no longer renews is returned whole and the member's choice stays.
 */
describe('a renewal charge for a membership that stopped renewing meanwhile (in-memory adapters)', () => {
  let app: MemoryApp;

  beforeEach(() => {
    app = memoryApp();
  });
  afterEach(() => sinon.restore());

  async function dueMember() {
    app.clock.freezeAt(kst('2027-01-31T10:00'));
    const user: User = { id: 'member1', email: 'member1@example.com', name: 'Kim Stopping', passwordHash: 'x', language: 'ko', createdAt: app.clock.now() };
    await app.users.add(user);
    const { payment } = await app.startCheckout.execute({ userId: user.id, planId: 'monthly', payMethod: 'card', autoRenew: true });
    const gatewayPaymentId = app.gateway.buyerPays({ merchantUid: payment.merchantUid, amount: payment.amount, customerUid: payment.customerUid });
    await app.confirmPayment.execute({ userId: user.id, merchantUid: payment.merchantUid, transactionId: gatewayPaymentId });
    const membership = (await app.memberships.findLiveByUserId(user.id))!;
    app.clock.freezeAt(kst('2027-02-28T10:00'));
    return { user, membership, merchantUid: `renewal-${membership.id}-2` };
  }

  /** The gateway takes the money, then `meanwhile` runs before its answer is applied. */
  function chargeThen(meanwhile: () => Promise<unknown>) {
    const charge = sinon.stub(app.gateway, 'chargeBillingKey');
    charge.callsFake(async (request) => {
      const truth: GatewayPayment = await charge.wrappedMethod.call(app.gateway, request);
      await meanwhile();
      return truth;
    });
  }

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
      expect(app.gateway.peek(settled.gatewayPaymentId!)).to.include({ status: 'cancelled', cancelledAmount: 9900 });
    });
  }
});
