import type { Router } from '@koa/router';
import { createRouter } from '../../shared/http/routing';
import { requestLanguage } from '../../shared/http/language';
import { answer } from '../../shared/http/respond';
import type { PlanCatalog } from '../application/plan-catalog.port';
import { type PlanRefundTermsView, presentPlan } from './plan.presenter';

export interface PricingRouteDeps {
  catalog: PlanCatalog;
  /** Each plan's refund terms (the refund policy is membership's; the app hands them in). */
  refundTermsOf: (planId: string) => PlanRefundTermsView;
}

export function pricingRoutes(deps: PricingRouteDeps): Router {
  const router = createRouter();

  router.get('/api/plans', (ctx) => {
    const language = requestLanguage(ctx);
    answer(ctx, { plans: deps.catalog.list().map((plan) => presentPlan(plan, language, deps.refundTermsOf(plan.id))) });
  });

  return router;
}
