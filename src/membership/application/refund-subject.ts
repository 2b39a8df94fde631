import type { PaymentRepository } from '../../payment/application/payment-repository.port';
import type { Payment } from '../../payment/domain/payment.entity';
import type { Membership } from '../domain/membership.entity';
import type { RefundSubject } from '../domain/refund-policy';

/** The payment that bought the membership's current period: the user's latest paid one applied to it. */
export async function currentPeriodPayment(payments: PaymentRepository, membership: Membership): Promise<Payment | null> {
  const history = await payments.listByUser(membership.userId);
  return history.find((p) => p.status === 'paid' && p.isFulfilled && p.paidAt !== null && p.paidAt < membership.periodEnd) ?? null;
}

export function refundSubject(payment: Payment, membership: Membership): RefundSubject {
  return {
    amount: payment.amount,
    alreadyRefunded: payment.cancelledAmount,
    paidAt: payment.paidAt as Date,
    periodStart: membership.periodStart,
    periodEnd: membership.periodEnd,
  };
}
