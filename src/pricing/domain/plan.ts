import type { Localized } from '../../shared/domain/language';

export type PlanInterval = 'month' | 'year';

export interface Plan {
  id: string;
  /** Korean first (the default everywhere, and the order name the PG shows), English for English-speaking members. */
  names: Localized;
  /** Integer KRW. */
  amount: number;
  currency: 'KRW';
  interval: PlanInterval;
  intervalCount: number;
  /** Free days before the first charge (config/plans.json `trial_days`); absent or 0: no trial. */
  trialDays?: number;
}

/** A plan's period length in calendar months (a year is twelve). */
export function planMonths(plan: Plan): number {
  return plan.interval === 'year' ? plan.intervalCount * 12 : plan.intervalCount;
}
