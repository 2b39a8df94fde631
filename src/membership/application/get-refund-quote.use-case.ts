import type { PaymentRepository } from '../../payment/payment.api';
import type { Clock } from '../../shared/application/clock.port';
import { DEFAULT_LANGUAGE, type Language } from '../../shared/domain/language';
import type { BusinessCalendar } from '../../shared/domain/business-calendar';
import type { Membership } from '../domain/membership.entity';
import { NoActiveMembershipError } from '../domain/membership.errors';
import { explainRefundRule, type RefundPolicy, type RefundQuote, type RefundRule, rulesForPlan } from '../domain/refund-policy';
import type { MembershipRepository } from './membership-repository.port';
import type { PlanCatalog } from '../../pricing/pricing.api';
import { type RefundablePurchase, refundablePurchases } from './refund-subject';

/** A quote with the rule it applied, named and explained. */
export type ExplainedQuote = RefundQuote & { ruleName: string; ruleReason: string };

export interface PurchaseQuote extends ExplainedQuote {
  merchantUid: string;
  amount: number;
  paidAt: Date;
  /** This charge's own 7-day window: a full refund before it. */
  withdrawalEndsAt: Date | null;
  periodStart: Date;
  periodEnd: Date;
}

/** What cancelling now returns: the sum over the purchases, and the rule and days of the current period's. */
export interface MembershipRefundQuote extends ExplainedQuote {
  purchases: PurchaseQuote[];
}

export class GetRefundQuote {
  constructor(
    private readonly memberships: MembershipRepository,
    private readonly payments: PaymentRepository,
    private readonly catalog: PlanCatalog,
    private readonly policy: RefundPolicy,
    private readonly calendar: BusinessCalendar,
    private readonly clock: Clock,
  ) {}

  /** `language`: the one the rules are named and explained in. */
  async execute(userId: string, language: Language = DEFAULT_LANGUAGE): Promise<MembershipRefundQuote> {
    const membership = await this.memberships.findLiveByUserId(userId);
    if (!membership) throw new NoActiveMembershipError();
    const purchases = await refundablePurchases(this.payments, this.catalog, membership, this.clock.now(), this.policy, this.calendar);
    return summariseRefund(purchases, membership, rulesForPlan(this.policy, membership.planId), this.calendar, language);
  }
}

export function summariseRefund(
  purchases: RefundablePurchase[], membership: Membership, membershipRules: RefundRule[], calendar: BusinessCalendar, language: Language = DEFAULT_LANGUAGE,
): MembershipRefundQuote {
  const explained = (quote: RefundQuote, rules: RefundRule[]): ExplainedQuote => {
    const { name, reason } = explainRefundRule(quote, rules, language);
    return { ...quote, ruleName: name, ruleReason: reason };
  };
  const current = purchases[0]?.quote
    ?? { refundable: 0, rule: 'none', usedDays: 0, totalDays: calendar.daysIn(membership.periodStart, membership.periodEnd) };
  return {
    ...explained(current, purchases[0]?.rules ?? membershipRules),
    refundable: purchases.reduce((sum, p) => sum + p.quote.refundable, 0),
    purchases: purchases.map((p) => ({
      merchantUid: p.payment.merchantUid, amount: p.payment.amount, paidAt: p.payment.paidAt as Date, withdrawalEndsAt: p.withdrawalEndsAt, periodStart: p.periodStart, periodEnd: p.periodEnd, ...explained(p.quote, p.rules),
    })),
  };
}
