import type { PaymentRepository } from '../../payment/application/payment-repository.port';
import type { Clock } from '../../shared/application/clock.port';
import type { BusinessCalendar } from '../../shared/domain/business-calendar';
import { NoActiveMembershipError } from '../domain/membership.errors';
import { quoteRefund, type RefundQuote, type RefundRule } from '../domain/refund-policy';
import type { MembershipRepository } from './membership-repository.port';
import { currentPeriodPayment, refundSubject } from './refund-subject';

export class GetRefundQuote {
  constructor(
    private readonly memberships: MembershipRepository,
    private readonly payments: PaymentRepository,
    private readonly rules: RefundRule[],
    private readonly calendar: BusinessCalendar,
    private readonly clock: Clock,
  ) {}

  async execute(userId: string): Promise<RefundQuote> {
    const membership = await this.memberships.findLiveByUserId(userId);
    if (!membership) throw new NoActiveMembershipError();
    const payment = await currentPeriodPayment(this.payments, membership);
    if (!payment) return { refundable: 0, rule: 'none', usedDays: 0, totalDays: this.calendar.daysIn(membership.periodStart, membership.periodEnd) };
    return quoteRefund(refundSubject(payment, membership), this.clock.now(), this.rules, this.calendar);
  }
}
