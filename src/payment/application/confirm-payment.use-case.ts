import type { Clock } from '../../shared/application/clock.port';
import { ConcurrencyConflictError } from '../../shared/domain/domain-error';
import type { Payment } from '../domain/payment.entity';
import { PaymentNotFoundError, PaymentNotPaidError } from '../domain/payment.errors';
import { GatewayRejectedError, GatewayUnavailableError, type PaymentGateway } from './payment-gateway.port';
import type { PaymentSettlement } from './payment-settlement.service';
import type { PaymentRepository } from './payment-repository.port';

export interface ConfirmPaymentInput {
  /** The caller; null for trusted internal callers. A payment of another user is "not found". */
  userId: string | null;
  merchantUid: string;
  /** What the browser brought back: Iamport's imp_uid, Toss's paymentKey, or Toss's billing authKey. */
  transactionId: string;
  /**
   * Set when the browser authorised a card for recurring billing (Toss's authKey) instead of paying:
   * the customer key it says the card was authorised for. The card is stored under the key this
   * order's checkout issued; a browser naming another one is refused before the gateway is asked.
   */
  billingCustomerKey?: string;
}

export type Verdict = 'paid' | 'failed' | 'pending';

export interface ConfirmPaymentResult {
  verdict: Verdict;
  payment: Payment;
  /** What the payment bought when this confirmation fulfilled it (the membership), so the answer need not read it again. */
  bought?: unknown;
}

/**
 * After the PG window: asks the gateway itself (never the client's body) and applies its answer.
 * A gateway that cannot answer leaves the payment pending for the reconciler; a gateway payment id the
 * gateway does not know, or one of another order, changes nothing. Other writers that win every
 * retry (deadlocks, the buyer's other payments on one membership) leave it pending too: the answer
 * is then not recorded, and a 409 would show a paid purchase as an error.
 */
export class ConfirmPayment {
  constructor(
    private readonly payments: PaymentRepository,
    private readonly gateway: PaymentGateway,
    private readonly settlement: PaymentSettlement,
    private readonly clock: Clock,
  ) {}

  async execute(input: ConfirmPaymentInput): Promise<ConfirmPaymentResult> {
    const payment = await this.payments.findByMerchantUid(input.merchantUid);
    if (!payment || (input.userId !== null && payment.userId !== input.userId)) throw new PaymentNotFoundError(input.merchantUid);
    if (payment.status === 'paid' && payment.gatewayPaymentId === input.transactionId && payment.isFulfilled) return { verdict: 'paid', payment };
    // Until the order is paid its customerUid is the key checkout issued; once paid it is the gateway's card.
    const unpaid = payment.status === 'await' || payment.status === 'failed';
    if (input.billingCustomerKey !== undefined && unpaid && input.billingCustomerKey !== payment.customerUid) {
      throw new PaymentNotPaidError(payment.customerUid === null
        ? 'this order did not ask to store a card (auto_renew was off)'
        : 'the card was authorised for another customer key than this order issued');
    }

    // Written ahead of the gateway call: if this process dies before the answer is saved, the reconciler knows to ask.
    const noted = payment.status === 'await' || payment.status === 'failed' ? await this.noteAhead(payment, input.transactionId) : payment;
    let truth;
    try {
      truth = await this.gateway.settle({
        merchantUid: payment.merchantUid, transactionId: input.transactionId, amount: payment.amount,
        // An order already charged is answered from that charge before any key is issued.
        billingCustomerKey: input.billingCustomerKey === undefined ? undefined : unpaid ? payment.customerUid ?? undefined : input.billingCustomerKey,
      });
    } catch (error) {
      // A definite no to settling (Toss refusing to confirm another amount) means the gateway will not hold it as paid.
      if (error instanceof GatewayRejectedError) throw new PaymentNotPaidError(`the gateway refused the payment: ${error.message}`, error.details);
      if (!(error instanceof GatewayUnavailableError)) throw error;
      return { verdict: 'pending', payment: (await this.payments.findByMerchantUid(payment.merchantUid)) ?? payment };
    }
    if (!truth) throw new PaymentNotPaidError(`the gateway has no payment ${input.transactionId}`);
    if (truth.merchantUid !== payment.merchantUid) throw new PaymentNotPaidError(`payment ${input.transactionId} belongs to another order`);

    let outcome;
    try {
      outcome = await this.settlement.settle(noted, truth);
    } catch (error) {
      if (!(error instanceof ConcurrencyConflictError)) throw error;
      // Every attempt lost and was rolled back. Unless another writer recorded it paid, the reconciler records
      // the gateway's answer (at its next run, by the noted id).
      const current = (await this.payments.findByMerchantUid(payment.merchantUid)) ?? noted;
      const recorded = (current.status === 'paid' || current.status === 'cancelled') && current.isFulfilled;
      return { verdict: recorded ? 'paid' : 'pending', payment: current };
    }
    const { payment: settled, bought } = outcome;
    if (settled.status === 'paid' || settled.status === 'cancelled') return { verdict: 'paid', payment: settled, bought };
    if (settled.status === 'failed') return { verdict: 'failed', payment: settled };
    throw new PaymentNotPaidError(`the gateway holds payment ${input.transactionId} as ${truth.status}, not paid`, { gateway_status: truth.status });
  }

  /**
   * Notes the gateway payment id the browser brought back. Only other writers of this payment (a
   * second validation, a notice, the reconciler) outlast the retries, and they record it themselves:
   * the gateway is asked all the same.
   */
  private async noteAhead(payment: Payment, transactionId: string): Promise<Payment> {
    try {
      return await this.settlement.change(payment, (p) => p.noteReportedGatewayPaymentId(transactionId, this.clock.now()));
    } catch (error) {
      if (!(error instanceof ConcurrencyConflictError)) throw error;
      return payment;
    }
  }
}
