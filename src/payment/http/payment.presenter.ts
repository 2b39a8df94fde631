import type { Payment } from '../domain/payment.entity';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A payment as the API shows it (times in ISO UTC). */
export function presentPayment(p: Payment) {
  return {
    merchant_uid: p.merchantUid,
    imp_uid: p.impUid,
    plan: p.purpose.planId,
    amount: p.amount,
    status: p.status,
    failure_code: p.failure?.code ?? null,
    failure_message: p.failure?.message ?? null,
    cancelled_amount: p.cancelledAmount,
    paid_at: iso(p.paidAt),
    created_at: iso(p.createdAt),
    gateway: p.gateway,
  };
}
