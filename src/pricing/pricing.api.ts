/**
 * The pricing module's public entry (the plans on sale and their prices): the only file of src/pricing/ another module may import.
 * Which modules may use which: test/unit/architecture/module-borders.test.ts.
 */
export type { PlanCatalog } from './application/plan-catalog.port';
export { planMonths } from './domain/plan';
export type { Plan } from './domain/plan';
export { UnknownPlanError } from './domain/pricing.errors';
export { PRICING } from './pricing.tokens';
