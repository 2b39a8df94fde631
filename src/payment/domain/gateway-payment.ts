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
  impUid: string;
  merchantUid: string;
  amount: number;
  status: GatewayPaymentStatus;
  /** Cumulative; a partial cancel may already flip Iamport's status to cancelled. */
  cancelledAmount: number;
  cancellations: GatewayCancellation[];
  failReason: string | null;
  paidAt: Date | null;
  customerUid: string | null;
}

/** Was money taken for this payment (whatever has been refunded since)? */
export function wasCharged(gp: GatewayPayment): boolean {
  return gp.status === 'paid' || (gp.status === 'cancelled' && gp.paidAt !== null);
}
