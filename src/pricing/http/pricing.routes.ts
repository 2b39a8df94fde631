import type { Router } from '@koa/router';
import { createRouter } from '../../shared/http/routing';
import { requestLanguage } from '../../shared/http/language';
import { answer } from '../../shared/http/respond';
import type { PlanCatalog } from '../application/plan-catalog.port';
import { presentPlan } from './plan.presenter';

export interface PricingRouteDeps {
  catalog: PlanCatalog;
}

export function pricingRoutes(deps: PricingRouteDeps): Router {
  const router = createRouter();

  router.get('/api/plans', (ctx) => {
    const language = requestLanguage(ctx);
    answer(ctx, { plans: deps.catalog.list().map((plan) => presentPlan(plan, language)) });
  });

  return router;
}
