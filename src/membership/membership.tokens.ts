export const MEMBERSHIP = {
  MembershipRepository: Symbol.for('memberpay.membership.MembershipRepository'),
  PlanCatalog: Symbol.for('memberpay.membership.PlanCatalog'),
  FulfilPaidPayment: Symbol.for('memberpay.membership.FulfilPaidPayment'),
} as const;
