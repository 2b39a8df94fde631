export const BILLING = {
  MemberNotices: Symbol.for('memberpay.billing.MemberNotices'),
  NotificationLog: Symbol.for('memberpay.billing.NotificationLog'),
  RunRenewals: Symbol.for('memberpay.billing.RunRenewals'),
  SeekConsents: Symbol.for('memberpay.billing.SeekConsents'),
  SendMemberNotices: Symbol.for('memberpay.billing.SendMemberNotices'),
} as const;
