import type { Plan } from '../domain/plan';

export interface PlanCatalog {
  list(): Plan[];
  find(planId: string): Plan | null;
}
