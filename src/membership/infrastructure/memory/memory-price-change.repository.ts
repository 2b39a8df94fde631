import type { PriceChangeRepository } from '../../application/price-change-repository.port';
import type { PriceChange } from '../../domain/plan-price';

export class MemoryPriceChangeRepository implements PriceChangeRepository {
  private readonly changes: PriceChange[] = [];

  async add(change: PriceChange): Promise<void> {
    this.changes.push({ ...change });
  }

  async listForPlan(planId: string): Promise<PriceChange[]> {
    return this.changes.filter((c) => c.planId === planId).map((c) => ({ ...c }));
  }
}
