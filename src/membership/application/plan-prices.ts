import { type PriceChange, priceAt } from '../domain/plan-price';
import type { Plan } from '../domain/plan';
import type { PriceChangeRepository } from './price-change-repository.port';

/** A plan's price for a period starting at `at`. */
export type Pricing = (plan: Plan, at: Date) => number;

/** Plans' prices over time, scheduled changes included: what a period starting at a moment costs. */
export class PlanPrices {
  constructor(private readonly changes: PriceChangeRepository) {}

  /** Every scheduled change of `plans` read once: a run prices thousands of memberships without a query each. */
  async snapshot(plans: Plan[]): Promise<Pricing> {
    const changes: PriceChange[] = (await Promise.all(plans.map((plan) => this.changes.listForPlan(plan.id)))).flat();
    return (plan, at) => priceAt(plan, changes, at);
  }
}
