// Toss's Payment object -> the domain's GatewayPayment. An answer we cannot read is an
// unknown outcome (GatewayUnavailableError), never a guess.
import { parseBillingHandle } from './toss-billing-handle';
import { GatewayUnavailableError } from '../../application/payment-gateway.port';
import { cardApprovalOf, type GatewayCancellation, type GatewayPayment, type GatewayPaymentStatus } from '../../domain/gateway-payment';
import type { TossCancel, TossPayment, TossPaymentStatus } from './toss.types';

/**
 * Toss's eight statuses in the domain's four. A partial cancel is `cancelled` with the paid time
 * kept, the way Iamport reports one, so callers derive refunds from cancelledAmount, never the status.
 * WAITING_FOR_DEPOSIT (virtual accounts; memberpay sells by card only) has taken no money yet: ready.
 */
const STATUS: Record<TossPaymentStatus, GatewayPaymentStatus> = {
  READY: 'ready',
  IN_PROGRESS: 'ready',
  WAITING_FOR_DEPOSIT: 'ready',
  DONE: 'paid',
  CANCELED: 'cancelled',
  PARTIAL_CANCELED: 'cancelled',
  ABORTED: 'failed',
  EXPIRED: 'failed',
};

/** Reasons when Toss sends no `failure` object with an ABORTED / EXPIRED payment. */
const DEFAULT_FAIL_REASON: Partial<Record<TossPaymentStatus, string>> = {
  ABORTED: '결제 승인에 실패했습니다.',
  EXPIRED: '결제가 만료되었습니다.',
};

/** ISO 8601 -> Date; null, absent or unreadable means "has not happened". */
export function fromIso(value: unknown): Date | null {
  if (typeof value !== 'string' || value === '') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** `customerUid` is the billing handle a charge was made with (Toss's Payment object does not carry it). */
export function toGatewayPayment(raw: unknown, customerUid: string | null = null): GatewayPayment {
  if (!isPayment(raw)) throw unreadable('payment');
  const status = STATUS[raw.status];
  const total = won(raw.totalAmount);
  const balance = typeof raw.balanceAmount === 'number' ? won(raw.balanceAmount) : total;
  const failed = status === 'failed';
  return {
    gatewayPaymentId: raw.paymentKey,
    merchantUid: raw.orderId,
    amount: total,
    status,
    // Only money that was taken can be refunded; before approval balanceAmount says nothing about refunds.
    cancelledAmount: status === 'cancelled' ? Math.max(0, total - balance) : 0,
    cancellations: (Array.isArray(raw.cancels) ? raw.cancels : []).map(toCancellation),
    failReason: failed ? text(raw.failure?.message) ?? DEFAULT_FAIL_REASON[raw.status] ?? null : null,
    paidAt: status === 'paid' || status === 'cancelled' ? fromIso(raw.approvedAt) : null,
    customerUid,
    customerKey: customerUid === null ? null : parseBillingHandle(customerUid)?.customerKey ?? null,
    ...cardApprovalOf(text(raw.card?.approveNo), text(raw.card?.number)),
  };
}

function toCancellation(entry: TossCancel): GatewayCancellation {
  if (!entry || typeof entry !== 'object' || typeof entry.cancelAmount !== 'number') throw unreadable('cancels entry');
  return {
    amount: won(entry.cancelAmount),
    reason: text(entry.cancelReason),
    // canceledAt is always set on a cancel entry; epoch only if Toss ever omits it.
    cancelledAt: fromIso(entry.canceledAt) ?? new Date(0),
    receiptId: text(entry.transactionKey),
  };
}

function isPayment(raw: unknown): raw is TossPayment {
  if (!raw || typeof raw !== 'object') return false;
  const p = raw as Record<string, unknown>;
  return typeof p.paymentKey === 'string' && p.paymentKey !== ''
    && typeof p.orderId === 'string'
    && typeof p.totalAmount === 'number' && Number.isFinite(p.totalAmount)
    && (p.balanceAmount === undefined || p.balanceAmount === null || (typeof p.balanceAmount === 'number' && Number.isFinite(p.balanceAmount)))
    && typeof p.status === 'string' && Object.hasOwn(STATUS, p.status);
}

/** KRW has no minor unit; Toss sends JSON numbers. */
function won(amount: number): number {
  return Math.round(amount);
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function unreadable(what: string): GatewayUnavailableError {
  return new GatewayUnavailableError(`toss answered a ${what} we could not read; the outcome is unknown`);
}
