import { expect } from 'chai';
import { summariseRefund } from '../../../src/membership/application/get-refund-quote.use-case';
import { Membership } from '../../../src/membership/domain/membership.entity';
import type { RefundRule } from '../../../src/membership/domain/refund-policy';
import type { Plan } from '../../../src/pricing/pricing.api';
import { BusinessCalendar } from '../../../src/shared/domain/business-calendar';

const calendar = new BusinessCalendar('Asia/Seoul');
const START = new Date('2027-01-10T01:00:00.000Z');
const monthly: Plan = { id: 'monthly', names: { ko: '월간', en: 'Monthly' }, amount: 9900, currency: 'KRW', interval: 'month', intervalCount: 1, trialDays: 14 };
const rules: RefundRule[] = [{ id: 'withdrawal_period', type: 'full', withinDaysOfPayment: 7 }, { id: 'pro_rata_less_fee', type: 'pro_rata_unused_days', feePercent: 0 }];

describe('the refund quote (summariseRefund)', () => {
  it('a membership with no purchase to refund (a free trial) is quoted nothing, over its current period, and says so', () => {
    const trial = Membership.startTrial({ id: 'm1', userId: 'u1', plan: monthly, billingKey: 'cu_u1', start: START, now: START }, calendar);
    expect(summariseRefund([], trial, rules, calendar, 'en')).to.deep.equal({
      refundable: 0, rule: 'none', usedDays: 0, totalDays: 14, purchases: [],
      ruleName: 'Nothing to refund', ruleReason: 'No payment of this membership can be refunded.',
    });
  });
});
