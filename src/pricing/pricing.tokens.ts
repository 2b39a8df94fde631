export const PRICING = {
  PlanCatalog: Symbol.for('memberpay.pricing.PlanCatalog'),
} as const;
