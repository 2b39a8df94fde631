import type { TypedEvent } from '../../shared/domain/domain-event';

export const MembershipEvents = {
  Activated: 'MembershipActivated',
  Extended: 'MembershipExtended',
  Renewed: 'MembershipRenewed',
  RenewalFailed: 'RenewalFailed',
  Cancelled: 'MembershipCancelled',
  Expired: 'MembershipExpired',
  CardRemoved: 'MembershipCardRemoved',
  TrialStarted: 'MembershipTrialStarted',
  RenewalStoppedWithoutConsent: 'MembershipRenewalStoppedWithoutConsent',
} as const;

/** No consent to a higher price: the membership ends at `periodEnd` instead of renewing. */
export interface ConsentMissingPayload {
  membershipId: string;
  userId: string;
  planId: string;
  periodEnd: string;
}

export interface MembershipChangedPayload {
  membershipId: string;
  userId: string;
  planId: string;
  periodNo: number;
  periodStart: string;
  periodEnd: string;
  paymentId?: string;
  /** Where the time this payment bought begins (an extension: the end before it); events stored before it lack it. */
  paidFrom?: string;
}

/** MembershipCancelled, MembershipExpired and MembershipCardRemoved: the stored card to delete at the gateway, if any. */
export interface BillingKeyReleasedPayload {
  membershipId: string;
  userId: string;
  billingKey: string | null;
  reason: string;
}

export interface RenewalFailedPayload {
  membershipId: string;
  userId: string;
  /** The period the declined charge was for. */
  periodNo: number;
  /** The attempt within that period (1 = the charge at the period end, then the dunning retries). */
  attempt: number;
  reason: string;
  finalAttempt: boolean;
}

export type MembershipChangedEvent = TypedEvent<typeof MembershipEvents.Activated | typeof MembershipEvents.Extended | typeof MembershipEvents.Renewed, MembershipChangedPayload>;
export type BillingKeyReleasedEvent = TypedEvent<typeof MembershipEvents.Cancelled | typeof MembershipEvents.Expired | typeof MembershipEvents.CardRemoved, BillingKeyReleasedPayload>;
export type RenewalFailedEvent = TypedEvent<typeof MembershipEvents.RenewalFailed, RenewalFailedPayload>;
/** Every event a membership records. */
export type MembershipEvent = MembershipChangedEvent | BillingKeyReleasedEvent | RenewalFailedEvent;
