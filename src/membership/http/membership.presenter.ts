import type { Membership } from '../domain/membership.entity';
import type { Plan } from '../domain/plan';
import type { PlanRefundTerms } from '../domain/refund-policy';
import type { Language } from '../../shared/domain/language';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A membership as the API shows it (times in ISO UTC). */
export function presentMembership(m: Membership) {
  return {
    id: m.id,
    plan: m.planId,
    status: m.status,
    current_period_start: iso(m.periodStart),
    current_period_end: iso(m.periodEnd),
    auto_renew: m.autoRenew,
    cancel_at_period_end: m.cancelAtPeriodEnd,
    // DESIGN §7: the period end while auto-renew is on, past due included (the dunning retry day is internal).
    next_charge_at: m.autoRenew ? iso(m.periodEnd) : null,
    // When access ended (cancelled now, at the period end, or expired); null while live.
    ended_at: iso(m.endedAt),
  };
}

/** A plan with its refund terms, disclosed before purchase: each charge's full-refund window, then the fee on the unused part. */
export function presentPlan(plan: Plan, language: Language, terms: PlanRefundTerms) {
  return {
    id: plan.id, name: plan.names[language], amount: plan.amount, currency: plan.currency, interval: plan.interval, interval_count: plan.intervalCount,
    refund_policy: { withdrawal_days: terms.withdrawalDays, fee_percent: terms.feePercent },
  };
}
