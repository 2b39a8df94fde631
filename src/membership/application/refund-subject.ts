import type { Cancellation, Payment, PaymentRepository } from '../../payment/payment.api';
import type { BusinessCalendar } from '../../shared/domain/business-calendar';
import type { Membership } from '../domain/membership.entity';
import { type PlanCatalog, planMonths } from '../../pricing/pricing.api';
import { quoteRefund, REFUNDED_BY_EARLIER_CANCEL, type RefundPolicy, type RefundQuote, type RefundRule, rulesForPlan, withdrawalWindowEnd } from '../domain/refund-policy';

/** One purchase that paid for a stretch of the membership not yet over, with what the policy returns of it now. */
export interface RefundablePurchase {
  payment: Payment;
  periodStart: Date;
  periodEnd: Date;
  quote: RefundQuote;
  /** The rules as they applied to this purchase's plan (its own fee). */
  rules: RefundRule[];
  /** The end of this charge's own full-refund window; null when the policy has none. */
  withdrawalEndsAt: Date | null;
}

/**
 * Whether `payment` paid for a stretch of `membership`: paid since it began (a purchase during its free
 * trial included), and not a renewal of another one.
 */
export function boughtPartOf(payment: Payment, membership: Membership): boolean {
  return payment.paidAt !== null && payment.paidAt >= membership.startedAt
    && (payment.purpose.membershipId === undefined || payment.purpose.membershipId === membership.id);
}

/** The latest refund the member's own cancel asked for of `payment` that the gateway returned. */
export function membersSettledRefund(payment: Payment): Cancellation | undefined {
  return payment.cancellations.filter((c) => c.kind === 'refund' && c.requestedBy === 'user' && c.status === 'refunded').at(-1);
}

/**
 * Whether the member's cancel still has a refund to ask of this purchase: what its quote says, so the
 * quote shown before cancelling and the cancel cannot disagree. One the member's cancel already refunded
 * is quoted 0 (refundablePurchases).
 */
export function stillToAsk(purchase: RefundablePurchase): boolean {
  return purchase.quote.refundable > 0;
}

/**
 * Every purchase that paid for a part of the membership still to come or under way, the current
 * period's first. Each purchase (first, extension, renewal) bought its own months of the membership,
 * counted back from its end in the order they were paid; each is quoted on its own stretch and its
 * own payment time, so each has its own withdrawal window (DESIGN §6, the 7-day rule).
 */
export async function refundablePurchases(
  payments: PaymentRepository, catalog: PlanCatalog, membership: Membership, now: Date, policy: RefundPolicy, calendar: BusinessCalendar,
): Promise<RefundablePurchase[]> {
  const history = await payments.listByUser(membership.userId);
  const bought = history
    // A purchase an operator refunded in full gave its months back (Membership.takeBackPurchase); one the
    // member's own cancel refunded still holds its stretch until that cancel ends the membership.
    .filter((p) => (p.status === 'paid' || p.refundedInFullByMember) && p.isFulfilled && boughtPartOf(p, membership))
    .sort((a, b) => (b.paidAt as Date).getTime() - (a.paidAt as Date).getTime());
  const purchases: RefundablePurchase[] = [];
  let endMonths = membership.monthsPaid;
  for (const payment of bought) {
    const plan = catalog.find(payment.purpose.planId);
    if (!plan) break;
    const startMonths = endMonths - planMonths(plan);
    if (startMonths < 0) break;
    const periodStart = calendar.addMonths(membership.anchorAt, startMonths);
    const periodEnd = calendar.addMonths(membership.anchorAt, endMonths);
    endMonths = startMonths;
    if (periodEnd <= now) break; // this stretch is over, and every earlier one too
    const rules = rulesForPlan(policy, plan.id);
    const byPolicy = quoteRefund({
      amount: payment.amount, alreadyRefunded: payment.cancelledAmount, paidAt: payment.paidAt as Date, periodStart, periodEnd,
    }, now, rules, calendar);
    // One the member's cancel already refunded is done: a retried cancel (after the gateway refused another
    // purchase, or after a pending refund settled) asking it again would return the policy's amount a second
    // time on top of the first, up to the whole of a stretch already partly used.
    const quote = membersSettledRefund(payment) ? { ...byPolicy, refundable: 0, rule: REFUNDED_BY_EARLIER_CANCEL } : byPolicy;
    purchases.push({ payment, periodStart, periodEnd, quote, rules, withdrawalEndsAt: withdrawalWindowEnd(policy, plan.id, payment.paidAt as Date) });
  }
  return purchases.reverse();
}
