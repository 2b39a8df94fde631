// PortOne V2's Payment object -> the domain's GatewayPayment. An answer we cannot read is an
// unknown outcome (GatewayUnavailableError), never a guess.
import { GatewayUnavailableError } from '../../application/payment-gateway.port';
import { cardApprovalOf, type GatewayCancellation, type GatewayPayment, type GatewayPaymentStatus } from '../../domain/gateway-payment';
import type { PortOneCancellation, PortOnePayment, PortOnePaymentStatus } from './portone.types';

/**
 * V2's seven statuses in the domain's four. A partial refund is PARTIAL_CANCELLED: money is still
 * held, so it stays `paid` with cancelledAmount > 0 (the domain derives refunds from the amount,
 * never from the status). The unpaid waiting states have taken no money yet: `ready`.
 */
const STATUS: Record<PortOnePaymentStatus, GatewayPaymentStatus> = {
  READY: 'ready',
  PAY_PENDING: 'ready',
  VIRTUAL_ACCOUNT_ISSUED: 'ready',
  PAID: 'paid',
  PARTIAL_CANCELLED: 'paid',
  CANCELLED: 'cancelled',
  FAILED: 'failed',
};

/** Statuses in which money was taken (whatever has been refunded since). */
const CHARGED: ReadonlySet<PortOnePaymentStatus> = new Set(['PAID', 'PARTIAL_CANCELLED', 'CANCELLED']);

/** When PortOne sends a FAILED payment without any reason. */
const DEFAULT_FAIL_REASON = '결제에 실패했습니다.';

/** RFC 3339 -> Date; absent or unreadable means "has not happened". */
export function fromRfc3339(value: unknown): Date | null {
  if (typeof value !== 'string' || value === '') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function toGatewayPayment(raw: unknown): GatewayPayment {
  if (!isPayment(raw)) throw unreadable('payment');
  const charged = CHARGED.has(raw.status);
  return {
    // V2 keys every lookup by the merchant's paymentId; PortOne's transactionId names one attempt only.
    gatewayPaymentId: raw.id,
    merchantUid: raw.id,
    amount: raw.amount.total,
    status: STATUS[raw.status],
    cancelledAmount: charged ? raw.amount.cancelled ?? 0 : 0,
    // Only refunds that happened: a REQUESTED one is still with the PG, a FAILED one moved no money.
    cancellations: (Array.isArray(raw.cancellations) ? raw.cancellations : []).filter(isCancellation)
      .filter((c) => c.status === 'SUCCEEDED').map(toCancellation),
    failReason: raw.status === 'FAILED' ? failReason(raw) : null,
    paidAt: charged ? fromRfc3339(raw.paidAt) : null,
    customerUid: text(raw.billingKey),
    // The card is ours to adopt only under the customer id checkout issued (the window passes it as customer.id).
    customerKey: text(raw.billingKey) === null ? null : text(raw.customer?.id),
    ...cardApprovalOf(text(raw.method?.approvalNumber), text(raw.method?.card?.number)),
  };
}

function failReason(raw: PortOnePayment): string {
  const failure = raw.failure && typeof raw.failure === 'object' ? raw.failure : {};
  return text(failure.reason) ?? text(failure.pgMessage) ?? DEFAULT_FAIL_REASON;
}

function toCancellation(entry: PortOneCancellation): GatewayCancellation {
  return {
    amount: entry.totalAmount,
    reason: text(entry.reason),
    // A succeeded cancellation carries cancelledAt; requestedAt if PortOne ever leaves it out.
    cancelledAt: fromRfc3339(entry.cancelledAt) ?? fromRfc3339(entry.requestedAt) ?? new Date(0),
    receiptId: text(entry.receiptUrl) ?? text(entry.pgCancellationId) ?? text(entry.id),
  };
}

function isPayment(raw: unknown): raw is PortOnePayment {
  if (!raw || typeof raw !== 'object') return false;
  const p = raw as Record<string, unknown>;
  const amount = p.amount as Record<string, unknown> | null | undefined;
  return typeof p.id === 'string' && p.id !== ''
    && typeof p.status === 'string' && Object.hasOwn(STATUS, p.status)
    && !!amount && typeof amount === 'object'
    && isWon(amount.total) && isWon(amount.cancelled ?? 0)
    && (p.cancellations === undefined || Array.isArray(p.cancellations));
}

function isCancellation(entry: unknown): entry is PortOneCancellation {
  if (!entry || typeof entry !== 'object') throw unreadable('cancellation');
  const c = entry as Record<string, unknown>;
  if (typeof c.status !== 'string' || !isWon(c.totalAmount)) throw unreadable('cancellation');
  return true;
}

/** KRW amounts are non-negative integers (int64 in the API). */
function isWon(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function unreadable(what: string): GatewayUnavailableError {
  return new GatewayUnavailableError(`portone answered a ${what} we could not read; the outcome is unknown`);
}
