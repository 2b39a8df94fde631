import { expect } from 'chai';
import fc from 'fast-check';
import { loadConfig } from '../../../src/config';
import { explainRefundRule, quoteRefund, type RefundSubject } from '../../../src/membership/domain/refund-policy';
import { BusinessCalendar } from '../../../src/shared/domain/business-calendar';

const calendar = new BusinessCalendar('Asia/Seoul');
const rules = loadConfig({}).refundPolicy.rules;
const DAY = 24 * 60 * 60 * 1000;
const PAID = new Date('2026-11-25T09:00:00.000Z');

function subject(amount: number, months: number, alreadyRefunded = 0, paidAt = PAID): RefundSubject {
  return { amount, alreadyRefunded, paidAt, periodStart: paidAt, periodEnd: calendar.addMonths(paidAt, months) };
}
const onDay = (s: RefundSubject, day: number) => quoteRefund(s, new Date(s.paidAt.getTime() + day * DAY), rules, calendar);

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

  const subjects = fc.record({
    amount: fc.integer({ min: 100, max: 10_000_000 }),
    refundedShare: fc.double({ min: 0, max: 1, noNaN: true }),
    months: fc.constantFrom(1, 3, 12),
    paidAt: fc.date({ min: new Date('2024-01-01Z'), max: new Date('2030-01-01Z'), noInvalidDate: true }),
  }).map(({ amount, refundedShare, months, paidAt }) => subject(amount, months, Math.floor(amount * refundedShare), paidAt));
  const offsetMs = fc.integer({ min: -DAY, max: 400 * DAY });

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
