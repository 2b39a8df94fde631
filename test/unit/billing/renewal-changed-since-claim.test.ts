import { expect } from 'chai';
import { DateTime } from 'luxon';
import sinon from 'sinon';
import type { User } from '../../../src/identity/domain/user.entity';
import type { CancelMembership } from '../../../src/membership/application/cancel-membership.use-case';
import type { SetAutoRenew } from '../../../src/membership/application/set-auto-renew.use-case';
import { MEMBERSHIP } from '../../../src/membership/membership.tokens';
import type { Logger } from '../../../src/shared/application/logger.port';
import { SHARED } from '../../../src/shared/shared.tokens';
import { memoryApp, type MemoryApp } from '../../support/memory-container';

const kst = (iso: string) => DateTime.fromISO(iso, { zone: 'Asia/Seoul' }).toJSDate();

/**
 * The run claims a batch of due memberships, then charges them one by one: each is read again right
 * before its charge, and charged only if it still renews the period the claim saw on the same card
 * (live, auto-renewing, same billing key, same period). Otherwise nothing reaches the gateway, the
 * renewal counts as skipped (neither charged nor failed) and the operator is told why.
 */
describe('a renewal whose membership changed between the claim and the charge (in-memory adapters)', () => {
  let app: MemoryApp;
  let user: User;

  beforeEach(async () => {
    app = memoryApp();
    app.clock.freezeAt(kst('2027-01-31T10:00'));
    user = await app.autoRenewingMember('Kim Changing');
    app.clock.freezeAt(kst('2027-02-28T10:00'));
  });
  afterEach(() => sinon.restore());

  const renewalCharges = () => app.gateway.calls.filter((c) => c.operation === 'chargeBillingKey');

  /** `meanwhile` runs right after the run's first claim, before any charge. */
  function afterTheClaim(meanwhile: () => Promise<unknown>) {
    const claim = sinon.stub(app.memberships, 'claimDueForRenewal').callThrough();
    claim.onFirstCall().callsFake(async (...args) => {
      const leased = await claim.wrappedMethod.apply(app.memberships, args);
      await meanwhile();
      return leased;
    });
  }

  async function changeMembership(change: (m: NonNullable<Awaited<ReturnType<MemoryApp['memberships']['findById']>>>) => void) {
    await app.uow.run(async () => {
      const membership = (await app.memberships.findLiveByUserId(user.id))!;
      change(membership);
      await app.memberships.save(membership);
    });
  }

  async function expectNotCharged() {
    const run = await app.renewals.execute();
    expect(run).to.include({ charged: 0, failed: 0, skipped: 1 });
    expect(renewalCharges(), 'nothing reaches the gateway').to.deep.equal([]);
    expect(app.eventsOfType('MembershipRenewed')).to.deep.equal([]);
    expect(app.eventsOfType('RenewalFailed')).to.deep.equal([]);
  }

  it('cancelled (ended now) after the claim: not charged, counted as skipped', async () => {
    afterTheClaim(() => app.container.get<CancelMembership>(MEMBERSHIP.CancelMembership).execute({ userId: user.id, refund: false, reason: null, endNow: true }));
    await expectNotCharged();
    expect((await app.memberships.findLatestByUserId(user.id))?.status).to.equal('cancelled');
  });

  it('auto-renew turned off after the claim: not charged, counted as skipped; its period over, the same run lets it expire (not past due)', async () => {
    afterTheClaim(() => app.container.get<SetAutoRenew>(MEMBERSHIP.SetAutoRenew).execute(user.id, false));
    await expectNotCharged();
    expect((await app.memberships.findLatestByUserId(user.id))?.toProps()).to.include({ status: 'expired', autoRenew: false, periodNo: 1, renewalAttempts: 0 });
  });

  it('the card changed after the claim: the old card is not charged, counted as skipped', async () => {
    afterTheClaim(() => changeMembership((m) => m.attachBillingKey('cu_new_card', app.clock.now())));
    await expectNotCharged();
    expect((await app.memberships.findLatestByUserId(user.id))?.toProps()).to.include({ status: 'active', billingKey: 'cu_new_card', periodNo: 1 });
  });

  it('the period bought by a purchase after the claim: the renewal of the old period is not charged, counted as skipped', async () => {
    afterTheClaim(async () => {
      const { payment } = await app.startCheckout.execute({ userId: user.id, planId: 'monthly', payMethod: 'card', autoRenew: true });
      const paid = app.gateway.buyerPays({ merchantUid: payment.merchantUid, amount: payment.amount, customerUid: payment.customerUid });
      await app.confirmPayment.execute({ userId: user.id, merchantUid: payment.merchantUid, transactionId: paid });
      app.gateway.calls.length = 0;
    });
    await expectNotCharged();
    expect((await app.memberships.findLatestByUserId(user.id))?.toProps()).to.include({ status: 'active', autoRenew: true, periodNo: 2 });
  });

  it('a membership that cannot be read again before its charge is not charged, counted as skipped', async () => {
    afterTheClaim(async () => {
      sinon.stub(app.memberships, 'findById').resolves(null);
    });
    await expectNotCharged();
  });

  it('the operator is told which renewal was not charged and why', async () => {
    const told = sinon.spy(app.container.get<Logger>(SHARED.Logger), 'info');
    afterTheClaim(() => app.container.get<SetAutoRenew>(MEMBERSHIP.SetAutoRenew).execute(user.id, false));
    await app.renewals.execute();
    const membership = (await app.memberships.findLatestByUserId(user.id))!;
    expect(told.args.filter(([, message]) => message === 'renewal not charged: the membership changed since it was claimed').map(([fields]) => fields))
      .to.deep.equal([{ membershipId: membership.id, merchantUid: `renewal-${membership.id}-2` }]);
  });
});
