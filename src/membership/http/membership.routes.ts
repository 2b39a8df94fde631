import type { Router } from '@koa/router';
import { createRouter } from '../../shared/http/routing';
import { requestLanguage } from '../../shared/http/language';
import { answer } from '../../shared/http/respond';
import type { PlanCatalog } from '../application/plan-catalog.port';
import { type RefundPolicy, refundTermsOf } from '../domain/refund-policy';
import { presentPlan } from './membership.presenter';

export interface MembershipRouteDeps {
  catalog: PlanCatalog;
  refundPolicy: RefundPolicy;
}

export function membershipRoutes(deps: MembershipRouteDeps): Router {
  const router = createRouter();

  router.get('/api/plans', (ctx) => {
    const language = requestLanguage(ctx);
    answer(ctx, { plans: deps.catalog.list().map((plan) => presentPlan(plan, language, refundTermsOf(deps.refundPolicy, plan.id))) });
  });

  return router;
}
