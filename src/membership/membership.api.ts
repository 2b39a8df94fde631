/**
 * The membership module's public entry (memberships bought by payments: periods, refunds owed, cancellation): the only file of src/membership/ another module may import.
 * Which modules may use which: test/unit/architecture/module-borders.test.ts.
 */
export type { CancelMembership } from './application/cancel-membership.use-case';
export type { SchedulePriceChange } from './application/schedule-price-change.use-case';
export type { MembershipRepository, PlanPriceBound } from './application/membership-repository.port';
export type { ConsentRequestRepository } from './application/consent-request-repository.port';
export type { PlanPrices, Pricing } from './application/plan-prices';
export { ConsentRequest } from './domain/consent-request.entity';
export { mootReasonOf } from './application/consent-mootness';
export { refundablePurchases } from './application/refund-subject';
export type { Membership } from './domain/membership.entity';
export { MembershipEvents } from './domain/membership.events';
export type { MembershipChangedEvent, MembershipEvent, RenewalFailedEvent, RenewalFailedPayload } from './domain/membership.events';
export type { PlanRefundTerms, RefundPolicy, RefundQuote, RefundRule } from './domain/refund-policy';
export { refundTermsOf, withdrawalWindowEnd } from './domain/refund-policy';
export type { RetainedRecordStore } from './application/retained-record-store.port';
export { presentMembership } from './http/membership.presenter';
export { MEMBERSHIP } from './membership.tokens';
