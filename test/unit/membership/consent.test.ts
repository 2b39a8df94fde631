import { expect } from 'chai';
import { CONSENT_WORDING_VERSION, ConsentRequest } from '../../../src/membership/domain/consent-request.entity';
import { Membership } from '../../../src/membership/domain/membership.entity';
import { MembershipEvents } from '../../../src/membership/domain/membership.events';
import type { Plan } from '../../../src/pricing/domain/plan';
import { priceAt } from '../../../src/membership/domain/plan-price';
import { BusinessCalendar } from '../../../src/shared/domain/business-calendar';
import { aMembership } from '../../support/builders/membership.builder';

const calendar = new BusinessCalendar('Asia/Seoul');
const monthly: Plan = { id: 'monthly', names: { ko: '월간', en: 'Monthly' }, amount: 9900, currency: 'KRW', interval: 'month', intervalCount: 1, trialDays: 14 };
const START = new Date('2027-01-10T01:00:00.000Z'); // 10:00 in Seoul
const DAY = 24 * 60 * 60 * 1000;

function paidMember(): Membership {
  return Membership.activate({ id: 'm1', userId: 'u1', plan: monthly, paymentId: 'p1', amount: 9900, start: START, billingKey: 'cu_u1', now: START }, calendar);
}

function openRequest(changeAt = new Date('2027-02-10T01:00:00Z')): ConsentRequest {
  return ConsentRequest.open({
    id: 'c1', membershipId: 'm1', userId: 'u1', planId: 'monthly', periodNo: 2, oldAmount: 9900, newAmount: 12900,
    changeAt, answerBy: new Date(changeAt.getTime() - DAY), openedAt: START,
  });
}

describe('consent before a higher charge (membership rules)', () => {
  it('a renewal may charge up to what the member last paid, and no more', () => {
    const m = paidMember();
    expect(m.mayCharge(9900, monthly)).to.equal(true);
    expect(m.mayCharge(8000, monthly)).to.equal(true);
    expect(m.mayCharge(9901, monthly)).to.equal(false);
  });

  it('a consent raises the ceiling to the price consented to, and only to it', () => {
    const m = paidMember();
    m.consentTo(12900, START);
    expect(m.mayCharge(12900, monthly)).to.equal(true);
    expect(m.mayCharge(13000, monthly)).to.equal(false);
  });

  it('a renewal charged at a lower price lowers the ceiling: a rise back needs consent again', () => {
    const m = paidMember();
    m.renew(monthly, 'p2', 7900, calendar, m.periodEnd);
    expect(m.chargeCeiling(monthly)).to.equal(7900);
    expect(m.mayCharge(9900, monthly)).to.equal(false);
  });

  it('buying again at a price is consent to that price', () => {
    const m = paidMember();
    m.extend(monthly, 'p2', 11000, calendar, START);
    expect(m.chargeCeiling(monthly)).to.equal(11000);
  });

  it('a membership from before consents were recorded may charge the configured price it always paid', () => {
    const m = aMembership().renewing().build();
    expect(m.chargeCeiling(monthly)).to.equal(9900);
    expect(m.mayCharge(9901, monthly)).to.equal(false);
  });

  it('stopping for want of consent ends auto-renew at the period end and records it for the member', () => {
    const m = paidMember();
    m.pullEvents();
    m.stopRenewalWithoutConsent(START);
    expect(m.toProps()).to.include({ autoRenew: false, cancelAtPeriodEnd: true, nextChargeAt: null, status: 'active' });
    expect(m.grantsAccess(new Date(m.periodEnd.getTime() - 1))).to.equal(true);
    expect(m.pullEvents().map((e) => e.type)).to.deep.equal([MembershipEvents.RenewalStoppedWithoutConsent]);
    expect(m.endIfOver(m.periodEnd)).to.equal(true);
    expect(m.status).to.equal('cancelled');
  });

  it('the stop tells the member which membership ends and when', () => {
    const m = paidMember();
    m.pullEvents();
    m.stopRenewalWithoutConsent(START);
    expect(m.pullEvents().map((e) => e.payload)).to.deep.equal([{ membershipId: 'm1', userId: 'u1', planId: 'monthly', periodEnd: m.periodEnd.toISOString() }]);
  });

  it('stopping again changes nothing and tells the member once', () => {
    const m = paidMember();
    m.stopRenewalWithoutConsent(START);
    m.pullEvents();
    m.stopRenewalWithoutConsent(new Date(START.getTime() + DAY));
    expect(m.pullEvents()).to.deep.equal([]);
    expect(m.toProps().updatedAt.toISOString()).to.equal(START.toISOString());
  });

  it('auto-renew already off without a cancel at the period end: the stop still schedules the end and tells the member', () => {
    const m = paidMember();
    m.setAutoRenew(false, START);
    m.pullEvents();
    m.stopRenewalWithoutConsent(START);
    expect(m.cancelAtPeriodEnd).to.equal(true);
    expect(m.pullEvents().map((e) => e.type)).to.deep.equal([MembershipEvents.RenewalStoppedWithoutConsent]);
  });

  it('names the refused action of an ended membership: taking a consent, stopping renewals', () => {
    const ended = () => aMembership().expired().build();
    expect(() => ended().consentTo(12900, START)).to.throw('membership in status expired cannot take a consent');
    expect(() => ended().stopRenewalWithoutConsent(START)).to.throw('membership in status expired cannot stop renewing');
  });
});

describe('free trials (membership rules)', () => {
  it('a trial stores the card, charges nothing, and its end is the first renewal', () => {
    const m = Membership.startTrial({ id: 'm1', userId: 'u1', plan: monthly, billingKey: 'cu_u1', start: START, now: START }, calendar);
    expect(m.inTrial).to.equal(true);
    expect(m.periodNo).to.equal(0);
    expect(m.nextPeriodNo).to.equal(1);
    expect(m.trialEndsAt?.toISOString()).to.equal('2027-01-24T01:00:00.000Z');
    expect(m.nextChargeAt?.toISOString()).to.equal('2027-01-24T01:00:00.000Z');
    expect(m.isRenewalDue(m.periodEnd, m.periodEnd)).to.equal(true);
  });

  it('a trial starts without a cancel pending, and its start names no payment', () => {
    const m = Membership.startTrial({ id: 'm1', userId: 'u1', plan: monthly, billingKey: 'cu_u1', start: START, now: START }, calendar);
    expect(m.cancelAtPeriodEnd).to.equal(false);
    expect(m.pullEvents().map((e) => [e.type, (e.payload as { paymentId: string }).paymentId])).to.deep.equal([[MembershipEvents.TrialStarted, '']]);
  });

  it('nothing above zero is consented during a trial: its first charge needs the member\'s consent', () => {
    const m = Membership.startTrial({ id: 'm1', userId: 'u1', plan: monthly, billingKey: 'cu_u1', start: START, now: START }, calendar);
    expect(m.mayCharge(9900, monthly)).to.equal(false);
    m.consentTo(9900, START);
    m.renew(monthly, 'p1', 9900, calendar, m.periodEnd);
    expect(m.inTrial).to.equal(false);
    // Paid months count from the trial's end.
    expect(m.periodStart.toISOString()).to.equal('2027-01-24T01:00:00.000Z');
    expect(m.periodEnd.toISOString()).to.equal('2027-02-24T01:00:00.000Z');
  });

  it('refuses a trial of a plan without trial_days', () => {
    const plan = { ...monthly, trialDays: undefined };
    expect(() => Membership.startTrial({ id: 'm1', userId: 'u1', plan, billingKey: 'cu_u1', start: START, now: START }, calendar)).to.throw('has no free trial');
  });
});

describe('consent requests', () => {
  it('takes one explicit answer and records when, how, and which wording', () => {
    const request = openRequest();
    const at = new Date('2027-01-20T00:00:00Z');
    request.answer(true, 'web', 'v1', at);
    expect(request.toProps()).to.include({ status: 'accepted', method: 'web', wordingVersion: 'v1', oldAmount: 9900, newAmount: 12900 });
    expect(request.toProps().answeredAt?.toISOString()).to.equal(at.toISOString());
    expect(() => request.answer(false, 'web', 'v1', at)).to.throw('takes no answer');
  });

  it('opens pending and unanswered, for the period the higher charge would pay for', () => {
    const request = openRequest();
    expect([request.status, request.periodNo, request.oldAmount, request.newAmount, request.version]).to.deep.equal(['pending', 2, 9900, 12900, 0]);
    expect(request.toProps()).to.include({ answeredAt: null, method: null, wordingVersion: null });
    expect([request.changeAt.toISOString(), request.answerBy.toISOString()]).to.deep.equal(['2027-02-10T01:00:00.000Z', '2027-02-09T01:00:00.000Z']);
  });

  it('records a decline as declined', () => {
    const request = openRequest();
    request.answer(false, 'web', 'v1', new Date('2027-01-20T00:00:00Z'));
    expect(request.status).to.equal('declined');
  });

  it('refuses a second answer naming how the first one ended', () => {
    const request = openRequest();
    request.answer(false, 'web', 'v1', new Date('2027-01-20T00:00:00Z'));
    expect(() => request.answer(true, 'web', 'v1', new Date('2027-01-21T00:00:00Z'))).to.throw('consent request c1 is declined and takes no answer');
  });

  it('an answered request never expires, however late it is looked at', () => {
    const request = openRequest();
    const at = new Date('2027-01-20T00:00:00Z');
    request.answer(true, 'web', 'v1', at);
    request.expire(new Date('2027-03-01T00:00:00Z'));
    expect(request.status).to.equal('accepted');
    expect(request.toProps().answeredAt?.toISOString()).to.equal(at.toISOString());
  });

  it('expiring clears any answer time: nobody answered', () => {
    const request = ConsentRequest.restore({ ...openRequest().toProps(), answeredAt: new Date('2027-01-20T00:00:00Z') });
    request.expire(request.answerBy);
    expect(request.toProps()).to.include({ status: 'expired', answeredAt: null });
  });

  it('each save advances the version the next save is checked against', () => {
    const request = openRequest();
    request.markSaved();
    request.markSaved();
    expect(request.version).to.equal(2);
  });

  it('the wording the member answers carries a dated version, recorded with each answer', () => {
    expect(CONSENT_WORDING_VERSION).to.match(/^\d{4}-\d{2}-\d{2}\.\d+$/);
  });

  it('refuses an answer from the day before the change on', () => {
    const request = openRequest();
    expect(() => request.answer(true, 'web', 'v1', request.answerBy)).to.throw('past its deadline');
    expect(request.status).to.equal('pending');
  });

  it('expires at its deadline, not before: silence is no consent', () => {
    const request = openRequest();
    request.expire(new Date(request.answerBy.getTime() - 1));
    expect(request.status).to.equal('pending');
    request.expire(request.answerBy);
    expect(request.status).to.equal('expired');
  });
});

describe('a consent request measured against the charge a membership makes next', () => {
  /** The request for period 2 at 12900 (the rise at the paid member's period end), and the charge due then. */
  const dueThen = (m: Membership, amount = 12900) => m.nextCharge(monthly, amount);

  it('asks about the next charge while it is that charge (period, date, plan and price) and above what the member consented to', () => {
    const m = paidMember();
    const request = openRequest(m.periodEnd);
    expect(dueThen(m)).to.deep.equal({ periodNo: 2, planId: 'monthly', at: m.periodEnd, amount: 12900, ceiling: 9900 });
    expect(request.mootReason(dueThen(m))).to.equal(null);
  });

  it('is moot once its period is paid for: a purchase moved the next charge to a later period', () => {
    const m = paidMember();
    const request = openRequest(m.periodEnd);
    m.extend(monthly, 'p2', 9900, calendar, START);
    expect(request.mootReason(dueThen(m))).to.equal('not_next_charge');
  });

  it('is moot for a membership now on another plan, or charged on another date', () => {
    const m = paidMember();
    const request = openRequest(m.periodEnd);
    expect(request.mootReason({ ...dueThen(m), planId: 'annual' })).to.equal('not_next_charge');
    expect(request.mootReason({ ...dueThen(m), at: new Date(m.periodEnd.getTime() - DAY) })).to.equal('not_next_charge');
  });

  it('is moot when the member already paid or consented to as much', () => {
    const m = paidMember();
    const request = openRequest(m.periodEnd);
    m.consentTo(12900, START);
    expect(request.mootReason(dueThen(m))).to.equal('within_consent');
  });

  it('is moot when the price due is no longer the one it asks about (the rise withdrawn, or replaced by another)', () => {
    const m = paidMember();
    const request = openRequest(m.periodEnd);
    expect(request.mootReason(dueThen(m, 9900))).to.equal('price_changed');
    expect(request.mootReason(dueThen(m, 13900))).to.equal('price_changed');
  });

  it('closed as moot: records why, takes no answer, never counts as a consent or a refusal, and is not expired later', () => {
    const request = openRequest();
    const at = new Date('2027-01-20T00:00:00Z');
    request.closeAsMoot('not_next_charge');
    expect(request.toProps()).to.include({ status: 'moot', mootReason: 'not_next_charge', answeredAt: null, method: null });
    expect(request.isOpen(at)).to.equal(false);
    expect(() => request.answer(false, 'web', 'v1', at)).to.throw('takes no answer');
    // The contract's statuses are pending|accepted|declined|expired: the refusal says expired, as the request reads.
    expect(() => request.answer(true, 'web', 'v1', at)).to.throw('consent request c1 is expired and takes no answer');
    request.expire(request.answerBy);
    expect(request.status).to.equal('moot');
  });

  it('only a pending request is closed as moot: an answer or an expiry stands', () => {
    const accepted = openRequest();
    accepted.answer(true, 'web', 'v1', START);
    accepted.closeAsMoot('within_consent');
    expect(accepted.toProps()).to.include({ status: 'accepted', mootReason: null });
    const expired = openRequest();
    expired.expire(expired.answerBy);
    expired.closeAsMoot('not_next_charge');
    expect(expired.toProps()).to.include({ status: 'expired', mootReason: null });
  });

  it('a moot request asked again (its charge due again) is pending with the new deadline; any other is left as it is', () => {
    const request = openRequest();
    request.closeAsMoot('not_next_charge');
    const changeAt = new Date('2027-02-12T01:00:00Z');
    const again = { oldAmount: 0, changeAt, answerBy: new Date(changeAt.getTime() - DAY), openedAt: new Date('2027-01-21T00:00:00Z') };
    request.reopen(again);
    expect(request.toProps()).to.include({ status: 'pending', mootReason: null, oldAmount: 0, newAmount: 12900 });
    expect(request.toProps().answerBy.toISOString()).to.equal(again.answerBy.toISOString());
    expect(request.isOpen(again.openedAt)).to.equal(true);
    const declined = openRequest();
    declined.answer(false, 'web', 'v1', START);
    declined.reopen(again);
    expect(declined.status).to.equal('declined');
  });
});

describe('scheduled plan prices', () => {
  const change = (amount: number, effective: string, created = '2027-01-01T00:00:00Z') =>
    ({ id: `${amount}`, planId: 'monthly', amount, effectiveAt: new Date(effective), createdAt: new Date(created) });

  it('a period costs the latest change in effect at its start, else the configured price', () => {
    const changes = [change(12900, '2027-03-01T00:00:00Z'), change(10900, '2027-02-01T00:00:00Z')];
    expect(priceAt(monthly, changes, new Date('2027-01-31T23:59:59Z'))).to.equal(9900);
    expect(priceAt(monthly, changes, new Date('2027-02-01T00:00:00Z'))).to.equal(10900);
    expect(priceAt(monthly, changes, new Date('2027-03-05T00:00:00Z'))).to.equal(12900);
    expect(priceAt({ ...monthly, id: 'annual' }, changes, new Date('2027-03-05T00:00:00Z'))).to.equal(9900);
  });

  it('of two changes effective at once, the one scheduled last wins', () => {
    const changes = [change(12900, '2027-02-01T00:00:00Z', '2027-01-02T00:00:00Z'), change(11900, '2027-02-01T00:00:00Z', '2027-01-01T00:00:00Z')];
    expect(priceAt(monthly, changes, new Date('2027-02-02T00:00:00Z'))).to.equal(12900);
    expect(priceAt(monthly, [...changes].reverse(), new Date('2027-02-02T00:00:00Z'))).to.equal(12900);
  });

  it('the latest change in effect wins whatever order the changes are listed in', () => {
    const changes = [change(10900, '2027-02-01T00:00:00Z'), change(12900, '2027-03-01T00:00:00Z')];
    expect(priceAt(monthly, changes, new Date('2027-03-05T00:00:00Z'))).to.equal(12900);
    expect(priceAt(monthly, [...changes].reverse(), new Date('2027-03-05T00:00:00Z'))).to.equal(12900);
  });
});
