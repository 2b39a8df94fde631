import { expect } from 'chai';
import { refundablePurchases, stillToAsk } from '../../../src/membership/application/refund-subject';
import type { Membership } from '../../../src/membership/domain/membership.entity';
import type { RefundPolicy } from '../../../src/membership/domain/refund-policy';
import type { Payment, PaymentRepository } from '../../../src/payment/payment.api';
import type { Plan, PlanCatalog } from '../../../src/pricing/pricing.api';
import { BusinessCalendar } from '../../../src/shared/domain/business-calendar';
import { aMembership } from '../../support/builders/membership.builder';
import { aPayment } from '../../support/builders/payment.builder';

const DAY = 24 * 60 * 60 * 1000;
const calendar = new BusinessCalendar('Asia/Seoul');
const ANCHOR = new Date('2027-01-10T01:00:00.000Z'); // 10:00 in Seoul
const monthly: Plan = { id: 'monthly', names: { ko: '월간', en: 'Monthly' }, amount: 9900, currency: 'KRW', interval: 'month', intervalCount: 1 };
const annual: Plan = { id: 'annual', names: { ko: '연간', en: 'Annual' }, amount: 99000, currency: 'KRW', interval: 'year', intervalCount: 1 };
// config/refund-policy.json
const policy: RefundPolicy = {
  rules: [
    { id: 'withdrawal_period', type: 'full', withinDaysOfPayment: 7 },
    { id: 'pro_rata_less_fee', type: 'pro_rata_unused_days', feePercent: 10 },
    { id: 'period_ended', type: 'none' },
  ],
  feePercentByPlan: { monthly: 0, annual: 10 },
};

const catalogOf = (...plans: Plan[]): PlanCatalog => ({ list: () => plans, find: (id) => plans.find((p) => p.id === id) ?? null });
const historyOf = (...payments: Payment[]) => ({ listByUser: async () => payments }) as unknown as PaymentRepository;
const months = (n: number) => calendar.addMonths(ANCHOR, n);

function membershipOf(monthsPaid: number): Membership {
  return aMembership().with({ id: 'ms_this', userId: 'user_1', anchorAt: ANCHOR, monthsPaid, periodStart: ANCHOR, periodEnd: months(monthsPaid) }).build();
}

/** A purchase of `plan` paid and added to the membership at `paidAt`. */
function purchase(paidAt: Date, plan: Plan = monthly, merchantUid = `mp_${paidAt.getTime()}`) {
  return aPayment().forUser('user_1').with({ merchantUid, amount: plan.amount, purpose: { kind: 'purchase', planId: plan.id } }).paid(paidAt).with({ fulfilledAt: paidAt });
}

async function quoted(membership: Membership, now: Date, payments: Payment[], catalog = catalogOf(monthly, annual)) {
  const purchases = await refundablePurchases(historyOf(...payments), catalog, membership, now, policy, calendar);
  return purchases.map((p) => ({ merchantUid: p.payment.merchantUid, periodStart: p.periodStart.toISOString(), periodEnd: p.periodEnd.toISOString(), refundable: p.quote.refundable }));
}

describe('the purchases a cancel refunds (refundablePurchases)', () => {
  const first = purchase(ANCHOR, monthly, 'mp_first').build();
  const second = purchase(new Date(ANCHOR.getTime() + 10 * DAY), monthly, 'mp_second').build();

  it('gives each purchase its own months, counted back from the end in the order they were paid, whatever order the history lists them in', async () => {
    const now = new Date(ANCHOR.getTime() + 12 * DAY);
    expect(await quoted(membershipOf(2), now, [first, second])).to.deep.equal([
      // 12 days used of 31, past its window: the 19 unused days, no fee on the monthly plan.
      { merchantUid: 'mp_first', periodStart: ANCHOR.toISOString(), periodEnd: months(1).toISOString(), refundable: Math.floor((9900 * 19) / 31) },
      { merchantUid: 'mp_second', periodStart: months(1).toISOString(), periodEnd: months(2).toISOString(), refundable: 9900 },
    ]);
  });

  it('leaves out a stretch that ended exactly now, and every earlier one', async () => {
    expect((await quoted(membershipOf(2), months(1), [second, first])).map((p) => p.merchantUid)).to.deep.equal(['mp_second']);
  });

  it('leaves out a purchase paid for an earlier membership of the same member', async () => {
    const earlier = purchase(new Date(ANCHOR.getTime() - 40 * DAY), monthly, 'mp_earlier').build();
    const now = new Date(ANCHOR.getTime() + DAY);
    expect((await quoted(membershipOf(1), now, [first, earlier])).map((p) => p.merchantUid)).to.deep.equal(['mp_first']);
  });

  it('leaves out a purchase paid before this membership began even where the months paid would leave room for it', async () => {
    const earlier = purchase(new Date(ANCHOR.getTime() - 40 * DAY), monthly, 'mp_earlier').build();
    const now = new Date(ANCHOR.getTime() + DAY);
    expect((await quoted(membershipOf(2), now, [first, earlier])).map((p) => p.merchantUid)).to.deep.equal(['mp_first']);
  });

  it('leaves out a renewal charge of another membership, even one paid after this membership began', async () => {
    const otherRenewal = purchase(new Date(ANCHOR.getTime() + DAY), monthly, 'renewal-ms_other-5')
      .with({ purpose: { kind: 'renewal', planId: 'monthly', membershipId: 'ms_other', periodNo: 5 } }).build();
    const now = new Date(ANCHOR.getTime() + 2 * DAY);
    expect((await quoted(membershipOf(1), now, [otherRenewal, first])).map((p) => p.merchantUid)).to.deep.equal(['mp_first']);
  });

  it('counts a renewal charge of this membership as a purchase of its months', async () => {
    const renewal = purchase(months(1), monthly, 'renewal-ms_this-2')
      .with({ purpose: { kind: 'renewal', planId: 'monthly', membershipId: 'ms_this', periodNo: 2 } }).build();
    const now = new Date(months(1).getTime() + DAY);
    expect((await quoted(membershipOf(2), now, [renewal, first])).map((p) => p.merchantUid)).to.deep.equal(['renewal-ms_this-2']);
  });

  it('leaves out a purchase paid but not yet added to the membership', async () => {
    const notYetAdded = purchase(new Date(ANCHOR.getTime() + DAY), monthly, 'mp_pending').with({ fulfilledAt: null }).build();
    const now = new Date(ANCHOR.getTime() + 2 * DAY);
    expect((await quoted(membershipOf(1), now, [notYetAdded, first])).map((p) => p.merchantUid)).to.deep.equal(['mp_first']);
  });

  it('leaves out a purchase an operator refunded in full: the membership gave its months back', async () => {
    const refundedByOperator = purchase(new Date(ANCHOR.getTime() + DAY), monthly, 'mp_operator_refunded')
      .withCancellation({ amount: 9900, requestedBy: 'admin' }).with({ status: 'cancelled' }).build();
    const now = new Date(ANCHOR.getTime() + 2 * DAY);
    expect((await quoted(membershipOf(1), now, [refundedByOperator, first])).map((p) => p.merchantUid)).to.deep.equal(['mp_first']);
  });

  it('keeps a purchase the member\'s own cancel refunded in full: it holds its months, with nothing left to return', async () => {
    const refundedByMember = purchase(new Date(ANCHOR.getTime() + DAY), monthly, 'mp_member_refunded')
      .withCancellation({ amount: 9900, requestedBy: 'user' }).with({ status: 'cancelled' }).build();
    const now = new Date(ANCHOR.getTime() + 2 * DAY);
    expect(await quoted(membershipOf(2), now, [refundedByMember, first])).to.deep.include(
      { merchantUid: 'mp_member_refunded', periodStart: months(1).toISOString(), periodEnd: months(2).toISOString(), refundable: 0 },
    );
  });

  it('quotes 0 of a purchase the member\'s cancel partly refunded, by its own rule: a retry asks nothing more of it, and the quote says so', async () => {
    const partlyRefunded = purchase(ANCHOR, monthly, 'mp_partly').withCancellation({ amount: 6600, requestedBy: 'user', status: 'refunded' }).build();
    const second = purchase(new Date(ANCHOR.getTime() + 10 * DAY), monthly, 'mp_second').build();
    const now = new Date(ANCHOR.getTime() + 10 * DAY);
    const purchases = await refundablePurchases(historyOf(partlyRefunded, second), catalogOf(monthly), membershipOf(2), now, policy, calendar);
    expect(purchases.map((p) => [p.payment.merchantUid, p.quote.refundable, p.quote.rule, stillToAsk(p)])).to.deep.equal([
      ['mp_partly', 0, 'refunded_by_earlier_cancel', false],
      ['mp_second', 9900, 'withdrawal_period', true],
    ]);
  });

  it('stops at a purchase whose plan is no longer offered: it and every earlier one are not counted', async () => {
    const withdrawnPlan = purchase(ANCHOR, { ...monthly, id: 'withdrawn' }, 'mp_withdrawn').build();
    const now = new Date(ANCHOR.getTime() + 12 * DAY);
    expect((await quoted(membershipOf(2), now, [second, withdrawnPlan])).map((p) => p.merchantUid)).to.deep.equal(['mp_second']);
  });

  it('counts no purchase longer than the months left to it: its stretch would begin before the membership', async () => {
    const annualFirst = purchase(ANCHOR, annual, 'mp_annual').build();
    const now = new Date(ANCHOR.getTime() + 12 * DAY);
    expect((await quoted(membershipOf(2), now, [second, annualFirst])).map((p) => p.merchantUid)).to.deep.equal(['mp_second']);
  });
});
