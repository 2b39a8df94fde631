import type { WebhookNotice, WebhookReceipt, WebhookReceiptStore } from '../../application/webhook-receipt-store.port';

const FINAL = new Set(['applied']);

export class MemoryWebhookReceiptStore implements WebhookReceiptStore {
  private readonly receipts: WebhookReceipt[] = [];

  async add(receipt: WebhookReceipt): Promise<void> {
    this.receipts.push({ ...receipt });
  }

  async alreadyProcessed(notice: WebhookNotice): Promise<boolean> {
    return this.receipts.some((r) => r.gatewayPaymentId === notice.gatewayPaymentId && r.status === notice.status && r.outcome !== null && FINAL.has(r.outcome));
  }

  async markProcessed(id: string, outcome: string, at: Date): Promise<void> {
    const receipt = this.receipts.find((r) => r.id === id);
    if (receipt) Object.assign(receipt, { outcome, processedAt: at });
  }

  async listSince(since: Date, limit: number): Promise<WebhookReceipt[]> {
    return this.receipts.filter((r) => r.receivedAt >= since).slice(0, limit).map((r) => ({ ...r }));
  }
}
