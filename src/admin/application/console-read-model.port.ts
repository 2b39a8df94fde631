import type { PaymentStatus, WebhookReceipt } from '../../payment/payment.api';

/**
 * What the operator console reads that no repository answers: sums and counts over time ranges,
 * keyset-paged lists and the rows around one payment or member. Every query runs over an indexed
 * column (DESIGN §6 "Operator console"; ADR 0013). Buckets are half-open: bucket i is
 * `[boundaries[i], boundaries[i + 1])`, so n + 1 boundaries make n buckets.
 */
export interface ConsoleReadModel {
  /** Money paid (by paid_at) and refunded (by the refund's settled_at, refunds the gateway confirmed) per bucket. */
  moneyByBucket(boundaries: Date[]): Promise<{ revenue: number[]; refunds: number[] }>;
  /** Live (active or past_due) memberships now. */
  countLiveMembers(): Promise<number>;
  /** Memberships created per bucket. */
  membershipsStartedByBucket(boundaries: Date[]): Promise<number[]>;
  /** Memberships that ended per bucket (cancelled: at cancelled_at; expired: at the end of their last period). */
  membershipsEndedByBucket(boundaries: Date[]): Promise<number[]>;
  /** Renewal charges by the day they were first attempted: charged (paid, later refunded or not) and failed. */
  renewalsByBucket(boundaries: Date[]): Promise<{ charged: number[]; failed: number[] }>;
  openProblems(input: { awaitCreatedBefore: Date; unappliedReceivedBefore: Date }): Promise<OpenProblems>;
  searchPayments(filter: PaymentFilter, page: PageRequest): Promise<Page<PaymentListItem>>;
  /** The stored notices and the recorded domain events of one payment, oldest first. */
  paymentActivity(payment: { id: string; merchantUid: string }): Promise<{ receipts: ReceiptItem[]; events: EventItem[] }>;
  /** A user by id or exact e-mail, with memberships (newest first) and the notices sent for them. */
  findMember(query: { userId?: string; email?: string }): Promise<MemberRecord | null>;
  renewalQueues(input: { now: Date; until: Date; limit: number }): Promise<RenewalQueues>;
  webhookReceipts(filter: ReceiptFilter, page: PageRequest): Promise<Page<ReceiptItem>>;
  /** One stored notice as the replay needs it. */
  webhookReceipt(id: string): Promise<WebhookReceipt | null>;
  /** Stored notices received in [since, until), oldest first. */
  webhookReceiptsBetween(since: Date, until: Date, limit: number): Promise<WebhookReceipt[]>;
  auditLog(page: PageRequest): Promise<Page<AuditEntry>>;
}

/** Who did what and when, for every console and admin write. */
export interface ConsoleAuditLog {
  record(entry: Omit<AuditEntry, 'id'>): Promise<void>;
}

export interface PageRequest {
  /** Opaque: the previous page's `next`; null for the first page. */
  cursor: string | null;
  limit: number;
}

export interface Page<T> {
  items: T[];
  /** The cursor of the next page; null on the last. */
  next: string | null;
}

export interface PaymentFilter {
  /** A merchant_uid, a gateway payment id or a buyer's e-mail, matched exactly. */
  query: string | null;
  status: PaymentStatus | null;
  /** The PG channel the payment was made with (`html5_inicis`, `tosspayments`, ...). */
  pg: string | null;
  /** created_at within [from, to). */
  from: Date | null;
  to: Date | null;
}

export interface PaymentListItem {
  merchantUid: string;
  gatewayPaymentId: string | null;
  userId: string;
  email: string | null;
  plan: string;
  purpose: string;
  amount: number;
  cancelledAmount: number;
  status: PaymentStatus;
  pg: string;
  createdAt: Date;
  paidAt: Date | null;
}

export interface ReceiptFilter {
  /** `unapplied` = not processed to an outcome yet; else an outcome (`applied`, `ignored`, ...). */
  outcome: string | null;
  merchantUid: string | null;
}

export interface ReceiptItem {
  id: string;
  receivedAt: Date;
  merchantUid: string | null;
  gatewayPaymentId: string | null;
  status: string | null;
  senderIp: string | null;
  processedAt: Date | null;
  outcome: string | null;
}

export interface EventItem {
  type: string;
  occurredAt: Date;
  deliveredAt: Date | null;
  payload: unknown;
}

export interface OpenProblems {
  refundsPending: number;
  refundsRejected: number;
  paymentsAwaitPastTtl: number;
  receiptsUnapplied: number;
  outbox: { undelivered: number; oldestAt: Date | null };
}

export interface MemberRecord {
  user: { id: string; email: string; name: string; createdAt: Date };
  memberships: Array<{
    id: string;
    plan: string;
    status: string;
    periodNo: number;
    periodStart: Date;
    periodEnd: Date;
    autoRenew: boolean;
    cancelAtPeriodEnd: boolean;
    nextChargeAt: Date | null;
    renewalAttempts: number;
    /** The billing key, masked: enough to tell two apart, never enough to charge. */
    cardOnFile: string | null;
    cancelledAt: Date | null;
    createdAt: Date;
  }>;
  notices: Array<{ membershipId: string; periodNo: number; kind: string; sentAt: Date | null }>;
}

export interface RenewalQueueItem {
  membershipId: string;
  userId: string;
  email: string | null;
  plan: string;
  status: string;
  nextChargeAt: Date | null;
  renewalAttempts: number;
  periodEnd: Date;
}

export interface RenewalQueues {
  dueSoon: RenewalQueueItem[];
  dueSoonCount: number;
  dunning: RenewalQueueItem[];
  dunningCount: number;
}

export interface AuditEntry {
  id: number;
  at: Date;
  actor: string;
  clientIp: string | null;
  action: string;
  target: string | null;
  request: string | null;
  statusCode: number;
}

/** A billing key shown to an operator: its length and last four characters. */
export function maskBillingKey(key: string | null): string | null {
  if (!key) return null;
  return `${'•'.repeat(Math.max(0, Math.min(8, key.length - 4)))}${key.slice(-4)}`;
}
