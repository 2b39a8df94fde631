import type { Clock } from '../../shared/application/clock.port';
import type { IdGenerator } from '../../shared/application/id-generator.port';
import { GatewayUnavailableError, type PaymentGateway } from './payment-gateway.port';
import type { PaymentRepository } from './payment-repository.port';
import type { PaymentSettlement } from './payment-settlement.service';
import type { WebhookNotice, WebhookReceipt, WebhookReceiptStore } from './webhook-receipt-store.port';

export type NoticeOutcome = 'applied' | 'duplicate' | 'ignored' | 'pending';

/**
 * A PG's notice is a hint, never the truth: it is stored as read, then the payment is fetched from
 * the gateway and that answer applied. A notice for a payment we do not know is kept and ignored
 * (so Iamport stops retrying); one that arrives while the gateway is silent is `pending` (the route
 * answers 503 so Iamport sends it again, and the reconciler asks anyway).
 */
export class HandleWebhookNotice {
  constructor(
    private readonly receipts: WebhookReceiptStore,
    private readonly payments: PaymentRepository,
    private readonly gateway: PaymentGateway,
    private readonly settlement: PaymentSettlement,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async receive(notice: WebhookNotice, raw: string, senderIp: string | null): Promise<NoticeOutcome> {
    const id = this.ids.newId();
    await this.receipts.add({ ...notice, id, raw, senderIp, receivedAt: this.clock.now(), processedAt: null, outcome: null });
    return this.process(id, notice, true);
  }

  /** Verifies a stored notice again (admin replay): the same re-fetch, the same single effect, even for one seen before. */
  async replay(receipt: WebhookReceipt): Promise<NoticeOutcome> {
    return this.process(receipt.id, receipt, false);
  }

  private async process(receiptId: string, notice: WebhookNotice, skipDuplicates: boolean): Promise<NoticeOutcome> {
    const outcome = await this.verify(notice, skipDuplicates);
    if (outcome !== 'pending') await this.receipts.markProcessed(receiptId, outcome, this.clock.now());
    return outcome;
  }

  private async verify(notice: WebhookNotice, skipDuplicates: boolean): Promise<NoticeOutcome> {
    const payment = await this.payments.findByMerchantUid(notice.merchantUid);
    if (!payment) return 'ignored';
    if (skipDuplicates && !mayCarryNewFacts(notice) && (await this.receipts.alreadyProcessed(notice))) return 'duplicate';
    let truth;
    try {
      truth = await this.gateway.getPayment(notice.gatewayPaymentId);
    } catch (error) {
      if (!(error instanceof GatewayUnavailableError)) throw error;
      // The notice names a gateway payment id: the reconciler asks about this payment now, not only after the TTL.
      await this.settlement.change(payment, (p) => p.noteReportedGatewayPaymentId(notice.gatewayPaymentId, this.clock.now()));
      return 'pending';
    }
    if (!truth || truth.merchantUid !== payment.merchantUid) return 'ignored';
    await this.settlement.applyGatewayTruth(payment, truth);
    return 'applied';
  }
}

/**
 * A `cancelled` notice repeats with the same payment id and status for every partial cancel at the
 * gateway, each time with new facts, so it is never skipped as a copy; the re-fetch it costs is harmless.
 */
function mayCarryNewFacts(notice: WebhookNotice): boolean {
  return notice.status === 'cancelled';
}
