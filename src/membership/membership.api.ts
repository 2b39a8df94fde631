/**
 * The membership module's public entry (memberships bought by payments: periods, refunds owed, cancellation): the only file of src/membership/ another module may import.
 * Which modules may use which: test/unit/architecture/module-borders.test.ts.
 */
export type { CancelMembership } from './application/cancel-membership.use-case';
export type { MembershipRepository } from './application/membership-repository.port';
export { refundablePurchases } from './application/refund-subject';
export type { Membership } from './domain/membership.entity';
export { MembershipEvents } from './domain/membership.events';
export type { MembershipChangedEvent, MembershipEvent, RenewalFailedEvent, RenewalFailedPayload } from './domain/membership.events';
export type { RefundQuote, RefundRule } from './domain/refund-policy';
export { presentMembership } from './http/membership.presenter';
export { MEMBERSHIP } from './membership.tokens';
