import type { Clock } from '../../shared/application/clock.port';
import type { Payment } from '../domain/payment.entity';
import { PaymentNotFoundError } from '../domain/payment.errors';
import { GatewayUnavailableError, type PaymentGateway } from './payment-gateway.port';
import type { PaymentSettlement } from './payment-settlement.service';
import type { PaymentRepository } from './payment-repository.port';
import type { Verdict } from './confirm-payment.use-case';

export interface ReportPaymentFailureInput {
  userId: string | null;
  merchantUid: string;
  transactionId: string | null;
  errorCode: string | null;
  errorMessage: string | null;
}

/**
 * The page says the payment failed. With a gateway payment id the gateway is asked first: a payment it holds
 * as paid stays paid whatever the page says. Without one (the window closed before a card), the
 * payment fails as `window_closed`; a later word from the gateway can still make it paid.
 */
export class ReportPaymentFailure {
  constructor(
    private readonly payments: PaymentRepository,
    private readonly gateway: PaymentGateway,
    private readonly settlement: PaymentSettlement,
    private readonly clock: Clock,
  ) {}

  async execute(input: ReportPaymentFailureInput): Promise<{ verdict: Verdict; payment: Payment }> {
    const payment = await this.payments.findByMerchantUid(input.merchantUid);
    if (!payment || (input.userId !== null && payment.userId !== input.userId)) throw new PaymentNotFoundError(input.merchantUid);

    let current = payment;
    if (input.transactionId) {
      try {
        const truth = await this.gateway.getPayment(input.transactionId);
        if (truth && truth.merchantUid === payment.merchantUid) current = await this.settlement.applyGatewayTruth(payment, truth);
      } catch (error) {
        if (!(error instanceof GatewayUnavailableError)) throw error;
        const noted = await this.settlement.change(payment, (p) => p.noteReportedGatewayPaymentId(input.transactionId as string, this.clock.now()));
        return { verdict: 'pending', payment: noted };
      }
    }
    if (current.status === 'await') {
      const message = input.errorMessage ?? 'the buyer closed the payment window';
      current = await this.settlement.change(current, (p) => {
        if (p.status === 'await') p.fail('window_closed', message, this.clock.now());
      });
    }
    return { verdict: current.status === 'failed' ? 'failed' : current.status === 'await' ? 'pending' : 'paid', payment: current };
  }
}
