import type { Language } from '../../shared/domain/language';
import type { Plan } from '../domain/plan';

export function presentPlan(plan: Plan, language: Language) {
  return {
    id: plan.id, name: plan.names[language], amount: plan.amount, currency: plan.currency, interval: plan.interval, interval_count: plan.intervalCount,
    // Free days before the first charge, disclosed with the plan (one trial per member per plan).
    ...(plan.trialDays ? { trial_days: plan.trialDays } : {}),
  };
}
