import type { Clock } from '../../shared/application/clock.port';
import type { IdGenerator } from '../../shared/application/id-generator.port';
import type { Payment } from '../domain/payment.entity';
import type { PaymentSettlement } from './payment-settlement.service';

export interface RefundPaymentInput {
  merchantUid: string;
  /** Default: all that remains. */
  amount: number | null;
  reason: string;
}

/** An operator's refund: recorded as pending, sent with the checksum after the commit, settled by the gateway's answer. */
export class RefundPayment {
  constructor(
    private readonly settlement: PaymentSettlement,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async execute(input: RefundPaymentInput): Promise<{ payment: Payment; refund: { amount: number } }> {
    let amount = 0;
    const requested = await this.settlement.change(input.merchantUid, (p) => {
      amount = p.requestRefund({ id: this.ids.newId(), amount: input.amount ?? undefined, reason: input.reason, requestedBy: 'admin', now: this.clock.now() }).amount;
    });
    const payment = await this.settlement.sendPendingRefunds(requested);
    return { payment, refund: { amount } };
  }
}
