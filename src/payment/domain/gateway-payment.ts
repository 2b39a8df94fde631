import { maskCardNumber } from '../../shared/domain/card-number';

/**
 * The gateway's own account of a payment, in the domain's words. Only this, never the
 * client's report, moves a Payment to paid.
 */
export type GatewayPaymentStatus = 'ready' | 'paid' | 'failed' | 'cancelled';

export interface GatewayCancellation {
  amount: number;
  reason: string | null;
  cancelledAt: Date;
  receiptId: string | null;
}

export interface GatewayPayment {
  gatewayPaymentId: string;
  merchantUid: string;
  amount: number;
  status: GatewayPaymentStatus;
  /** Cumulative; a partial cancel may already flip Iamport's status to cancelled. */
  cancelledAmount: number;
  cancellations: GatewayCancellation[];
  failReason: string | null;
  paidAt: Date | null;
  /** The stored card this payment made or used, as the gateway charges it again (the billing key or handle); null when none. */
  customerUid: string | null;
  /**
   * The merchant's customer id the gateway stored that card under (Iamport's customer_uid, Toss's
   * customerKey). The buyer's browser writes it in the PG window, so a payment adopts the card only
   * when this is the key its own checkout issued.
   */
  customerKey: string | null;
  /** What the card company answered, for the receipt: present only when the gateway states it. */
  card?: CardApproval;
}

/** A card charge's approval, as a receipt shows it: never a full card number (maskCardNumber). */
export interface CardApproval {
  /** The card company's approval number (승인번호). */
  approvalNumber: string | null;
  /** The card number as the gateway masks it, masked again here to be sure. */
  maskedNumber: string | null;
}

/** The approval a gateway answered, as a `card` field: absent when it states neither the approval number nor the card. */
export function cardApprovalOf(approvalNumber: string | null, number: string | null): { card?: CardApproval } {
  if (approvalNumber === null && number === null) return {};
  return { card: { approvalNumber, maskedNumber: number === null ? null : maskCardNumber(number) } };
}

/** Was money taken for this payment (whatever has been refunded since)? */
export function wasCharged(gp: GatewayPayment): boolean {
  return gp.status === 'paid' || (gp.status === 'cancelled' && gp.paidAt !== null);
}
