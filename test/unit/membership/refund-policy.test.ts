import { expect } from 'chai';
import fc from 'fast-check';
import { loadConfig } from '../../../src/config';
import {
  explainRefundRule, quoteRefund, type RefundPolicy, type RefundSubject, refundTermsOf, rulesForPlan, withdrawalWindowEnd,
} from '../../../src/membership/domain/refund-policy';
import { BusinessCalendar } from '../../../src/shared/domain/business-calendar';

const calendar = new BusinessCalendar('Asia/Seoul');
const policy = loadConfig({}).refundPolicy;
const rules = policy.rules;
const DAY = 24 * 60 * 60 * 1000;
const PAID = new Date('2026-11-25T09:00:00.000Z');

function subject(amount: number, months: number, alreadyRefunded = 0, paidAt = PAID): RefundSubject {
  return { amount, alreadyRefunded, paidAt, periodStart: paidAt, periodEnd: calendar.addMonths(paidAt, months) };
}
const onDay = (s: RefundSubject, day: number) => quoteRefund(s, new Date(s.paidAt.getTime() + day * DAY), rules, calendar);

const subjects = fc.record({
  amount: fc.integer({ min: 100, max: 10_000_000 }),
  refundedShare: fc.double({ min: 0, max: 1, noNaN: true }),
  months: fc.constantFrom(1, 3, 12),
  paidAt: fc.date({ min: new Date('2024-01-01Z'), max: new Date('2030-01-01Z'), noInvalidDate: true }),
}).map(({ amount, refundedShare, months, paidAt }) => subject(amount, months, Math.floor(amount * refundedShare), paidAt));
const offsetMs = fc.integer({ min: -DAY, max: 400 * DAY });

describe('refund policy (config/refund-policy.json)', () => {
  it('quotes a monthly membership by day', () => {
    const monthly = subject(9900, 1); // Nov 25 -> Dec 25: 30 days
    const table = [0, 3, 7, 8, 15, 29, 30].map((day) => ({ day, ...onDay(monthly, day) }));
    expect(table).to.deep.equal([
      { day: 0, refundable: 9900, rule: 'withdrawal_period', usedDays: 0, totalDays: 30 },
      { day: 3, refundable: 9900, rule: 'withdrawal_period', usedDays: 3, totalDays: 30 },
      { day: 7, refundable: 6831, rule: 'pro_rata_less_fee', usedDays: 7, totalDays: 30 },
      { day: 8, refundable: 6534, rule: 'pro_rata_less_fee', usedDays: 8, totalDays: 30 },
      { day: 15, refundable: 4455, rule: 'pro_rata_less_fee', usedDays: 15, totalDays: 30 },
      { day: 29, refundable: 297, rule: 'pro_rata_less_fee', usedDays: 29, totalDays: 30 },
      { day: 30, refundable: 0, rule: 'period_ended', usedDays: 30, totalDays: 30 },
    ]);
  });

  it('quotes an annual membership by day', () => {
    const annual = subject(99000, 12); // 365 days
    const table = [0, 100, 364].map((day) => ({ day, ...onDay(annual, day) }));
    expect(table).to.deep.equal([
      { day: 0, refundable: 99000, rule: 'withdrawal_period', usedDays: 0, totalDays: 365 },
      { day: 100, refundable: 64689, rule: 'pro_rata_less_fee', usedDays: 100, totalDays: 365 },
      { day: 364, refundable: 244, rule: 'pro_rata_less_fee', usedDays: 364, totalDays: 365 },
    ]);
  });

  it('a day begun counts as used', () => {
    const monthly = subject(9900, 1);
    expect(onDay(monthly, 8.01).usedDays).to.equal(9);
  });

  it('never quotes more than what is still refundable', () => {
    expect(onDay(subject(9900, 1, 9000), 0).refundable).to.equal(900);
    expect(onDay(subject(9900, 1, 9900), 0).refundable).to.equal(0);
  });

  it('property: integer KRW, never negative, never above what remains', () => {
    fc.assert(fc.property(subjects, offsetMs, (s, offset) => {
      const q = quoteRefund(s, new Date(s.paidAt.getTime() + offset), rules, calendar);
      return Number.isInteger(q.refundable) && q.refundable >= 0 && q.refundable <= s.amount - s.alreadyRefunded;
    }), { numRuns: 500 });
  });

  it('property: non-increasing as time passes', () => {
    fc.assert(fc.property(subjects, offsetMs, offsetMs, (s, a, b) => {
      const [early, late] = a <= b ? [a, b] : [b, a];
      const at = (o: number) => quoteRefund(s, new Date(s.paidAt.getTime() + o), rules, calendar).refundable;
      return at(late) <= at(early);
    }), { numRuns: 500 });
  });

  it('explains every rule in Korean by default and in English without a Hangul syllable', () => {
    const monthly = subject(9900, 1);
    const quotes = [0, 15, 40].map((day) => onDay(monthly, day)).concat({ refundable: 0, rule: 'none', usedDays: 0, totalDays: 30 });
    expect(quotes.map((q) => q.rule)).to.deep.equal(['withdrawal_period', 'pro_rata_less_fee', 'period_ended', 'none']);
    for (const quote of quotes) {
      const korean = explainRefundRule(quote, rules);
      const english = explainRefundRule(quote, rules, 'en');
      expect(korean, quote.rule).to.deep.equal(explainRefundRule(quote, rules, 'ko'));
      expect(`${korean.name} ${korean.reason}`, quote.rule).to.match(/[\uAC00-\uD7A3]/);
      expect(`${english.name} ${english.reason}`, quote.rule).not.to.match(/[\uAC00-\uD7A3]/);
      expect(english.name && english.reason, quote.rule).to.be.a('string').and.not.equal('');
    }
    expect(explainRefundRule(onDay(monthly, 15), rules, 'en').reason).to.include('15 remaining days, less a 10% fee');
  });

  it('property: full inside the withdrawal window, zero once the period ended', () => {
    fc.assert(fc.property(subjects, fc.integer({ min: 0, max: 7 * DAY - 1 }), fc.integer({ min: 0, max: 400 * DAY }), (s, inside, after) => {
      const remaining = s.amount - s.alreadyRefunded;
      const full = quoteRefund(s, new Date(s.paidAt.getTime() + inside), rules, calendar).refundable === remaining;
      const zero = quoteRefund(s, new Date(s.periodEnd.getTime() + after), rules, calendar).refundable === 0;
      return full && zero;
    }), { numRuns: 500 });
  });
  it('a period shorter than the withdrawal window: nothing back once it ended, though paid only days ago', () => {
    const short: RefundSubject = { amount: 9900, alreadyRefunded: 0, paidAt: PAID, periodStart: PAID, periodEnd: new Date(PAID.getTime() + 3 * DAY) };
    expect(quoteRefund(short, new Date(PAID.getTime() + 3 * DAY), rules, calendar)).to.include({ refundable: 0, rule: 'period_ended' });
    expect(quoteRefund(short, new Date(PAID.getTime() + 3 * DAY - 1), rules, calendar)).to.include({ refundable: 9900, rule: 'withdrawal_period' });
  });

  it('the withdrawal window closes exactly withinDaysOfPayment days after payment', () => {
    const monthly = subject(9900, 1);
    expect(quoteRefund(monthly, new Date(PAID.getTime() + 7 * DAY - 1), rules, calendar).rule).to.equal('withdrawal_period');
    expect(quoteRefund(monthly, new Date(PAID.getTime() + 7 * DAY), rules, calendar).rule).to.equal('pro_rata_less_fee');
  });

  it('a period too short to count a day is refunded by the next rule, never as NaN', () => {
    const hours: RefundSubject = { amount: 9900, alreadyRefunded: 0, paidAt: PAID, periodStart: PAID, periodEnd: new Date(PAID.getTime() + 10 * 3600_000) };
    const proRataFirst = rules.filter((r) => r.type !== 'full');
    expect(quoteRefund(hours, new Date(PAID.getTime() + 3600_000), proRataFirst, calendar)).to.deep.equal({ refundable: 0, rule: 'period_ended', usedDays: 0, totalDays: 0 });
  });

  it('with no rule that applies, nothing is refundable', () => {
    expect(quoteRefund(subject(9900, 1), PAID, [], calendar)).to.deep.equal({ refundable: 0, rule: 'none', usedDays: 0, totalDays: 30 });
  });
  it('names each rule to the member in Korean, word for word, and says when nothing is refundable', () => {
    const monthly = subject(9900, 1);
    expect([0, 15, 40].map((day) => explainRefundRule(onDay(monthly, day), rules)).concat(explainRefundRule({ refundable: 0, rule: 'none', usedDays: 0, totalDays: 0 }, rules))).to.deep.equal([
      { name: '청약철회 기간 (결제 후 7일 이내)', reason: '결제 후 7일 이내의 해지는 청약철회로 보아 이용일수와 관계없이 결제 금액 전액을 환불합니다.' },
      { name: '이용일수 비례 환불', reason: '청약철회 기간이 지나 남은 15일분 금액에서 위약금 10%를 뺀 금액을 환불합니다.' },
      { name: '환불 불가', reason: '이용 기간이 끝나 환불할 금액이 없습니다.' },
      { name: '환불 대상 없음', reason: '이 멤버십에 환불할 결제가 없습니다.' },
    ]);
    expect(explainRefundRule(onDay(monthly, 40), rules, 'en')).to.deep.equal({ name: 'No refund', reason: 'The period has ended, so there is nothing to refund.' });
    expect(explainRefundRule({ refundable: 0, rule: 'none', usedDays: 0, totalDays: 0 }, rules, 'en').name).to.equal('Nothing to refund');
  });
});

describe('refund terms per plan (fee_percent_by_plan, ADR 0015)', () => {
  const WITHDRAWAL = { id: 'withdrawal_period', type: 'full', withinDaysOfPayment: 7 } as const;
  const PRO_RATA = { id: 'pro_rata_less_fee', type: 'pro_rata_unused_days', feePercent: 10 } as const;
  const ENDED = { id: 'period_ended', type: 'none' } as const;
  const onDayOf = (planId: string, s: RefundSubject, day: number) => quoteRefund(s, new Date(s.paidAt.getTime() + day * DAY), rulesForPlan(policy, planId), calendar);

  it('a plan with its own fee gets it in the pro-rata rule; every other rule is left as configured', () => {
    expect(rulesForPlan(policy, 'monthly')).to.deep.equal([WITHDRAWAL, { ...PRO_RATA, feePercent: 0 }, ENDED]);
    expect(rulesForPlan(policy, 'annual')).to.deep.equal([WITHDRAWAL, PRO_RATA, ENDED]);
  });

  it('a plan the policy does not list takes the pro-rata rule\'s own fee, and its quote stays integer KRW', () => {
    expect(rulesForPlan(policy, 'weekly')).to.deep.equal([WITHDRAWAL, PRO_RATA, ENDED]);
    // 15 of 30 days used, 10% of the unused half kept: 9900 * 15 * 90 / 3000.
    expect(onDayOf('weekly', subject(9900, 1), 15)).to.deep.equal({ refundable: 4455, rule: 'pro_rata_less_fee', usedDays: 15, totalDays: 30 });
  });

  it('discloses each plan\'s withdrawal days and its own fee before purchase', () => {
    expect(refundTermsOf(policy, 'monthly')).to.deep.equal({ withdrawalDays: 7, feePercent: 0 });
    expect(refundTermsOf(policy, 'annual')).to.deep.equal({ withdrawalDays: 7, feePercent: 10 });
  });

  it('discloses no withdrawal window for a policy without a full rule, and no fee for one without a pro-rata rule', () => {
    const noWindow: RefundPolicy = { rules: [PRO_RATA, ENDED], feePercentByPlan: {} };
    const noProRata: RefundPolicy = { rules: [WITHDRAWAL, ENDED], feePercentByPlan: { monthly: 0 } };
    expect(refundTermsOf(noWindow, 'monthly')).to.deep.equal({ withdrawalDays: null, feePercent: 10 });
    expect(refundTermsOf(noProRata, 'monthly')).to.deep.equal({ withdrawalDays: 7, feePercent: null });
    expect(withdrawalWindowEnd(noWindow, 'monthly', PAID)).to.equal(null);
  });

  it('each charge\'s withdrawal window ends exactly withdrawal days of 24 hours after it was paid', () => {
    expect(withdrawalWindowEnd(policy, 'monthly', PAID)?.toISOString()).to.equal('2026-12-02T09:00:00.000Z');
    const renewal = calendar.addMonths(PAID, 1);
    expect(withdrawalWindowEnd(policy, 'annual', renewal)?.getTime()).to.equal(renewal.getTime() + 7 * DAY);
  });

  it('property: the full refund stops exactly at the window end the plan discloses (or at the period end, if sooner)', () => {
    const planIds = fc.constantFrom('monthly', 'annual', 'weekly');
    const nearTheEdge = fc.oneof(fc.integer({ min: 7 * DAY - 2, max: 7 * DAY + 1 }), fc.integer({ min: 0, max: 40 * DAY }));
    fc.assert(fc.property(subjects, planIds, nearTheEdge, (s, planId, offset) => {
      const now = new Date(s.paidAt.getTime() + offset);
      const end = withdrawalWindowEnd(policy, planId, s.paidAt) as Date;
      const quote = quoteRefund(s, now, rulesForPlan(policy, planId), calendar);
      return (quote.rule === 'withdrawal_period') === (now < end && now < s.periodEnd);
    }), { numRuns: 500 });
  });

  it('quotes the monthly plan without a fee at its edges: first day, window end, last day, period end', () => {
    const monthly = subject(9900, 1); // 30 days
    const table = [0, 7 - 1 / DAY, 7, 29, 30 - 1 / DAY, 30].map((day) => ({ day, ...onDayOf('monthly', monthly, day) }));
    expect(table).to.deep.equal([
      { day: 0, refundable: 9900, rule: 'withdrawal_period', usedDays: 0, totalDays: 30 },
      { day: 7 - 1 / DAY, refundable: 9900, rule: 'withdrawal_period', usedDays: 7, totalDays: 30 },
      { day: 7, refundable: 7590, rule: 'pro_rata_less_fee', usedDays: 7, totalDays: 30 }, // 9900 * 23 / 30
      { day: 29, refundable: 330, rule: 'pro_rata_less_fee', usedDays: 29, totalDays: 30 }, // one day left, no fee
      { day: 30 - 1 / DAY, refundable: 0, rule: 'pro_rata_less_fee', usedDays: 30, totalDays: 30 }, // the last day begun counts as used
      { day: 30, refundable: 0, rule: 'period_ended', usedDays: 30, totalDays: 30 },
    ]);
  });

  it('a period of no length quotes nothing, never NaN, whatever the plan\'s fee', () => {
    const empty: RefundSubject = { amount: 9900, alreadyRefunded: 0, paidAt: PAID, periodStart: PAID, periodEnd: PAID };
    for (const planId of ['monthly', 'annual']) {
      expect(quoteRefund(empty, PAID, rulesForPlan(policy, planId), calendar), planId).to.deep.equal({ refundable: 0, rule: 'period_ended', usedDays: 0, totalDays: 0 });
    }
  });

  it('property: for every fee, integer KRW within what remains, never growing with time, and never more for a higher fee', () => {
    const fees = fc.integer({ min: 0, max: 100 });
    fc.assert(fc.property(subjects, fees, fees, offsetMs, offsetMs, (s, feeA, feeB, a, b) => {
      const [early, late] = a <= b ? [a, b] : [b, a];
      const [low, high] = feeA <= feeB ? [feeA, feeB] : [feeB, feeA];
      const at = (fee: number, o: number) => quoteRefund(s, new Date(s.paidAt.getTime() + o), rulesForPlan({ ...policy, feePercentByPlan: { p: fee } }, 'p'), calendar).refundable;
      const q = at(low, early);
      return Number.isInteger(q) && q >= 0 && q <= s.amount - s.alreadyRefunded && at(low, late) <= q && at(high, early) <= q;
    }), { numRuns: 500 });
  });

  it('explains a pro-rata refund without a fee as such, word for word in both languages', () => {
    const quote = onDayOf('monthly', subject(9900, 1), 15);
    const monthlyRules = rulesForPlan(policy, 'monthly');
    expect(explainRefundRule(quote, monthlyRules, 'en')).to.deep.equal({
      name: 'Refund for unused days', reason: 'The withdrawal period has passed: the amount for the 15 remaining days is refunded, without a fee.',
    });
    expect(explainRefundRule(quote, monthlyRules)).to.deep.equal({ name: '이용일수 비례 환불', reason: '청약철회 기간이 지나 남은 15일분 금액을 위약금 없이 환불합니다.' });
  });
});
