import type { PlanCatalog } from '../application/plan-catalog.port';
import type { Plan } from '../domain/plan';

export class ConfigPlanCatalog implements PlanCatalog {
  constructor(private readonly plans: Plan[]) {}

  list(): Plan[] {
    return this.plans.map((p) => ({ ...p }));
  }

  find(planId: string): Plan | null {
    const plan = this.plans.find((p) => p.id === planId);
    return plan ? { ...plan } : null;
  }
}
