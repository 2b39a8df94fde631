import type { Clock } from '../../shared/application/clock.port';
import { DatabaseUnavailableError } from '../../shared/application/database.errors';
import type { IdGenerator } from '../../shared/application/id-generator.port';
import type { Payment } from '../domain/payment.entity';
import { GatewayRejectedError } from './payment-gateway.port';
import type { PaymentSettlement } from './payment-settlement.service';

export interface RefundPaymentInput {
  merchantUid: string;
  /** Default: all that remains. */
  amount: number | null;
  reason: string;
}

export interface RefundPaymentResult {
  payment: Payment;
  /** refunded: the gateway returned it; pending: it could not answer, the reconciler settles it. */
  refund: { amount: number; status: 'refunded' | 'pending' };
}

/**
 * An operator's refund: recorded as pending, sent with the checksum after the commit, settled by
 * the gateway's answer. A refusal is kept on the payment as rejected and answered as one
 * (DESIGN §6 "Refund outcomes"). An answer the database could not record is pending too: the
 * reconciler settles it from the gateway's record.
 */
export class RefundPayment {
  constructor(
    private readonly settlement: PaymentSettlement,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async execute(input: RefundPaymentInput): Promise<RefundPaymentResult> {
    let requested = { id: '', amount: 0 };
    const recorded = await this.settlement.change(input.merchantUid, (p) => {
      requested = p.requestRefund({ id: this.ids.newId(), amount: input.amount ?? undefined, reason: input.reason, requestedBy: 'admin', now: this.clock.now() });
    });
    let payment: Payment;
    try {
      payment = await this.settlement.sendPendingRefunds(recorded);
    } catch (error) {
      if (!(error instanceof DatabaseUnavailableError)) throw error;
      // Only the gateway's answer went unrecorded (the refund was asked of it): pending, as our records hold it, never "nothing happened".
      return { payment: recorded, refund: { amount: requested.amount, status: 'pending' } };
    }
    const settled = payment.cancellations.find((c) => c.id === requested.id);
    if (settled?.status === 'rejected') throw new GatewayRejectedError(settled.gatewayMessage ?? 'the payment gateway refused the refund');
    return { payment, refund: { amount: requested.amount, status: settled?.status === 'refunded' ? 'refunded' : 'pending' } };
  }
}
