import type { Language } from '../../shared/domain/language';
import type { Plan } from '../domain/plan';

export function presentPlan(plan: Plan, language: Language) {
  return { id: plan.id, name: plan.names[language], amount: plan.amount, currency: plan.currency, interval: plan.interval, interval_count: plan.intervalCount };
}
