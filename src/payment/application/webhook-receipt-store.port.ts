export interface WebhookNotice {
  gatewayPaymentId: string;
  merchantUid: string;
  status: string;
}

export interface WebhookReceipt extends WebhookNotice {
  id: string;
  receivedAt: Date;
  /** The notice as the route read it (the fields its schema knows), kept for replay and audit; padding is not kept. */
  raw: string;
  senderIp: string | null;
  processedAt: Date | null;
  outcome: string | null;
}

export interface WebhookReceiptStore {
  add(receipt: WebhookReceipt): Promise<void>;
  /** Whether a notice with the same gateway payment id and status was already processed to a final outcome. */
  alreadyProcessed(notice: WebhookNotice): Promise<boolean>;
  markProcessed(id: string, outcome: string, at: Date): Promise<void>;
  /** Receipts received at or after `since`, oldest first. */
  listSince(since: Date, limit: number): Promise<WebhookReceipt[]>;
}
