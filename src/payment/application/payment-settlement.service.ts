import type { Clock } from '../../shared/application/clock.port';
import type { IdGenerator } from '../../shared/application/id-generator.port';
import type { Logger } from '../../shared/application/logger.port';
import { retryOnConflict } from '../../shared/application/retry-on-conflict';
import type { UnitOfWork } from '../../shared/application/unit-of-work.port';
import type { GatewayPayment } from '../domain/gateway-payment';
import { Payment } from '../domain/payment.entity';
import { PaymentNotFoundError } from '../domain/payment.errors';
import { GatewayRejectedError, GatewayUnavailableError, type PaymentGateway } from './payment-gateway.port';
import type { PaymentFulfilment } from './payment-fulfilment.port';
import type { PaymentRepository } from './payment-repository.port';

/** A settled payment and what it bought in the same transaction (the membership), or null. */
export interface Settled {
  payment: Payment;
  bought: unknown;
}

/**
 * Applies what the gateway says about a payment, the one way every path (validation, failure
 * report, webhook, reconciler) moves a payment. Each save checks the version the payment was read
 * at and a loser retries on a fresh read, so concurrent callers with the same answer leave one effect;
 * a payment that becomes paid is fulfilled in the same transaction (issue 16: one transaction, one
 * payment write).
 */
export class PaymentSettlement {
  constructor(
    private readonly payments: PaymentRepository,
    private readonly gateway: PaymentGateway,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly logger: Logger,
    /** Null where nothing is bought (tests of the payment alone): the PaymentPaid handler fulfils after the commit then. */
    private readonly fulfilment: PaymentFulfilment | null = null,
  ) {}

  async applyGatewayTruth(target: Payment | string, truth: GatewayPayment): Promise<Payment> {
    return (await this.settle(target, truth)).payment;
  }

  /** As applyGatewayTruth; also answers what the payment bought when this call fulfilled it (null otherwise). */
  async settle(target: Payment | string, truth: GatewayPayment): Promise<Settled> {
    const { payment, bought } = await this.changeAndFulfil(target, (p) => {
      p.applyGatewayTruth(truth, this.clock.now(), this.ids.newId());
    });
    return { payment: await this.sendPendingRefunds(payment), bought };
  }

  /**
   * Changes and saves a payment, retrying when a concurrent writer won (the save checks the version
   * it was read at). Given the payment the caller just read, the first attempt acts on a copy of it;
   * a retry, or a merchant_uid alone, loads it. A change that records events runs in a unit of work
   * with them and with what a paid payment buys (the fulfilment); one that records none is a single
   * versioned write, which needs no transaction around it.
   */
  async change(target: Payment | string, act: (payment: Payment) => void): Promise<Payment> {
    return (await this.changeAndFulfil(target, act)).payment;
  }

  private async changeAndFulfil(target: Payment | string, act: (payment: Payment) => void): Promise<Settled> {
    const merchantUid = typeof target === 'string' ? target : target.merchantUid;
    let known = typeof target === 'string' ? null : target;
    return retryOnConflict(async () => {
      const payment = known ? Payment.restore(known.toProps()) : await this.payments.findByMerchantUid(merchantUid);
      known = null;
      if (!payment) throw new PaymentNotFoundError(merchantUid);
      act(payment);
      if (!payment.hasPendingEvents()) {
        if (payment.hasUnsavedChanges) await this.payments.save(payment);
        return { payment, bought: null };
      }
      return this.uow.run(async () => {
        const bought = (await this.fulfilment?.fulfilInTransaction(payment)) ?? null;
        await this.payments.save(payment);
        return { payment, bought };
      });
    });
  }

  /**
   * Sends the refunds a payment is waiting for, outside any transaction. A definite answer settles
   * them; an unknown one leaves them pending (noted as unanswered) for the reconciler, which asks
   * the gateway again.
   */
  async sendPendingRefunds(payment: Payment): Promise<Payment> {
    let current = payment;
    for (const cancellation of payment.pendingCancellations) {
      try {
        const truth = await this.gateway.cancel({
          gatewayPaymentId: cancellation.gatewayPaymentId, merchantUid: current.merchantUid, amount: cancellation.amount,
          checksum: cancellation.checksum, reason: cancellation.reason,
        });
        current = await this.change(current, (p) => p.settleRefunds(truth, this.clock.now()));
      } catch (error) {
        if (error instanceof GatewayUnavailableError) {
          this.logger.warn({ merchantUid: current.merchantUid, refund: cancellation.id }, 'refund outcome unknown; the reconciler will settle it');
          current = await this.noteUnanswered(current, cancellation.id);
          break;
        }
        if (!(error instanceof GatewayRejectedError)) throw error;
        current = await this.settleRejectedRefund(current, cancellation.id, cancellation.gatewayPaymentId, error.message);
      }
    }
    return current;
  }

  /** A refused cancel may still have happened earlier (a lost answer): read the gateway's balance before calling it refused. */
  private async settleRejectedRefund(payment: Payment, refundId: string, gatewayPaymentId: string, rejection: string): Promise<Payment> {
    const truth = await this.gateway.getPayment(gatewayPaymentId).catch((error) => {
      if (error instanceof GatewayUnavailableError) return undefined;
      throw error;
    });
    if (truth === undefined) return this.noteUnanswered(payment, refundId);
    const settled = await this.change(payment, (p) => {
      if (truth) p.settleRefunds(truth, this.clock.now());
      p.rejectPendingRefunds(rejection, this.clock.now());
    });
    const refused = settled.cancellations.find((c) => c.id === refundId);
    if (refused?.status === 'rejected') {
      this.logger.warn({ merchantUid: settled.merchantUid, refund: refundId, amount: refused.amount, gatewayMessage: rejection }, 'refund refused by the gateway');
    }
    return settled;
  }

  private noteUnanswered(payment: Payment, refundId: string): Promise<Payment> {
    return this.change(payment, (p) => p.noteRefundsUnanswered([refundId], this.clock.now()));
  }
}
