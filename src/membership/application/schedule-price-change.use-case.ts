import { type PlanCatalog, UnknownPlanError } from '../../pricing/pricing.api';
import type { Clock } from '../../shared/application/clock.port';
import type { IdGenerator } from '../../shared/application/id-generator.port';
import { DomainError } from '../../shared/domain/domain-error';
import type { PriceChange } from '../domain/plan-price';
import type { PriceChangeRepository } from './price-change-repository.port';

/**
 * An operator schedules a plan's new price. Only the future can be priced: members due before
 * `effectiveAt` keep their price, and a rise reaches a member only through their consent (SeekConsents).
 */
export class SchedulePriceChange {
  constructor(
    private readonly catalog: PlanCatalog,
    private readonly changes: PriceChangeRepository,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async execute(planId: string, amount: number, effectiveAt: Date): Promise<PriceChange> {
    const plan = this.catalog.find(planId);
    if (!plan) throw new UnknownPlanError(planId);
    const now = this.clock.now();
    if (effectiveAt <= now) {
      throw new DomainError('invalid_input', 'invalid_request', 'effective_at must be in the future', [{ field: 'effective_at', message: 'must be after now' }]);
    }
    const change: PriceChange = { id: this.ids.newId(), planId: plan.id, amount, effectiveAt, createdAt: now };
    await this.changes.add(change);
    return change;
  }
}
