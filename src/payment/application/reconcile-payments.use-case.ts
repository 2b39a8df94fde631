import type { Clock } from '../../shared/application/clock.port';
import type { Logger } from '../../shared/application/logger.port';
import type { ProgressReporter } from '../../shared/application/progress.port';
import type { Payment } from '../domain/payment.entity';
import { PaymentNotFoundError } from '../domain/payment.errors';
import { wasCharged } from '../domain/gateway-payment';
import { GatewayUnavailableError, type PaymentGateway } from './payment-gateway.port';
import type { PaymentRepository } from './payment-repository.port';
import type { PaymentSettlement } from './payment-settlement.service';

export interface ReconcileResult {
  checked: number;
  settled: number;
}

const BATCH = 200;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * When to ask again about a payment whose state rests on our own word: each time twice as old as
 * it is now (at least the TTL), and never after a day — a late payment after that is left to the
 * gateway's notice. About six lookups per abandoned order.
 */
export function nextRecheck(createdAt: Date, now: Date, ttlMs: number): Date | null {
  const age = now.getTime() - createdAt.getTime();
  if (age >= DAY_MS) return null;
  return new Date(now.getTime() + Math.max(ttlMs, age));
}

/**
 * Ends every payment in a known state: asks the gateway by merchant_uid about `await` payments a
 * client reported a gateway payment id for (whatever their age) or older than the TTL, and about refunds whose
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

  /** `progress` (the CLI's line) hears of every payment asked about. */
  async execute(progress?: ProgressReporter): Promise<ReconcileResult> {
    const now = this.clock.now();
    const staleBefore = new Date(now.getTime() - this.ttlMinutes * 60_000);
    const candidates = await this.payments.listUnsettled(now, staleBefore, BATCH);
    progress?.start(candidates.length);
    let settled = 0;
    for (const payment of candidates) {
      try {
        if (await this.reconcile(payment, staleBefore)) settled += 1;
      } catch (error) {
        if (!(error instanceof GatewayUnavailableError)) throw error;
        this.logger.warn({ merchantUid: payment.merchantUid }, 'gateway silent during reconciliation; will ask again');
      }
      progress?.advance();
    }
    return { checked: candidates.length, settled };
  }

  /**
   * The same check for one payment (the operator console's "reconcile this payment"), whatever its
   * state; a silent gateway answers 503 here, since the operator asked about this one.
   */
  async executeOne(merchantUid: string): Promise<{ payment: Payment; settled: boolean }> {
    const payment = await this.payments.findByMerchantUid(merchantUid);
    if (!payment) throw new PaymentNotFoundError(merchantUid);
    const staleBefore = new Date(this.clock.now().getTime() - this.ttlMinutes * 60_000);
    const settled = await this.reconcile(payment, staleBefore);
    return { payment: (await this.payments.findByMerchantUid(merchantUid)) ?? payment, settled };
  }

  private async reconcile(payment: Payment, staleBefore: Date): Promise<boolean> {
    const before = fingerprint(payment);
    const truth = await this.gateway.findByMerchantUid(payment.merchantUid);
    let current = payment;
    if (truth) current = await this.settlement.applyGatewayTruth(payment, truth);
    for (const cancellation of current.pendingCancellations) {
      const refunded = await this.gateway.getPayment(cancellation.gatewayPaymentId);
      if (refunded) current = await this.settlement.change(current, (p) => p.settleRefunds(refunded, this.clock.now()));
    }
    if (current.pendingCancellations.length > 0) current = await this.settlement.sendPendingRefunds(current);
    const now = this.clock.now();
    const settledByGateway = current.status === 'paid' || current.status === 'cancelled';
    if (!settledByGateway) {
      // The gateway holds nothing charged (yet): expire a stale order, and keep asking for a while in case it completes late.
      current = await this.settlement.change(current, (p) => {
        if (p.status === 'await' && p.createdAt < staleBefore && !(truth && wasCharged(truth))) {
          p.fail('expired', 'no payment reached the gateway before the order expired', now);
        }
        if (p.recheckAt !== null && p.recheckAt <= now) p.recheckLater(nextRecheck(p.createdAt, now, this.ttlMinutes * 60_000), now);
      });
    }
    return fingerprint(current) !== before;
  }
}

function fingerprint(payment: Payment): string {
  return `${payment.status}:${payment.cancelledAmount}:${payment.pendingCancellations.length}`;
}
