import { expect } from 'chai';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { TrialAlreadyUsedError } from '../../../src/membership/domain/membership.errors';
import type { AppConfig } from '../../../src/config';
import sinon from 'sinon';
import type { SeekConsents } from '../../../src/billing/application/seek-consents.use-case';
import { BILLING } from '../../../src/billing/billing.tokens';
import { memoryApp, type MemoryApp } from '../../support/memory-container';
import { rejection } from '../../support/rejection';
import type { RefundPayment } from '../../../src/payment/application/refund-payment.use-case';
import { PAYMENT } from '../../../src/payment/payment.tokens';

const kst = (iso: string) => DateTime.fromISO(iso, { zone: 'Asia/Seoul' }).toJSDate();
const DAY = 24 * 60 * 60 * 1000;
const withTrial = (config: AppConfig): AppConfig => ({ ...config, plans: config.plans.map((p) => (p.id === 'monthly' ? { ...p, trialDays: 14 } : p)) });

describe('consent before a higher charge (renewals, in-memory adapters, virtual clock)', () => {
  let app: MemoryApp;

  beforeEach(() => {
    app = memoryApp({}, withTrial);
  });

  async function memberSince(start: Date, name = 'Kim Buyer') {
    app.clock.freezeAt(start);
    const user = await app.autoRenewingMember(name);
    return user;
  }

  async function runAt(at: Date) {
    app.clock.freezeAt(at);
    return app.renewals.execute();
  }

  const charges = (userId: string) => app.gateway.calls
    .filter((c) => c.operation === 'chargeBillingKey' && (c.args as { customerUid: string }).customerUid === `cu_${userId}`)
    .map((c) => (c.args as { amount: number }).amount);

  it('a price rise opens a consent request inside the window, sent by e-mail and SMS; accepted, the new price is charged', async () => {
    const user = await memberSince(kst('2027-01-10T10:00'));
    await app.schedulePrice.execute('monthly', 12900, kst('2027-02-01T00:00'));

    await runAt(kst('2027-01-11T10:00'));
    const [request] = await app.consents.listByUser(user.id);
    expect(request.toProps()).to.include({ status: 'pending', oldAmount: 9900, newAmount: 12900, periodNo: 2 });
    expect(request.changeAt.toISOString()).to.equal(kst('2027-02-10T10:00').toISOString());
    expect(app.notifier.sent.filter((n) => n.kind === 'consent_request').map((n) => n.to)).to.deep.equal([user.email]);
    expect(app.sms.sent.filter((s) => s.kind === 'consent_request').map((s) => s.userId)).to.deep.equal([user.id]);
    // Asked once, however many runs pass.
    await runAt(kst('2027-01-20T10:00'));
    expect(await app.consents.listByUser(user.id)).to.have.length(1);

    await app.answerConsent.execute(user.id, request.id, true);
    await runAt(kst('2027-02-10T10:00'));
    expect(charges(user.id)).to.deep.equal([12900]);
  });

  it('opens nothing for a rise more than the window away', async () => {
    const user = await memberSince(kst('2027-01-10T10:00'));
    await app.schedulePrice.execute('monthly', 12900, kst('2027-03-01T00:00'));
    await runAt(kst('2027-01-11T10:00'));
    expect(await app.consents.listByUser(user.id)).to.deep.equal([]);
    await runAt(kst('2027-02-10T10:00'));
    expect(charges(user.id)).to.deep.equal([9900]);
  });

  it('no answer by the day before: the higher price is never charged, auto-renew ends, the member is told, and the membership ends at the period end', async () => {
    const user = await memberSince(kst('2027-01-10T10:00'));
    await app.schedulePrice.execute('monthly', 12900, kst('2027-02-01T00:00'));
    await runAt(kst('2027-01-11T10:00'));

    await runAt(kst('2027-02-09T10:00'));
    const [request] = await app.consents.listByUser(user.id);
    expect(request.status).to.equal('expired');
    const live = await app.memberships.findLiveByUserId(user.id);
    expect(live?.toProps()).to.include({ autoRenew: false, cancelAtPeriodEnd: true, nextChargeAt: null });
    expect(app.notifier.sent.filter((n) => n.kind === 'consent_missing').map((n) => n.to)).to.deep.equal([user.email]);
    expect(app.sms.sent.filter((s) => s.kind === 'consent_missing')).to.have.length(1);

    await runAt(kst('2027-02-10T10:00'));
    expect(charges(user.id)).to.deep.equal([]);
    expect((await app.memberships.findLatestByUserId(user.id))?.status).to.equal('cancelled');
  });

  it('a decline stops the renewal when it is given; an answer after it is refused', async () => {
    const user = await memberSince(kst('2027-01-10T10:00'));
    await app.schedulePrice.execute('monthly', 12900, kst('2027-02-01T00:00'));
    await runAt(kst('2027-01-11T10:00'));
    const [request] = await app.consents.listByUser(user.id);

    const { membership } = await app.answerConsent.execute(user.id, request.id, false);
    expect(membership.toProps()).to.include({ autoRenew: false, cancelAtPeriodEnd: true });
    await expectRejection(app.answerConsent.execute(user.id, request.id, true), 'consent_closed');
    await runAt(kst('2027-02-10T10:00'));
    expect(charges(user.id)).to.deep.equal([]);
  });

  it('a request is answered only by its member', async () => {
    const user = await memberSince(kst('2027-01-10T10:00'));
    const other = await app.newUser('Other');
    await app.schedulePrice.execute('monthly', 12900, kst('2027-02-01T00:00'));
    await runAt(kst('2027-01-11T10:00'));
    const [request] = await app.consents.listByUser(user.id);
    await expectRejection(app.answerConsent.execute(other.id, request.id, true), 'consent_not_found');
  });

  it('a rise scheduled too late to ask in time is never charged', async () => {
    const user = await memberSince(kst('2027-01-10T10:00'));
    app.clock.freezeAt(kst('2027-02-09T12:00'));
    await app.schedulePrice.execute('monthly', 12900, kst('2027-02-10T00:00'));
    await runAt(kst('2027-02-10T10:00'));
    expect(charges(user.id)).to.deep.equal([]);
    expect(app.notifier.sent.filter((n) => n.kind === 'consent_missing')).to.have.length(1);
  });

  it('the charge step itself refuses an amount above the ceiling, even when no consent step ran before it', async () => {
    const user = await memberSince(kst('2027-01-10T10:00'));
    await app.schedulePrice.execute('monthly', 12900, kst('2027-02-01T00:00'));
    const skipped = sinon.stub(app.container.get<SeekConsents>(BILLING.SeekConsents), 'execute').resolves({ opened: 0, stopped: 0, trialNotices: 0 });
    await runAt(kst('2027-02-10T10:00'));
    expect(skipped.callCount).to.equal(1);
    expect(charges(user.id)).to.deep.equal([]);
    expect((await app.memberships.findLatestByUserId(user.id))?.toProps()).to.include({ autoRenew: false });
    expect(app.notifier.sent.filter((n) => n.kind === 'consent_missing').map((n) => n.to), 'the member is told').to.deep.equal([user.email]);
  });

  it('a lower price needs no consent, is charged, and lowers the ceiling', async () => {
    const user = await memberSince(kst('2027-01-10T10:00'));
    await app.schedulePrice.execute('monthly', 7900, kst('2027-02-01T00:00'));
    await runAt(kst('2027-02-10T10:00'));
    expect(charges(user.id)).to.deep.equal([7900]);
    expect(await app.consents.listByUser(user.id)).to.deep.equal([]);
    expect((await app.memberships.findLiveByUserId(user.id))?.chargeCeiling(app.config.plans[0])).to.equal(7900);
  });

  it('the renewal reminder waits for consent: a charge not yet agreed is not announced as coming', async () => {
    const user = await memberSince(kst('2027-01-10T10:00'));
    await app.schedulePrice.execute('monthly', 12900, kst('2027-02-01T00:00'));
    expect(await runAt(kst('2027-02-08T10:00'))).to.include({ reminded: 0 });
    expect(app.notifier.sent.filter((n) => n.kind === 'renewal_reminder' && n.to === user.email)).to.deep.equal([]);
  });
});

describe('free trials (in-memory adapters, virtual clock)', () => {
  let app: MemoryApp;

  beforeEach(() => {
    app = memoryApp({}, withTrial);
  });

  const charges = (userId: string) => app.gateway.calls
    .filter((c) => c.operation === 'chargeBillingKey' && (c.args as { customerUid: string }).customerUid === `cu_${userId}`)
    .map((c) => (c.args as { amount: number }).amount);

  async function trialFrom(start: Date) {
    app.clock.freezeAt(start);
    const user = await app.newUser();
    const offer = await app.startTrial.offer(user.id, 'monthly');
    app.gateway.buyerStoresCard(offer.customerUid);
    const membership = await app.startTrial.confirm(user.id, 'monthly');
    return { user, membership };
  }

  it('stores the card without a charge; the notice goes out 7 days before the end by e-mail and SMS; the end charges only with consent', async () => {
    const start = kst('2027-01-10T10:00');
    const { user, membership } = await trialFrom(start);
    expect(membership.inTrial).to.equal(true);
    expect(app.gateway.calls.filter((c) => c.operation === 'chargeBillingKey' || c.operation === 'prepare')).to.deep.equal([]);

    // The trial's end is the first charge: above the zero consented, so a request opens at once (inside 30 days).
    app.clock.freezeAt(kst('2027-01-10T11:00'));
    await app.renewals.execute();
    const [request] = await app.consents.listByUser(user.id);
    expect(request.toProps()).to.include({ oldAmount: 0, newAmount: 9900, periodNo: 1 });
    expect(app.notifier.sent.filter((n) => n.kind === 'trial_ending')).to.deep.equal([]);

    app.clock.freezeAt(new Date(membership.periodEnd.getTime() - 7 * DAY));
    await app.renewals.execute();
    expect(app.notifier.sent.filter((n) => n.kind === 'trial_ending').map((n) => n.to)).to.deep.equal([user.email]);
    expect(app.sms.sent.filter((s) => s.kind === 'trial_ending').map((s) => s.userId)).to.deep.equal([user.id]);
    await app.renewals.execute();
    expect(app.notifier.sent.filter((n) => n.kind === 'trial_ending')).to.have.length(1);

    await app.answerConsent.execute(user.id, request.id, true);
    app.clock.freezeAt(membership.periodEnd);
    await app.renewals.execute();
    expect(charges(user.id)).to.deep.equal([9900]);
    expect((await app.memberships.findLiveByUserId(user.id))?.periodNo).to.equal(1);
  });

  it('without consent the trial ends with no charge, and the plan\'s trial cannot be had again', async () => {
    const { user, membership } = await trialFrom(kst('2027-01-10T10:00'));
    app.clock.freezeAt(new Date(membership.periodEnd.getTime() + 1));
    await app.renewals.execute();
    await app.renewals.execute();
    expect(charges(user.id)).to.deep.equal([]);
    expect((await app.memberships.findLatestByUserId(user.id))?.isLive).to.equal(false);
    expect(await rejection(app.startTrial.offer(user.id, 'monthly'))).to.be.instanceOf(TrialAlreadyUsedError);
  });

  it('refuses to start a trial before the gateway holds the card', async () => {
    app.clock.freezeAt(kst('2027-01-10T10:00'));
    const user = await app.newUser();
    await expectRejection(app.startTrial.confirm(user.id, 'monthly'), 'card_not_stored');
    expect(await app.memberships.findLatestByUserId(user.id)).to.equal(null);
  });

  it('refuses a trial of a plan without one, and beside a live membership', async () => {
    app.clock.freezeAt(kst('2027-01-10T10:00'));
    const user = await app.newUser();
    await expectRejection(app.startTrial.offer(user.id, 'annual'), 'no_trial');
    const { user: member } = await trialFrom(kst('2027-01-10T10:00'));
    await expectRejection(app.startTrial.offer(member.id, 'monthly'), 'membership_exists');
  });
});

describe('a pending consent request that no longer asks about the next charge (in-memory adapters, virtual clock)', () => {
  let app: MemoryApp;

  beforeEach(() => {
    app = memoryApp({}, withTrial);
  });

  // One member per test: every renewal charge is theirs.
  const charges = () => app.gateway.calls.filter((c) => c.operation === 'chargeBillingKey').map((c) => (c.args as { amount: number }).amount);
  const told = (kind: string) => app.notifier.sent.filter((n) => n.kind === kind);
  const texted = (kind: string) => app.sms.sent.filter((s) => s.kind === kind);

  async function buy(userId: string, planId: 'monthly' | 'annual') {
    const { payment } = await app.startCheckout.execute({ userId, planId, payMethod: 'card', autoRenew: true });
    const id = app.gateway.buyerPays({ merchantUid: payment.merchantUid, amount: payment.amount, customerUid: payment.customerUid });
    await app.confirmPayment.execute({ userId, merchantUid: payment.merchantUid, transactionId: id });
    return payment;
  }

  /** A trial with the request for the charge at its end opened, then a monthly extension bought during it. */
  async function trialExtendedWhilePending() {
    app.clock.freezeAt(kst('2027-01-10T10:00'));
    const user = await app.newUser();
    app.gateway.buyerStoresCard((await app.startTrial.offer(user.id, 'monthly')).customerUid);
    const trial = await app.startTrial.confirm(user.id, 'monthly');
    await app.renewals.execute();
    const [request] = await app.consents.listByUser(user.id);
    expect(request.toProps()).to.include({ status: 'pending', periodNo: 1, oldAmount: 0, newAmount: 9900 });
    app.clock.advance(2 * DAY);
    await buy(user.id, 'monthly');
    const paid = await app.memberships.findLiveByUserId(user.id);
    expect(paid?.toProps()).to.include({ periodNo: 1, consentedAmount: 9900, autoRenew: true });
    return { user, trial, request, paid: paid as NonNullable<typeof paid> };
  }

  it('a trial extended by a paid purchase: the request for the trial\'s end lapses as moot, auto-renew stays on and no "ends" notice goes out', async () => {
    const { user, trial, request, paid } = await trialExtendedWhilePending();

    app.clock.freezeAt(request.answerBy);
    const run = await app.renewals.execute();
    expect((await app.consents.findById(request.id))?.toProps()).to.include({ status: 'moot', mootReason: 'not_next_charge' });
    const live = await app.memberships.findLiveByUserId(user.id);
    expect(live?.toProps()).to.include({ autoRenew: true, cancelAtPeriodEnd: false });
    expect(live?.nextChargeAt?.toISOString()).to.equal(paid.periodEnd.toISOString());
    expect(told('consent_missing'), 'no "your membership ends" e-mail').to.deep.equal([]);
    expect(texted('consent_missing'), 'nor the text').to.deep.equal([]);
    expect(app.eventsOfType('MembershipRenewalStoppedWithoutConsent')).to.deep.equal([]);
    expect(run.due).to.equal(0);

    // The trial's end is no charge (it is paid for); the paid period's end renews at what the member paid.
    app.clock.freezeAt(trial.periodEnd);
    await app.renewals.execute();
    expect(charges()).to.deep.equal([]);
    app.clock.freezeAt(paid.periodEnd);
    await app.renewals.execute();
    expect(charges()).to.deep.equal([9900]);
    expect((await app.consents.listByUser(user.id)).map((r) => r.status)).to.deep.equal(['moot']);
  });

  it('a trial extended by a paid purchase: declining the stale request closes it as moot and leaves the paid membership renewing', async () => {
    const { user, request } = await trialExtendedWhilePending();
    const { request: answered, membership } = await app.answerConsent.execute(user.id, request.id, false);
    expect(answered.toProps()).to.include({ status: 'moot', mootReason: 'not_next_charge', answeredAt: null });
    expect(membership.toProps()).to.include({ autoRenew: true, cancelAtPeriodEnd: false });
    expect(answered.isOpen(app.clock.now())).to.equal(false);
  });

  it('a stale request closed as moot is asked again when its charge is due again (the extension refunded by an operator: a trial again)', async () => {
    const { user, trial, request } = await trialExtendedWhilePending();
    await app.answerConsent.execute(user.id, request.id, true);
    expect((await app.consents.findById(request.id))?.status).to.equal('moot');
    const [extension] = (await app.payments.listByUser(user.id)).filter((p) => p.purpose.kind === 'purchase');
    await app.container.get<RefundPayment>(PAYMENT.RefundPayment).execute({ merchantUid: extension.merchantUid, amount: null, reason: 'goodwill' });
    expect((await app.memberships.findLiveByUserId(user.id))?.inTrial).to.equal(true);
    const before = told('consent_request').length;

    await app.renewals.execute();
    const reopened = await app.consents.findById(request.id);
    expect(reopened?.toProps()).to.include({ status: 'pending', mootReason: null, oldAmount: 0, newAmount: 9900 });
    expect(reopened?.isOpen(app.clock.now())).to.equal(true);
    expect(told('consent_request'), 'the member is asked again').to.have.length(before + 1);
    await app.answerConsent.execute(user.id, request.id, true);
    app.clock.freezeAt(trial.periodEnd);
    await app.renewals.execute();
    expect(charges()).to.deep.equal([9900]);
  });

  it('a price rise withdrawn before its deadline: the request lapses as moot and the renewal charges the price in force', async () => {
    const user = await autoRenewing(kst('2027-01-10T10:00'));
    await app.schedulePrice.execute('monthly', 12900, kst('2027-02-01T00:00'));
    await runAt(kst('2027-01-11T10:00'));
    const [request] = await app.consents.listByUser(user.id);
    // The operator takes the rise back: a later change to the old price at the same moment wins.
    await app.schedulePrice.execute('monthly', 9900, kst('2027-02-01T00:00'));

    await runAt(request.answerBy);
    expect((await app.consents.findById(request.id))?.toProps()).to.include({ status: 'moot', mootReason: 'price_changed' });
    expect((await app.memberships.findLiveByUserId(user.id))?.toProps()).to.include({ autoRenew: true, cancelAtPeriodEnd: false });
    expect(told('consent_missing')).to.deep.equal([]);
    await runAt(kst('2027-02-10T10:00'));
    expect(charges()).to.deep.equal([9900]);
  });

  it('a rise raised again: the member accepts the newer request, and the older one lapses as moot without stopping the renewal', async () => {
    const user = await autoRenewing(kst('2027-01-10T10:00'));
    await app.schedulePrice.execute('monthly', 12900, kst('2027-02-01T00:00'));
    await runAt(kst('2027-01-11T10:00'));
    await app.schedulePrice.execute('monthly', 13900, kst('2027-02-01T00:00'));
    await runAt(kst('2027-01-12T10:00'));
    const [newer, older] = await app.consents.listByUser(user.id);
    expect([newer.newAmount, older.newAmount]).to.deep.equal([13900, 12900]);
    await app.answerConsent.execute(user.id, newer.id, true);

    await runAt(older.answerBy);
    expect((await app.consents.findById(older.id))?.toProps()).to.include({ status: 'moot', mootReason: 'within_consent' });
    expect((await app.memberships.findLiveByUserId(user.id))?.autoRenew).to.equal(true);
    expect(told('consent_missing')).to.deep.equal([]);
    await runAt(kst('2027-02-10T10:00'));
    expect(charges()).to.deep.equal([13900]);
  });

  it('a member on a price-rise request who buys the annual plan: the monthly request lapses as moot, and the renewal is the annual plan\'s at what was paid', async () => {
    const user = await autoRenewing(kst('2027-01-10T10:00'));
    await app.schedulePrice.execute('monthly', 12900, kst('2027-02-01T00:00'));
    await runAt(kst('2027-01-11T10:00'));
    const [request] = await app.consents.listByUser(user.id);
    await buy(user.id, 'annual');
    const extended = await app.memberships.findLiveByUserId(user.id);
    expect(extended?.toProps()).to.include({ planId: 'annual', consentedAmount: 99000, periodNo: 2 });

    await runAt(request.answerBy);
    expect((await app.consents.findById(request.id))?.toProps()).to.include({ status: 'moot', mootReason: 'not_next_charge' });
    expect((await app.memberships.findLiveByUserId(user.id))?.autoRenew).to.equal(true);
    expect(told('consent_missing')).to.deep.equal([]);
    await runAt(extended?.periodEnd as Date);
    expect(charges()).to.deep.equal([99000]);
    expect(await app.consents.listByUser(user.id)).to.have.length(1);
  });

  it('silence on a request that still asks about the next charge still stops the renewal (the rule the moot case must not weaken)', async () => {
    const { user, trial } = await (async () => {
      app.clock.freezeAt(kst('2027-01-10T10:00'));
      const u = await app.newUser();
      app.gateway.buyerStoresCard((await app.startTrial.offer(u.id, 'monthly')).customerUid);
      return { user: u, trial: await app.startTrial.confirm(u.id, 'monthly') };
    })();
    await app.renewals.execute();
    const [request] = await app.consents.listByUser(user.id);
    app.clock.freezeAt(request.answerBy);
    await app.renewals.execute();
    expect((await app.consents.findById(request.id))?.toProps()).to.include({ status: 'expired', mootReason: null });
    expect((await app.memberships.findLiveByUserId(user.id))?.toProps()).to.include({ autoRenew: false, cancelAtPeriodEnd: true });
    expect(told('consent_missing')).to.have.length(1);
    app.clock.freezeAt(trial.periodEnd);
    await app.renewals.execute();
    expect(charges()).to.deep.equal([]);
  });

  async function autoRenewing(start: Date) {
    app.clock.freezeAt(start);
    return app.autoRenewingMember();
  }

  async function runAt(at: Date) {
    app.clock.freezeAt(at);
    return app.renewals.execute();
  }
});

describe('property: no charge ever exceeds the last consented amount', () => {
  it('over simulated years of random price changes, consents, declines, silences and trials (seeded)', async function () {
    this.timeout(120_000);
    const step = fc.record({
      days: fc.integer({ min: 1, max: 30 }),
      priceChange: fc.option(fc.record({ amount: fc.integer({ min: 50, max: 200 }).map((n) => n * 100), inDays: fc.integer({ min: 1, max: 60 }) }), { freq: 3 }),
      answer: fc.constantFrom<'accept' | 'decline' | 'ignore'>('accept', 'decline', 'ignore'),
      rebuy: fc.boolean(),
    });
    await fc.assert(fc.asyncProperty(fc.boolean(), fc.array(step, { minLength: 40, maxLength: 80 }), async (startWithTrial, steps) => {
      const app = memoryApp({}, withTrial);
      let now = kst('2027-01-10T10:00');
      app.clock.freezeAt(now);
      const user = await app.newUser();
      // The ceiling a model of the law keeps: what was last paid, raised only by an accepted consent.
      let ceiling = 0;
      const buy = async () => {
        const { payment } = await app.startCheckout.execute({ userId: user.id, planId: 'monthly', payMethod: 'card', autoRenew: true });
        const id = app.gateway.buyerPays({ merchantUid: payment.merchantUid, amount: payment.amount, customerUid: payment.customerUid });
        await app.confirmPayment.execute({ userId: user.id, merchantUid: payment.merchantUid, transactionId: id });
        ceiling = payment.amount;
      };
      if (startWithTrial) {
        app.gateway.buyerStoresCard((await app.startTrial.offer(user.id, 'monthly')).customerUid);
        await app.startTrial.confirm(user.id, 'monthly');
      } else {
        await buy();
      }
      let seen = 0;
      for (const s of steps) {
        now = new Date(now.getTime() + s.days * DAY);
        app.clock.freezeAt(now);
        if (s.priceChange) await app.schedulePrice.execute('monthly', s.priceChange.amount, new Date(now.getTime() + s.priceChange.inDays * DAY));
        for (const request of await app.consents.listByUser(user.id)) {
          if (!request.isOpen(now) || s.answer === 'ignore') continue;
          await app.answerConsent.execute(user.id, request.id, s.answer === 'accept');
          if (s.answer === 'accept') ceiling = request.newAmount;
        }
        await app.renewals.execute();
        const all = app.gateway.calls.filter((c) => c.operation === 'chargeBillingKey').map((c) => (c.args as { amount: number }).amount);
        for (const amount of all.slice(seen)) {
          if (amount > ceiling) return false;
          ceiling = amount;
        }
        seen = all.length;
        if (s.rebuy && !(await app.memberships.findLiveByUserId(user.id))) await buy();
      }
      return true;
    }), { seed: 2112, numRuns: 25 });
  });
});

async function expectRejection(promise: Promise<unknown>, code: string): Promise<void> {
  expect((await rejection(promise)) as { code?: string }).to.have.property('code', code);
}
