import { expect } from 'chai';
import fc from 'fast-check';
import { Membership, periodBoughtBy } from '../../../src/membership/domain/membership.entity';
import type { Plan } from '../../../src/pricing/domain/plan';
import { BusinessCalendar } from '../../../src/shared/domain/business-calendar';
import { aMembership } from '../../support/builders/membership.builder';

const calendar = new BusinessCalendar('Asia/Seoul');
const monthly: Plan = { id: 'monthly', names: { ko: '월간', en: 'Monthly' }, amount: 9900, currency: 'KRW', interval: 'month', intervalCount: 1 };
const annual: Plan = { id: 'annual', names: { ko: '연간', en: 'Annual' }, amount: 99000, currency: 'KRW', interval: 'year', intervalCount: 1 };
const START = new Date('2026-01-31T01:00:00.000Z'); // 10:00 on Jan 31 in Seoul

function activate(billingKey: string | null = null, plan = monthly): Membership {
  const m = Membership.activate({ id: 'm1', userId: 'u1', plan, paymentId: 'p1', amount: plan.amount, start: START, billingKey, now: START }, calendar);
  return m;
}

describe('Membership', () => {
  it('activates from a paid purchase: period 1 from paid_at, one interval long', () => {
    const m = activate();
    expect(m.status).to.equal('active');
    expect(m.periodNo).to.equal(1);
    expect(m.periodStart.toISOString()).to.equal('2026-01-31T01:00:00.000Z');
    expect(m.periodEnd.toISOString()).to.equal('2026-02-28T01:00:00.000Z');
    expect(m.nextChargeAt).to.equal(null);
    expect(m.pullEvents().map((e) => e.type)).to.deep.equal(['MembershipActivated']);
  });

  it('with a billing key, renews automatically at the period end', () => {
    const m = activate('cu_u1');
    expect(m.autoRenew).to.equal(true);
    expect(m.nextChargeAt?.toISOString()).to.equal('2026-02-28T01:00:00.000Z');
  });

  it('extends from the current end when bought while active, keeping the anchor day', () => {
    const m = activate();
    m.extend(monthly, 'p2', monthly.amount, calendar, new Date('2026-02-10T00:00:00Z'));
    expect(calendar.localDate(m.periodEnd)).to.equal('2026-03-31');
    expect(m.periodStart.toISOString()).to.equal(START.toISOString());
    m.extend(annual, 'p3', annual.amount, calendar, new Date('2026-02-11T00:00:00Z'));
    expect(calendar.localDate(m.periodEnd)).to.equal('2027-03-31');
  });

  describe('a purchase refunded in full by an operator (takeBackPurchase)', () => {
    const FEB_10 = new Date('2026-02-10T00:00:00Z');

    it('shortens an extended membership by the months of that purchase; renewals move with the end', () => {
      const m = activate('cu_u1');
      m.extend(annual, 'p2', annual.amount, calendar, FEB_10);
      m.pullEvents();
      m.takeBackPurchase(12, { plan: monthly, amount: 9900 }, calendar, FEB_10);
      expect(m.status).to.equal('active');
      expect(m.monthsPaid).to.equal(1);
      expect(m.periodEnd.toISOString()).to.equal('2026-02-28T01:00:00.000Z');
      expect(m.nextChargeAt?.toISOString(), 'the next charge is at the new end').to.equal('2026-02-28T01:00:00.000Z');
      expect(m.billingKey).to.equal('cu_u1');
      expect(m.pullEvents(), 'nothing to release: the card stays').to.deep.equal([]);
    });

    it('an extension on another plan taken back: renewals go back to the plan and the amount of the purchase left, not the refunded one\'s', () => {
      const m = activate('cu_u1');
      m.extend(annual, 'p2', annual.amount, calendar, FEB_10);
      expect([m.planId, m.chargeCeiling(annual)]).to.deep.equal(['annual', 99000]);
      m.takeBackPurchase(12, { plan: monthly, amount: 9900 }, calendar, FEB_10);
      expect(m.planId).to.equal('monthly');
      expect(m.chargeCeiling(monthly), 'what the refunded payment paid is no consent').to.equal(9900);
      expect(m.mayCharge(99000, annual)).to.equal(false);
    });

    it('keeps the next charge off when auto-renew is off', () => {
      const m = activate();
      m.extend(monthly, 'p2', monthly.amount, calendar, FEB_10);
      m.takeBackPurchase(1, { plan: monthly, amount: 9900 }, calendar, FEB_10);
      expect(m.nextChargeAt).to.equal(null);
      expect(calendar.localDate(m.periodEnd)).to.equal('2026-02-28');
    });

    it('ends the membership now when what is left was used up already', () => {
      const m = activate('cu_u1');
      m.extend(monthly, 'p2', monthly.amount, calendar, FEB_10);
      m.pullEvents();
      const MARCH_5 = new Date('2026-03-05T00:00:00Z'); // the first month is over: the second is the one under way
      m.takeBackPurchase(1, { plan: monthly, amount: 9900 }, calendar, MARCH_5);
      expect(m.status).to.equal('cancelled');
      expect(m.endedAt?.toISOString()).to.equal(MARCH_5.toISOString());
      expect(m.billingKey).to.equal(null);
      expect(m.pullEvents().map((e) => [e.type, e.payload.reason, e.payload.billingKey])).to.deep.equal([['MembershipCancelled', 'payment refunded in full', 'cu_u1']]);
    });

    it('ends the membership now when its only paid purchase is taken back, though its period has days left: they were that purchase\'s', () => {
      const m = activate('cu_u1');
      m.pullEvents();
      m.takeBackPurchase(1, null, calendar, FEB_10);
      expect(m.status).to.equal('cancelled');
      expect(m.endedAt?.toISOString(), 'not at the period end (Feb 28)').to.equal(FEB_10.toISOString());
      expect([m.autoRenew, m.nextChargeAt, m.billingKey]).to.deep.equal([false, null, null]);
      expect(m.pullEvents().map((e) => [e.type, e.payload.reason, e.payload.billingKey])).to.deep.equal([['MembershipCancelled', 'payment refunded in full', 'cu_u1']]);
      expect(m.monthsPaid, 'the months stay as they were: the membership is over').to.equal(1);
    });

    describe('of a member on a free trial who paid for an extension', () => {
      const withTrial: Plan = { ...monthly, trialDays: 14 };
      const TRIAL_END = new Date('2026-02-14T01:00:00.000Z'); // 14 days after START
      const FEB_2 = new Date('2026-02-02T00:00:00Z');
      function extendedTrial(): Membership {
        const m = Membership.startTrial({ id: 'm1', userId: 'u1', plan: withTrial, billingKey: 'cu_u1', start: START, now: START }, calendar);
        m.extend(withTrial, 'p1', 9900, calendar, FEB_2);
        m.pullEvents();
        return m;
      }

      it('began at the trial\'s start, so a purchase during the trial is one of its own (a paid membership began at its first paid period)', () => {
        const trial = extendedTrial();
        expect([trial.startedAt.toISOString(), trial.anchorAt.toISOString()]).to.deep.equal([START.toISOString(), TRIAL_END.toISOString()]);
        expect(activate().startedAt.toISOString()).to.equal(START.toISOString());
      });

      it('is a trial again when the extension is refunded in full before the trial ends: the free days run to their end, never paid', () => {
        const m = extendedTrial();
        expect(m.periodEnd.toISOString(), 'the extension ran a month past the trial').to.equal('2026-03-14T01:00:00.000Z');
        m.takeBackPurchase(1, null, calendar, FEB_10);
        expect(m.status).to.equal('active');
        expect(m.inTrial).to.equal(true);
        expect([m.periodNo, m.monthsPaid]).to.deep.equal([0, 0]);
        expect(m.periodStart.toISOString(), 'the trial\'s own start').to.equal(START.toISOString());
        expect(m.periodEnd.toISOString()).to.equal(TRIAL_END.toISOString());
        expect(m.grantsAccess(FEB_10)).to.equal(true);
        expect(m.pullEvents(), 'nothing ends, the card stays').to.deep.equal([]);
        expect(m.billingKey).to.equal('cu_u1');
      });

      it('is the trial of its own plan again when an extension on another plan is refunded; the trial\'s plan is kept through the extension', () => {
        const m = Membership.startTrial({ id: 'm1', userId: 'u1', plan: withTrial, billingKey: 'cu_u1', start: START, now: START }, calendar);
        m.extend(annual, 'p1', 99000, calendar, FEB_2);
        expect([m.planId, m.trialPlanId]).to.deep.equal(['annual', 'monthly']);
        m.takeBackPurchase(12, null, calendar, FEB_10);
        expect([m.inTrial, m.planId, m.chargeCeiling(withTrial)]).to.deep.equal([true, 'monthly', 0]);
        expect(m.nextCharge(withTrial, 9900)).to.include({ planId: 'monthly', periodNo: 1 });
      });

      it('charges first at the trial\'s end again, and only with a consent: the ceiling goes back to 0 from the refunded payment\'s 9,900', () => {
        const m = extendedTrial();
        expect(m.mayCharge(9900, withTrial)).to.equal(true);
        m.takeBackPurchase(1, null, calendar, FEB_10);
        expect([m.autoRenew, m.nextChargeAt?.toISOString(), m.nextPeriodNo]).to.deep.equal([true, TRIAL_END.toISOString(), 1]);
        expect(m.mayCharge(9900, withTrial), 'the refund took back what was paid; a trial turning paid needs consent').to.equal(false);
        m.consentTo(9900, FEB_10);
        expect(m.mayCharge(9900, withTrial)).to.equal(true);
      });

      it('keeps a cancel at the period end: the trial runs to its end and then ends, nothing charged', () => {
        const m = extendedTrial();
        m.cancel('at_period_end', 'no longer wanted', FEB_2);
        m.takeBackPurchase(1, null, calendar, FEB_10);
        expect([m.status, m.cancelAtPeriodEnd, m.autoRenew, m.nextChargeAt]).to.deep.equal(['active', true, false, null]);
        expect(m.endIfOver(new Date(TRIAL_END.getTime() - 1))).to.equal(false);
        expect(m.endIfOver(TRIAL_END)).to.equal(true);
        expect(m.status).to.equal('cancelled');
      });

      it('keeps auto-renew off when the member turned it off: the trial ends at its end without a charge', () => {
        const m = extendedTrial();
        m.setAutoRenew(false, FEB_2);
        m.takeBackPurchase(1, null, calendar, FEB_10);
        expect([m.autoRenew, m.nextChargeAt, m.periodEnd.toISOString()]).to.deep.equal([false, null, TRIAL_END.toISOString()]);
      });

      it('ends now when the extension is refunded in full after the trial is over: the days left were the extension\'s', () => {
        const m = extendedTrial();
        const MARCH_1 = new Date('2026-03-01T00:00:00Z');
        m.takeBackPurchase(1, null, calendar, MARCH_1);
        expect(m.status).to.equal('cancelled');
        expect(m.endedAt?.toISOString()).to.equal(MARCH_1.toISOString());
      });

      it('keeps the trial\'s end on the other purchase when only one of two extensions is refunded', () => {
        const m = extendedTrial();
        m.extend(withTrial, 'p2', 9900, calendar, FEB_2);
        m.takeBackPurchase(1, null, calendar, FEB_10);
        expect([m.status, m.monthsPaid, m.inTrial]).to.deep.equal(['active', 1, false]);
        expect(m.periodEnd.toISOString()).to.equal('2026-03-14T01:00:00.000Z');
        expect(m.mayCharge(9900, withTrial), 'still paid for').to.equal(true);
      });
    });

    it('is refused on a membership that has ended', () => {
      const m = activate();
      m.cancel('now', 'x', FEB_10);
      expect(() => m.takeBackPurchase(1, null, calendar, FEB_10)).to.throw(/cancelled/);
    });
  });

  describe('the period a purchase buys (what checkout announces)', () => {
    const iso = (p: { start: Date; end: Date }) => ({ start: p.start.toISOString(), end: p.end.toISOString() });

    it('without a live membership: from now, one interval by the Seoul calendar, clamped at a month end', () => {
      expect(iso(periodBoughtBy(null, monthly, START, calendar))).to.deep.equal({ start: '2026-01-31T01:00:00.000Z', end: '2026-02-28T01:00:00.000Z' });
      expect(iso(periodBoughtBy(null, annual, START, calendar))).to.deep.equal({ start: '2026-01-31T01:00:00.000Z', end: '2027-01-31T01:00:00.000Z' });
      // 23:30 on Jan 31 in Seoul is still Jan 31 there (14:30 UTC): the Seoul month end decides.
      const lateNight = new Date('2026-01-31T14:30:00.000Z');
      expect(calendar.localDate(periodBoughtBy(null, monthly, lateNight, calendar).end)).to.equal('2026-02-28');
      // What activation then records from the same instant.
      const m = Membership.activate({ id: 'm1', userId: 'u1', plan: monthly, paymentId: 'p1', amount: monthly.amount, start: lateNight, billingKey: null, now: lateNight }, calendar);
      expect(m.periodEnd.toISOString()).to.equal(periodBoughtBy(null, monthly, lateNight, calendar).end.toISOString());
    });

    it('while live: from the current end to the anchor day, and extend records exactly that end (same plan, then monthly -> annual)', () => {
      const m = activate();
      const second = periodBoughtBy(m, monthly, new Date('2026-02-10T00:00:00Z'), calendar);
      // From Feb 28 (the clamped end) to Mar 31: the anchor day, not Feb 28 + 1 month.
      expect(iso(second)).to.deep.equal({ start: '2026-02-28T01:00:00.000Z', end: '2026-03-31T01:00:00.000Z' });
      m.pullEvents();
      m.extend(monthly, 'p2', monthly.amount, calendar, new Date('2026-02-10T00:00:00Z'));
      expect(m.periodEnd.toISOString()).to.equal(second.end.toISOString());
      // What the receipt states as the period paid: the one checkout announced.
      expect(m.pullEvents()[0].payload).to.include({ paidFrom: second.start.toISOString(), periodEnd: second.end.toISOString() });

      const third = periodBoughtBy(m, annual, new Date('2026-02-11T00:00:00Z'), calendar);
      expect(iso(third)).to.deep.equal({ start: '2026-03-31T01:00:00.000Z', end: '2027-03-31T01:00:00.000Z' });
      m.extend(annual, 'p3', annual.amount, calendar, new Date('2026-02-11T00:00:00Z'));
      expect(m.periodEnd.toISOString()).to.equal(third.end.toISOString());
      expect(m.planId).to.equal('annual');
    });

    it('an ended membership does not extend: the purchase starts a new period now', () => {
      const m = activate();
      m.cancel('now', 'refund', new Date('2026-02-01T00:00:00Z'));
      const now = new Date('2026-02-05T03:00:00.000Z');
      expect(iso(periodBoughtBy(m, monthly, now, calendar))).to.deep.equal({ start: now.toISOString(), end: '2026-03-05T03:00:00.000Z' });
    });

    it('always equals what extend records, whatever the anchor and the plans bought (property)', () => {
      fc.assert(fc.property(
        fc.date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.array(fc.constantFrom(monthly, annual), { minLength: 1, maxLength: 6 }),
        (start, plans) => {
          const m = Membership.activate({ id: 'm1', userId: 'u1', plan: plans[0], paymentId: 'p1', amount: plans[0].amount, start, billingKey: null, now: start }, calendar);
          for (const plan of plans.slice(1)) {
            const announced = periodBoughtBy(m, plan, start, calendar);
            expect(announced.start.toISOString()).to.equal(m.periodEnd.toISOString());
            m.extend(plan, 'p', plan.amount, calendar, start);
            expect(m.periodEnd.toISOString()).to.equal(announced.end.toISOString());
          }
        },
      ), { numRuns: 200 });
    });
  });

  it('renews: the next period starts at the last end and ends on the anchor day', () => {
    const m = activate('cu_u1');
    m.renew(monthly, 'p2', monthly.amount, calendar, m.periodEnd);
    expect(m.periodNo).to.equal(2);
    expect(calendar.localDate(m.periodStart)).to.equal('2026-02-28');
    expect(calendar.localDate(m.periodEnd)).to.equal('2026-03-31');
    expect(m.nextChargeAt?.toISOString()).to.equal(m.periodEnd.toISOString());
  });

  it('goes past due on a declined renewal, retries on the dunning schedule, then expires', () => {
    const m = activate('cu_u1');
    const end = m.periodEnd;
    m.renewalFailed([1, 3, 5], 'declined', calendar, end);
    expect(m.status).to.equal('past_due');
    expect(m.nextChargeAt?.toISOString()).to.equal(calendar.addDays(end, 1).toISOString());
    expect(m.grantsAccess(calendar.addDays(end, 1))).to.equal(true);
    m.renewalFailed([1, 3, 5], 'declined', calendar, end);
    expect(m.nextChargeAt?.toISOString()).to.equal(calendar.addDays(end, 3).toISOString());
    m.renewalFailed([1, 3, 5], 'declined', calendar, end);
    expect(m.nextChargeAt?.toISOString()).to.equal(calendar.addDays(end, 5).toISOString());
    m.pullEvents();
    m.renewalFailed([1, 3, 5], 'declined', calendar, end);
    expect(m.status).to.equal('expired');
    expect(m.nextChargeAt).to.equal(null);
    expect(m.billingKey).to.equal(null);
    const events = m.pullEvents();
    expect(events.map((e) => e.type)).to.deep.equal(['RenewalFailed', 'MembershipExpired']);
    expect(events[1].payload).to.include({ billingKey: 'cu_u1' });
  });

  it('recovers from past due when a retry succeeds', () => {
    const m = activate('cu_u1');
    m.renewalFailed([1, 3, 5], 'declined', calendar, m.periodEnd);
    m.renew(monthly, 'p2', monthly.amount, calendar, calendar.addDays(m.periodEnd, 1));
    expect(m.status).to.equal('active');
    expect(m.renewalAttempts).to.equal(0);
    expect(calendar.localDate(m.periodEnd)).to.equal('2026-03-31');
  });

  it('cancels now: access ends, the billing key is released', () => {
    const m = activate('cu_u1');
    m.pullEvents();
    m.cancel('now', 'refund', new Date('2026-02-01T00:00:00Z'));
    expect(m.status).to.equal('cancelled');
    expect(m.grantsAccess(new Date('2026-02-01T00:00:01Z'))).to.equal(false);
    expect(m.pullEvents()[0].payload).to.include({ billingKey: 'cu_u1', reason: 'refund' });
  });

  it('cancels at the period end: access stays, no renewal, then cancelled', () => {
    const m = activate('cu_u1');
    m.cancel('at_period_end', 'no refund', new Date('2026-02-01T00:00:00Z'));
    expect(m.status).to.equal('active');
    expect(m.cancelAtPeriodEnd).to.equal(true);
    expect(m.nextChargeAt).to.equal(null);
    expect(m.grantsAccess(new Date('2026-02-27T00:00:00Z'))).to.equal(true);
    expect(m.endIfOver(new Date('2026-02-27T00:00:00Z'))).to.equal(false);
    expect(m.endIfOver(m.periodEnd)).to.equal(true);
    expect(m.status).to.equal('cancelled');
  });

  it('expires at the period end without auto-renew', () => {
    const m = activate();
    expect(m.endIfOver(m.periodEnd)).to.equal(true);
    expect(m.status).to.equal('expired');
  });

  it('refuses to act on an ended membership', () => {
    const m = activate();
    m.cancel('now', 'x', START);
    expect(() => m.extend(monthly, 'p2', monthly.amount, calendar, START)).to.throw('cannot extend');
    expect(() => m.cancel('now', 'x', START)).to.throw('cannot cancel');
  });

  it('turns auto-renew off keeping the card, and on again without a new one; refuses on without a card', () => {
    const m = activate('cu_u1');
    m.pullEvents();
    m.setAutoRenew(false, START);
    expect(m.autoRenew).to.equal(false);
    expect(m.nextChargeAt).to.equal(null);
    expect(m.billingKey).to.equal('cu_u1');
    expect(m.pullEvents(), 'nothing released').to.deep.equal([]);
    m.setAutoRenew(true, START);
    expect(m.autoRenew).to.equal(true);
    expect(m.nextChargeAt?.toISOString()).to.equal(m.periodEnd.toISOString());
    expect(() => activate().setAutoRenew(true, START)).to.throw('no card is stored');
  });

  it('releases the kept card when it ends: expired after auto-renew off, cancelled now, cancelled at the period end', () => {
    const expired = activate('cu_u1');
    expired.setAutoRenew(false, START);
    expired.pullEvents();
    expect(expired.endIfOver(expired.periodEnd)).to.equal(true);
    expect(expired.pullEvents().map((e) => [e.type, e.payload.billingKey])).to.deep.equal([['MembershipExpired', 'cu_u1']]);
    expect(expired.billingKey).to.equal(null);

    const cancelledNow = activate('cu_u1');
    cancelledNow.pullEvents();
    cancelledNow.cancel('now', 'refund', START);
    expect(cancelledNow.pullEvents().map((e) => [e.type, e.payload.billingKey])).to.deep.equal([['MembershipCancelled', 'cu_u1']]);

    const atPeriodEnd = activate('cu_u1');
    atPeriodEnd.pullEvents();
    atPeriodEnd.cancel('at_period_end', 'changed my mind', START);
    expect(atPeriodEnd.billingKey, 'kept until the period ends').to.equal('cu_u1');
    expect(atPeriodEnd.pullEvents()).to.deep.equal([]);
    expect(atPeriodEnd.endIfOver(atPeriodEnd.periodEnd)).to.equal(true);
    expect(atPeriodEnd.pullEvents().map((e) => [e.type, e.payload.billingKey])).to.deep.equal([['MembershipCancelled', 'cu_u1']]);
  });

  it('removes the card on request: auto-renew off, the key released with MembershipCardRemoved; without a card no_billing_key', () => {
    const m = activate('cu_u1');
    m.pullEvents();
    m.removeCard(START);
    expect(m).to.include({ autoRenew: false, billingKey: null, nextChargeAt: null, status: 'active' });
    expect(m.pullEvents().map((e) => [e.type, e.payload.billingKey])).to.deep.equal([['MembershipCardRemoved', 'cu_u1']]);
    expect(() => m.removeCard(START)).to.throw('no card is stored');
    expect(() => m.setAutoRenew(true, START)).to.throw('no card is stored');
  });

  it('records the period and attempt of a declined renewal', () => {
    const m = activate('cu_u1');
    m.renew(monthly, 'p2', monthly.amount, calendar, m.periodEnd);
    m.pullEvents();
    m.renewalFailed([1, 3], 'declined', calendar, m.periodEnd);
    m.renewalFailed([1, 3], 'declined', calendar, m.periodEnd);
    expect(m.pullEvents().map((e) => [e.payload.periodNo, e.payload.attempt])).to.deep.equal([[3, 1], [3, 2]]);
  });

  it('past due, then auto-renew turned off: no more retries, and it ends at the next check', () => {
    const m = activate('cu_u1');
    m.renewalFailed([1, 3, 5], 'declined', calendar, m.periodEnd);
    m.setAutoRenew(false, m.periodEnd);
    expect(m.nextChargeAt).to.equal(null);
    expect(m.isRenewalDue(calendar.addDays(m.periodEnd, 10), calendar.addDays(m.periodEnd, 10))).to.equal(false);
    expect(m.endIfOver(calendar.addDays(m.periodEnd, 1))).to.equal(true);
    expect(m.status).to.equal('expired');
  });

  it('property: renewing n times lands period n on the anchor day (clamped), never drifting', () => {
    fc.assert(fc.property(fc.date({ min: new Date('2024-01-01Z'), max: new Date('2030-01-01Z'), noInvalidDate: true }), fc.integer({ min: 1, max: 36 }), (start, n) => {
      const m = Membership.activate({ id: 'm', userId: 'u', plan: monthly, paymentId: 'p', amount: monthly.amount, start, billingKey: 'k', now: start }, calendar);
      for (let i = 0; i < n; i++) m.renew(monthly, `p${i}`, monthly.amount, calendar, m.periodEnd);
      return m.periodEnd.getTime() === calendar.addMonths(start, n + 1).getTime() && m.periodNo === n + 1;
    }), { numRuns: 200 });
  });
  describe('which membership a renewal run charges', () => {
    const END = new Date('2026-12-25T09:00:00.123Z'); // the builder's period end
    const after = (ms: number) => new Date(END.getTime() + ms);

    it('due from the next charge time on, with a card, auto-renew on and the membership live', () => {
      const renewing = aMembership().renewing().build();
      expect(renewing.isRenewalDue(after(-1), after(-1))).to.equal(false);
      expect(renewing.isRenewalDue(END, END)).to.equal(true);
      expect(renewing.isRenewalDue(after(1), after(1))).to.equal(true);
    });

    it('not due without a card, with auto-renew off, without a charge scheduled, or once ended', () => {
      expect(aMembership().renewing().with({ billingKey: null }).build().isRenewalDue(END, END), 'no card').to.equal(false);
      expect(aMembership().renewing().with({ autoRenew: false }).build().isRenewalDue(END, END), 'auto-renew off').to.equal(false);
      expect(aMembership().renewing().with({ nextChargeAt: null }).build().isRenewalDue(END, END), 'nothing scheduled').to.equal(false);
      expect(aMembership().renewing().with({ status: 'cancelled' }).build().isRenewalDue(END, END), 'cancelled').to.equal(false);
      expect(aMembership().renewing().with({ status: 'expired' }).build().isRenewalDue(END, END), 'expired').to.equal(false);
      expect(aMembership().renewing().pastDue(END).build().isRenewalDue(END, END), 'past due').to.equal(true);
    });

    it('not due while another worker\'s lease runs, due again once it ran out', () => {
      const leased = aMembership().renewing().with({ renewalLeaseUntil: after(60_000) }).build();
      expect(leased.isRenewalDue(END, END)).to.equal(false);
      expect(leased.isRenewalDue(END, after(60_000))).to.equal(true);
      expect(leased.isRenewalDue(END, after(60_001))).to.equal(true);
    });
  });

  describe('the end of a period', () => {
    const END = new Date('2026-12-25T09:00:00.123Z');

    it('a past-due member with a retry scheduled is not ended at the period end', () => {
      const retrying = aMembership().pastDue(new Date(END.getTime() + 2 * 24 * 3600_000)).build();
      expect(retrying.endIfOver(new Date(END.getTime() + 1))).to.equal(false);
      expect(retrying.status).to.equal('past_due');
    });

    it('ends exactly at the period end, not a moment before', () => {
      expect(aMembership().build().endIfOver(new Date(END.getTime() - 1))).to.equal(false);
      const over = aMembership().build();
      expect(over.endIfOver(END)).to.equal(true);
      expect(over.status).to.equal('expired');
      expect(over.endedAt?.toISOString()).to.equal(END.toISOString());
      expect(aMembership().expired().build().endIfOver(END), 'already ended').to.equal(false);
    });

    it('an ended membership leaves auto-renew off and nothing scheduled, whichever way it ended', () => {
      const now = activate('cu_u1');
      now.cancel('now', 'moving', new Date('2026-02-01T00:00:00Z'));
      const expired = activate('cu_u1');
      expired.renewalFailed([], 'declined', calendar, new Date('2026-02-28T01:00:00Z'));
      for (const [how, m] of [['cancelled now', now], ['expired', expired]] as const) {
        expect(m.autoRenew, how).to.equal(false);
        expect(m.nextChargeAt, how).to.equal(null);
        expect(m.billingKey, how).to.equal(null);
      }
      expect(now.toProps().cancelledAt?.toISOString()).to.equal('2026-02-01T00:00:00.000Z');
      expect(expired.toProps().cancelledAt).to.equal(null);
    });
  });
  describe('access, auto-renew and the card', () => {
    const END = new Date('2026-12-25T09:00:00.123Z');
    const at = (ms: number) => new Date(END.getTime() + ms);

    it('grants access inside the period, and after it only while a renewal charge is scheduled', () => {
      expect(aMembership().build().grantsAccess(at(-1))).to.equal(true);
      expect(aMembership().build().grantsAccess(END)).to.equal(false);
      expect(aMembership().renewing().build().grantsAccess(at(1000))).to.equal(true);
      expect(aMembership().renewing().pastDue(at(1000)).build().grantsAccess(at(5000))).to.equal(true);
      expect(aMembership().cancelled().build().grantsAccess(at(-1000))).to.equal(false);
    });

    it('attaching the card it already renews with changes nothing; another card replaces it', () => {
      const m = aMembership().renewing('cu_old').build();
      m.attachBillingKey('cu_old', at(1));
      expect(m.toProps().updatedAt.toISOString()).to.equal('2026-11-25T09:00:00.123Z');
      m.attachBillingKey('cu_new', at(2));
      expect([m.billingKey, m.autoRenew, m.nextChargeAt?.toISOString()]).to.deep.equal(['cu_new', true, END.toISOString()]);
      const off = aMembership().with({ billingKey: 'cu_kept', autoRenew: false, cancelAtPeriodEnd: true }).build();
      off.attachBillingKey('cu_kept', at(3));
      expect([off.autoRenew, off.cancelAtPeriodEnd, off.nextChargeAt?.toISOString()]).to.deep.equal([true, false, END.toISOString()]);
    });

    it('a cancel at the period end turns auto-renew off; asking again, or turning auto-renew off again, changes nothing', () => {
      const m = aMembership().renewing().build();
      m.cancel('at_period_end', 'r', at(-1000));
      expect([m.cancelAtPeriodEnd, m.autoRenew, m.nextChargeAt]).to.deep.equal([true, false, null]);
      m.cancel('at_period_end', 'r', at(-500));
      m.setAutoRenew(false, at(-400));
      expect(m.toProps().updatedAt.toISOString()).to.equal(at(-1000).toISOString());
    });

    it('buying again while a cancel at the period end is pending withdraws that cancel', () => {
      const m = activate('cu_u1');
      m.cancel('at_period_end', 'r', new Date('2026-02-01T00:00:00Z'));
      m.extend(monthly, 'p2', monthly.amount, calendar, new Date('2026-02-02T00:00:00Z'));
      expect(m.cancelAtPeriodEnd).to.equal(false);
    });

    it('names the refused action of an ended membership', () => {
      const ended = () => aMembership().expired().build();
      expect(() => ended().leaseRenewal(END, END)).to.throw('membership in status expired cannot be renewed');
      expect(() => ended().renew(monthly, 'p2', 9900, calendar, END)).to.throw('membership in status expired cannot renew');
      expect(() => ended().renewalFailed([1], 'x', calendar, END)).to.throw('membership in status expired cannot record a failed renewal');
      expect(() => ended().takeBackPurchase(1, null, calendar, END)).to.throw('membership in status expired cannot take back a purchase');
      expect(() => ended().setAutoRenew(true, END)).to.throw('membership in status expired cannot change auto-renew');
      expect(() => ended().removeCard(END)).to.throw('membership in status expired cannot remove the card');
    });

    it('says why the card is released: the renewals failed, the period ended, the member removed it', () => {
      const failed = activate('cu_u1');
      failed.renewalFailed([], 'declined', calendar, new Date('2026-02-28T01:00:00Z'));
      const over = aMembership().build();
      over.endIfOver(END);
      const removed = aMembership().renewing('cu_x').build();
      removed.removeCard(at(-1));
      const reasons = [failed, over, removed].map((m) => m.pullEvents().map((e) => (e.payload as { reason?: string }).reason).filter(Boolean).at(-1));
      expect(reasons).to.deep.equal(['renewal_failed', 'period_ended', 'card_removed']);
    });

    it('a declined renewal says whether it was the last attempt', () => {
      const m = activate('cu_u1');
      m.renewalFailed([1], 'declined', calendar, new Date('2026-02-28T01:00:00Z'));
      m.renewalFailed([1], 'declined', calendar, new Date('2026-03-01T01:00:00Z'));
      expect(m.pullEvents().filter((e) => e.type === 'RenewalFailed').map((e) => (e.payload as { finalAttempt: boolean }).finalAttempt)).to.deep.equal([false, true]);
    });

    it('a purchase taken back that leaves the membership ending exactly now ends it now', () => {
      const m = aMembership().with({ monthsPaid: 2, periodEnd: new Date('2027-01-25T09:00:00.123Z') }).build();
      m.takeBackPurchase(1, null, calendar, END);
      expect(m.status).to.equal('cancelled');
    });
  });
});
