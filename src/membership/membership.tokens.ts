export const MEMBERSHIP = {
  MembershipRepository: Symbol.for('memberpay.membership.MembershipRepository'),
  FulfilPaidPayment: Symbol.for('memberpay.membership.FulfilPaidPayment'),
  EndMembershipOnFullRefund: Symbol.for('memberpay.membership.EndMembershipOnFullRefund'),
  ReleaseBillingKey: Symbol.for('memberpay.membership.ReleaseBillingKey'),
  GetRefundQuote: Symbol.for('memberpay.membership.GetRefundQuote'),
  CancelMembership: Symbol.for('memberpay.membership.CancelMembership'),
  SetAutoRenew: Symbol.for('memberpay.membership.SetAutoRenew'),
  RemoveCard: Symbol.for('memberpay.membership.RemoveCard'),
  GetAccount: Symbol.for('memberpay.membership.GetAccount'),
} as const;
