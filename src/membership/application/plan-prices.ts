import { type PriceChange, priceAt } from '../domain/plan-price';
import type { Plan } from '../../pricing/pricing.api';
import type { PriceChangeRepository } from './price-change-repository.port';

/** A plan's price for a period starting at `at`; `highest` is the most it costs for periods starting in [from, to]. */
export interface Pricing {
  (plan: Plan, at: Date): number;
  highest(plan: Plan, from: Date, to: Date): number;
}

/** Plans' prices over time, scheduled changes included: what a period starting at a moment costs. */
export class PlanPrices {
  constructor(private readonly changes: PriceChangeRepository) {}

  /** Every scheduled change of `plans` read once: a run prices thousands of memberships without a query each. */
  async snapshot(plans: Plan[]): Promise<Pricing> {
    const changes: PriceChange[] = (await Promise.all(plans.map((plan) => this.changes.listForPlan(plan.id)))).flat();
    const price = (plan: Plan, at: Date) => priceAt(plan, changes, at);
    // The price only changes where a change takes effect: the start and each such moment inside the range.
    const highest = (plan: Plan, from: Date, to: Date) => Math.max(price(plan, from),
      ...changes.filter((c) => c.planId === plan.id && c.effectiveAt > from && c.effectiveAt <= to).map((c) => price(plan, c.effectiveAt)));
    return Object.assign(price, { highest });
  }
}
