import { type PriceChange, priceAt } from '../domain/plan-price';
import type { Plan } from '../domain/plan';
import type { PriceChangeRepository } from './price-change-repository.port';

/** A plan's price at a moment, scheduled changes included: what a period starting then costs. */
export class PlanPrices {
  constructor(private readonly changes: PriceChangeRepository) {}

  async amountAt(plan: Plan, at: Date): Promise<number> {
    return priceAt(plan, await this.changes.listForPlan(plan.id), at);
  }

  async scheduled(plan: Plan): Promise<PriceChange[]> {
    return this.changes.listForPlan(plan.id);
  }
}
