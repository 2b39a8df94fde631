// What this fake sends over the wire, written down here and not imported from the adapter: the
// sandbox stands in for Toss's server, so it owns its half of the protocol (the adapter's own
// reading of it is src/payment/infrastructure/toss/toss.types.ts; the contract tests hold them together).

export interface TossError {
  code: string;
  message: string;
}

export type TossPaymentStatus =
  | 'READY' | 'IN_PROGRESS' | 'WAITING_FOR_DEPOSIT' | 'DONE' | 'CANCELED' | 'PARTIAL_CANCELED' | 'ABORTED' | 'EXPIRED';

export interface TossCancel {
  cancelAmount: number;
  cancelReason: string | null;
  canceledAt: string;
  transactionKey: string | null;
  refundableAmount?: number;
}

export interface TossPayment {
  paymentKey: string;
  orderId: string;
  orderName?: string | null;
  status: TossPaymentStatus;
  totalAmount: number;
  balanceAmount: number;
  requestedAt?: string | null;
  approvedAt: string | null;
  cancels: TossCancel[] | null;
  failure: TossError | null;
  type?: 'NORMAL' | 'BILLING' | 'BRANDPAY';
  method?: string | null;
}
