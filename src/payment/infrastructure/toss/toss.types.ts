// The wire shapes of Toss Payments' core API V1 that the adapter reads and sends
// (docs/toss-payments.md). Only the fields memberpay uses are typed; Toss sends many more.

/** Every refusal, whatever its HTTP status: a stable machine code and a human (Korean) message. */
export interface TossError {
  code: string;
  message: string;
}

export type TossPaymentStatus =
  | 'READY' | 'IN_PROGRESS' | 'WAITING_FOR_DEPOSIT' | 'DONE' | 'CANCELED' | 'PARTIAL_CANCELED' | 'ABORTED' | 'EXPIRED';

export interface TossCancel {
  cancelAmount: number;
  cancelReason: string | null;
  /** ISO 8601 with offset, e.g. `2024-02-13T12:20:23+09:00`. */
  canceledAt: string;
  transactionKey: string | null;
  refundableAmount?: number;
}

/** The Payment object; times are ISO 8601 strings with an offset, null when they have not happened. */
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
  /** Card payments: the approval number and the card number as Toss masks it. */
  card?: { approveNo?: string | null; number?: string | null } | null;
}

/** `POST /v1/billing/authorizations/issue` answers this. */
export interface TossBilling {
  billingKey: string;
  customerKey: string;
  authenticatedAt?: string;
  method?: string;
}

export interface TossConfirmBody {
  paymentKey: string;
  orderId: string;
  amount: number;
}

export interface TossCancelBody {
  cancelReason: string;
  cancelAmount: number;
  /** Deprecated by Toss in favour of Idempotency-Key, still documented: a balance mismatch refuses the cancel. */
  refundableAmount: number;
}

export interface TossBillingChargeBody {
  customerKey: string;
  amount: number;
  orderId: string;
  orderName: string;
  customerName?: string;
  customerEmail?: string;
}

export interface TossIssueBillingBody {
  authKey: string;
  customerKey: string;
}
