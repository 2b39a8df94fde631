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
}

/** Was money taken for this payment (whatever has been refunded since)? */
export function wasCharged(gp: GatewayPayment): boolean {
  return gp.status === 'paid' || (gp.status === 'cancelled' && gp.paidAt !== null);
}
