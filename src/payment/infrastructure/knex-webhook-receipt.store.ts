import type { KnexDatabase } from '../../shared/infrastructure/knex/knex-database';
import { readOptionalTime, readTime } from '../../shared/infrastructure/knex/knex-database';
import type { WebhookNotice, WebhookReceipt, WebhookReceiptStore } from '../application/webhook-receipt-store.port';

interface ReceiptRow {
  id: string;
  received_at: unknown;
  body: string;
  gateway_payment_id: string | null;
  merchant_uid: string | null;
  status: string | null;
  sender_ip: string | null;
  processed_at: unknown;
  outcome: string | null;
}

/** Every notice as it arrived, outside any unit of work: a receipt is kept even when processing fails. */
export class KnexWebhookReceiptStore implements WebhookReceiptStore {
  constructor(private readonly database: KnexDatabase) {}

  async add(receipt: WebhookReceipt): Promise<void> {
    await this.database.knex('webhook_receipts').insert({
      id: receipt.id, received_at: receipt.receivedAt, body: receipt.raw, gateway_payment_id: receipt.gatewayPaymentId, merchant_uid: receipt.merchantUid,
      status: receipt.status, sender_ip: receipt.senderIp, processed_at: receipt.processedAt, outcome: receipt.outcome,
    });
  }

  async alreadyProcessed(notice: WebhookNotice): Promise<boolean> {
    const row = await this.database.knex('webhook_receipts').first('id')
      .where({ gateway_payment_id: notice.gatewayPaymentId, status: notice.status, outcome: 'applied' });
    return row !== undefined;
  }

  async markProcessed(id: string, outcome: string, at: Date): Promise<void> {
    await this.database.knex('webhook_receipts').where({ id }).update({ outcome, processed_at: at });
  }

  async listSince(since: Date, limit: number): Promise<WebhookReceipt[]> {
    const rows: ReceiptRow[] = await this.database.knex('webhook_receipts').select('*').where('received_at', '>=', since)
      .orderBy([{ column: 'received_at', order: 'asc' }, { column: 'id', order: 'asc' }]).limit(limit);
    return rows.map((row) => ({
      id: row.id, receivedAt: readTime(row.received_at), raw: row.body, gatewayPaymentId: row.gateway_payment_id ?? '', merchantUid: row.merchant_uid ?? '',
      status: row.status ?? '', senderIp: row.sender_ip, processedAt: readOptionalTime(row.processed_at), outcome: row.outcome,
    }));
  }
}
