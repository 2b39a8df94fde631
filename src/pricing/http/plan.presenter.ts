import type { Language } from '../../shared/domain/language';
import type { Plan } from '../domain/plan';

/** A plan's refund terms as the buyer is told them before purchase (computed from config/refund-policy.json by membership, handed in by the app). */
export interface PlanRefundTermsView {
  /** Days after each charge (first or renewal) in which it is refunded in full; null without such a window. */
  withdrawalDays: number | null;
  /** Percent of the unused part kept after the window; null when nothing is refunded then. */
  feePercent: number | null;
}

/** A plan with its refund terms, disclosed before purchase: each charge's full-refund window, then the fee on the unused part. */
export function presentPlan(plan: Plan, language: Language, terms: PlanRefundTermsView) {
  return {
    id: plan.id, name: plan.names[language], amount: plan.amount, currency: plan.currency, interval: plan.interval, interval_count: plan.intervalCount,
    refund_policy: { withdrawal_days: terms.withdrawalDays, fee_percent: terms.feePercent },
    // Free days before the first charge, disclosed with the plan (one trial per member per plan).
    ...(plan.trialDays ? { trial_days: plan.trialDays } : {}),
  };
}
