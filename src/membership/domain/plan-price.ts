import type { Plan } from '../../pricing/pricing.api';

/** A price an operator scheduled for a plan: from `effectiveAt` on, charges for periods starting then cost `amount`. */
export interface PriceChange {
  id: string;
  planId: string;
  /** Integer KRW. */
  amount: number;
  effectiveAt: Date;
  createdAt: Date;
}

/**
 * The plan's price for a period starting at `at`: the latest change in effect then, else the
 * configured amount. Among changes effective at the same instant the one scheduled last wins.
 */
export function priceAt(plan: Plan, changes: PriceChange[], at: Date): number {
  let current: PriceChange | null = null;
  for (const change of changes) {
    if (change.planId !== plan.id || change.effectiveAt > at) continue;
    if (!current || change.effectiveAt > current.effectiveAt
      || (change.effectiveAt.getTime() === current.effectiveAt.getTime() && change.createdAt >= current.createdAt)) current = change;
  }
  return current ? current.amount : plan.amount;
}
