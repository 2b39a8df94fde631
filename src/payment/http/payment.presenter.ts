import type { Cancellation, Payment } from '../domain/payment.entity';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A payment as the API shows it (times in ISO UTC). */
export function presentPayment(p: Payment) {
  return {
    merchant_uid: p.merchantUid,
    imp_uid: p.gatewayPaymentId,
    plan: p.purpose.planId,
    amount: p.amount,
    status: p.status,
    failure_code: p.failure?.code ?? null,
    failure_message: p.failure?.message ?? null,
    cancelled_amount: p.cancelledAmount,
    paid_at: iso(p.paidAt),
    created_at: iso(p.createdAt),
    gateway: p.gateway,
    refunds: p.cancellations.map(presentRefund),
  };
}

/** One refund of a payment as the member sees it. */
export function presentRefund(c: Cancellation) {
  return { amount: c.amount, status: c.status, reason: c.reason, requested_at: iso(c.requestedAt), settled_at: iso(c.settledAt) };
}

/** One refund as the operator sees it (GET /api/admin/refunds). */
export function presentAdminRefund(merchantUid: string, c: Cancellation) {
  return {
    merchant_uid: merchantUid, amount: c.amount, status: c.status, reason: c.reason, requested_by: c.requestedBy,
    requested_at: iso(c.requestedAt), settled_at: iso(c.settledAt), gateway_message: c.gatewayMessage,
  };
}
