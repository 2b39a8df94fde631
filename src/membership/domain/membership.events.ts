export const MembershipEvents = {
  Activated: 'MembershipActivated',
  Extended: 'MembershipExtended',
  Renewed: 'MembershipRenewed',
  RenewalFailed: 'RenewalFailed',
  Cancelled: 'MembershipCancelled',
  Expired: 'MembershipExpired',
  RenewalReminderDue: 'RenewalReminderDue',
} as const;

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

export interface MembershipEndedPayload {
  membershipId: string;
  userId: string;
  billingKey: string | null;
  reason: string;
}
