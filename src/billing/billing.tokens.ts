export const BILLING = {
  MemberNotices: Symbol.for('memberpay.billing.MemberNotices'),
  NotificationLog: Symbol.for('memberpay.billing.NotificationLog'),
  RunRenewals: Symbol.for('memberpay.billing.RunRenewals'),
  SendMemberNotices: Symbol.for('memberpay.billing.SendMemberNotices'),
} as const;
