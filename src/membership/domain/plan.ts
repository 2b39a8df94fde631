export type PlanInterval = 'month' | 'year';

export interface Plan {
  id: string;
  name: string;
  /** Integer KRW. */
  amount: number;
  currency: 'KRW';
  interval: PlanInterval;
  intervalCount: number;
}

/** A plan's period length in calendar months (a year is twelve). */
export function planMonths(plan: Plan): number {
  return plan.interval === 'year' ? plan.intervalCount * 12 : plan.intervalCount;
}
