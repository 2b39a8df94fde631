import type { Clock } from '../../shared/application/clock.port';
import type { Logger } from '../../shared/application/logger.port';
import type { Payment } from '../domain/payment.entity';
import { wasCharged } from '../domain/gateway-payment';
import { GatewayUnavailableError, type PaymentGateway } from './payment-gateway.port';
import type { PaymentRepository } from './payment-repository.port';
import type { PaymentSettlement } from './payment-settlement.service';

export interface ReconcileResult {
  checked: number;
  settled: number;
}

const BATCH = 200;

/**
 * Ends every payment in a known state: asks the gateway by merchant_uid about `await` payments a
 * client reported an imp_uid for (whatever their age) or older than the TTL, and about refunds whose
 * answer was lost. An `await` payment the gateway never saw paid after the TTL fails as `expired`.
 */
export class ReconcilePayments {
  constructor(
    private readonly payments: PaymentRepository,
    private readonly gateway: PaymentGateway,
    private readonly settlement: PaymentSettlement,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly ttlMinutes: number,
  ) {}

  async execute(): Promise<ReconcileResult> {
    const staleBefore = new Date(this.clock.now().getTime() - this.ttlMinutes * 60_000);
    const candidates = await this.payments.listUnsettled(staleBefore, BATCH);
    let settled = 0;
    for (const payment of candidates) {
      try {
        if (await this.reconcile(payment, staleBefore)) settled += 1;
      } catch (error) {
        if (!(error instanceof GatewayUnavailableError)) throw error;
        this.logger.warn({ merchantUid: payment.merchantUid }, 'gateway silent during reconciliation; will ask again');
      }
    }
    return { checked: candidates.length, settled };
  }

  private async reconcile(payment: Payment, staleBefore: Date): Promise<boolean> {
    const before = fingerprint(payment);
    const truth = await this.gateway.findByMerchantUid(payment.merchantUid);
    let current = payment;
    if (truth) current = await this.settlement.applyGatewayTruth(payment.merchantUid, truth);
    for (const cancellation of current.pendingCancellations) {
      const refunded = await this.gateway.getPayment(cancellation.impUid);
      if (refunded) current = await this.settlement.change(current.merchantUid, (p) => p.settleRefunds(refunded, this.clock.now()));
    }
    if (current.pendingCancellations.length > 0) current = await this.settlement.sendPendingRefunds(current);
    if (current.status === 'await' && current.createdAt < staleBefore && !(truth && wasCharged(truth))) {
      current = await this.settlement.change(current.merchantUid, (p) => {
        if (p.status === 'await') p.fail('expired', 'no payment reached the gateway before the order expired', this.clock.now());
      });
    }
    return fingerprint(current) !== before;
  }
}

function fingerprint(payment: Payment): string {
  return `${payment.status}:${payment.cancelledAmount}:${payment.pendingCancellations.length}`;
}
