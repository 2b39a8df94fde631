// Iamport's Payment object -> the domain's GatewayPayment. An answer we cannot read is an
// unknown outcome (GatewayUnavailableError), never a guess.
import { GatewayUnavailableError } from '../../application/payment-gateway.port';
import { cardApprovalOf, type GatewayCancellation, type GatewayPayment, type GatewayPaymentStatus } from '../../domain/gateway-payment';
import type { IamportCancelHistoryEntry, IamportPayment } from './iamport.types';

const STATUSES: readonly GatewayPaymentStatus[] = ['ready', 'paid', 'failed', 'cancelled'];

/** Unix seconds -> Date; 0 (or absent) means "has not happened". */
export function fromUnixSeconds(seconds: number | null | undefined): Date | null {
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : null;
}

export function toGatewayPayment(raw: unknown): GatewayPayment {
  if (!isPayment(raw)) throw unreadable('payment');
  const history = Array.isArray(raw.cancel_history) ? raw.cancel_history : [];
  return {
    gatewayPaymentId: raw.imp_uid,
    merchantUid: raw.merchant_uid,
    amount: won(raw.amount),
    status: raw.status,
    cancelledAmount: won(raw.cancel_amount ?? 0),
    cancellations: history.map(toCancellation),
    failReason: text(raw.fail_reason),
    paidAt: fromUnixSeconds(raw.paid_at),
    customerUid: text(raw.customer_uid),
    customerKey: text(raw.customer_uid),
    ...cardApprovalOf(text(raw.apply_num), text(raw.card_number)),
  };
}

function toCancellation(entry: IamportCancelHistoryEntry): GatewayCancellation {
  if (!entry || typeof entry !== 'object' || typeof entry.amount !== 'number') throw unreadable('cancel_history entry');
  return {
    amount: won(entry.amount),
    reason: text(entry.reason),
    // cancelled_at is always set on a history entry; epoch only if Iamport ever sends 0.
    cancelledAt: fromUnixSeconds(entry.cancelled_at) ?? new Date(0),
    receiptId: text(entry.receipt_url) ?? text(entry.pg_tid),
  };
}

function isPayment(raw: unknown): raw is IamportPayment {
  if (!raw || typeof raw !== 'object') return false;
  const p = raw as Record<string, unknown>;
  return typeof p.imp_uid === 'string' && p.imp_uid !== ''
    && typeof p.merchant_uid === 'string'
    && typeof p.amount === 'number' && Number.isFinite(p.amount)
    && (p.cancel_amount === undefined || (typeof p.cancel_amount === 'number' && Number.isFinite(p.cancel_amount)))
    && STATUSES.includes(p.status as GatewayPaymentStatus);
}

/** Iamport sends money as JSON numbers (doubles); KRW has no minor unit. */
function won(amount: number): number {
  return Math.round(amount);
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function unreadable(what: string): GatewayUnavailableError {
  return new GatewayUnavailableError(`iamport answered a ${what} we could not read; the outcome is unknown`);
}
