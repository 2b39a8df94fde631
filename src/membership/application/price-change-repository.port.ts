import type { PriceChange } from '../domain/plan-price';

export interface PriceChangeRepository {
  add(change: PriceChange): Promise<void>;
  /** Every scheduled change of the plan (a handful: operators change prices rarely). */
  listForPlan(planId: string): Promise<PriceChange[]>;
}
