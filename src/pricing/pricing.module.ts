import { ContainerModule } from 'inversify';
import type { AppConfig } from '../config';
import { ConfigPlanCatalog } from './infrastructure/config-plan-catalog';
import { PRICING } from './pricing.tokens';

/** The plans on sale and their prices, from config/plans.json: the one source every module prices from. */
export function pricingModule(config: AppConfig): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(PRICING.PlanCatalog).toConstantValue(new ConfigPlanCatalog(config.plans));
  });
}
