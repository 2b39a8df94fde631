import type { PlanCatalog } from '../../pricing/pricing.api';
import type { ConsentRequest, MootReason } from '../domain/consent-request.entity';
import type { Membership } from '../domain/membership.entity';
import type { Pricing } from './plan-prices';

/**
 * Why `request` no longer asks about the charge `membership` makes next, priced as renewals price it
 * (its plan's price where the next period starts), or null while it still does. A plan since removed
 * from the catalog cannot be charged or measured: null, and the request keeps its usual course.
 */
export function mootReasonOf(request: ConsentRequest, membership: Membership, catalog: PlanCatalog, price: Pricing): MootReason | null {
  const plan = catalog.find(membership.planId);
  if (!plan) return null;
  return request.mootReason(membership.nextCharge(plan, price(plan, membership.periodEnd)));
}
