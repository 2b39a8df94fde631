// The wire shapes of PortOne's V2 REST API that the adapter reads and sends (docs/portone-v2.md).
// Only the fields memberpay uses are typed; PortOne sends many more and may add fields and enum
// values at any time, so readers ignore what they do not know.

/** Every refusal: HTTP 4xx/5xx with a machine-readable `type` (one HTTP status per type). */
export interface PortOneError {
  type: string;
  message: string;
  /** Only on `PG_PROVIDER` (502): the card company's own code and text. */
  pgCode?: string;
  pgMessage?: string;
}

/** `Payment.status`. The search filter spells the pending one `PENDING`; the object says `PAY_PENDING`. */
export type PortOnePaymentStatus =
  | 'READY' | 'PAY_PENDING' | 'VIRTUAL_ACCOUNT_ISSUED' | 'PAID' | 'FAILED' | 'PARTIAL_CANCELLED' | 'CANCELLED';

/** Integers in the currency's minor unit (KRW has none). `cancelled` is the running total of refunds. */
export interface PortOneAmount {
  total: number;
  taxFree: number;
  discount: number;
  paid: number;
  cancelled: number;
  cancelledTaxFree: number;
  vat?: number;
  supply?: number;
}

export type PortOneCancellationStatus = 'SUCCEEDED' | 'REQUESTED' | 'FAILED';

export interface PortOneCancellation {
  status: PortOneCancellationStatus;
  id: string;
  pgCancellationId?: string;
  totalAmount: number;
  taxFreeAmount: number;
  vatAmount: number;
  reason: string;
  /** RFC 3339. */
  requestedAt: string;
  cancelledAt?: string;
  receiptUrl?: string;
  trigger?: string;
}

export interface PortOneFailure {
  reason?: string;
  pgCode?: string;
  pgMessage?: string;
}

/**
 * `GET /payments/{paymentId}`: a union on `status`; times are RFC 3339 strings. `id` is the
 * merchant's paymentId, `transactionId` the attempt that stands.
 */
export interface PortOnePayment {
  status: PortOnePaymentStatus;
  id: string;
  transactionId: string;
  merchantId?: string;
  storeId?: string;
  version?: 'V1' | 'V2';
  requestedAt?: string;
  updatedAt?: string;
  statusChangedAt?: string;
  orderName?: string;
  amount: PortOneAmount;
  currency?: string;
  customer?: { id?: string; name?: string; email?: string; phoneNumber?: string };
  channel?: { type: 'LIVE' | 'TEST'; id?: string; key?: string; name?: string; pgProvider: string; pgMerchantId: string };
  /** Set when the payment was made with (or stored) a billing key. */
  billingKey?: string;
  customData?: string;
  pgTxId?: string;
  receiptUrl?: string;
  /** PAID, PARTIAL_CANCELLED, CANCELLED. */
  paidAt?: string;
  /** PARTIAL_CANCELLED, CANCELLED (required there); optional on PAID. */
  cancellations?: PortOneCancellation[];
  cancelledAt?: string;
  /** FAILED. */
  failedAt?: string;
  failure?: PortOneFailure;
  /** Card payments: the approval number and the card as V2 masks it. */
  method?: { type?: string; approvalNumber?: string; card?: { number?: string } };
}

/** `GET /billing-keys/{billingKey}`: a union on `status`; a deleted key still reads back. */
export interface PortOneBillingKeyInfo {
  status: 'ISSUED' | 'DELETED';
  billingKey: string;
  merchantId?: string;
  storeId?: string;
  customer: { id?: string; name?: string; email?: string };
  issuedAt: string;
  deletedAt?: string;
}

export interface PortOnePreRegisterBody {
  storeId?: string;
  totalAmount: number;
  currency: string;
}

export interface PortOneCancelBody {
  storeId?: string;
  reason: string;
  amount: number;
  /** The balance we believe in before this cancel: PortOne refuses when it differs (V1's checksum). */
  currentCancellableAmount: number;
}

export interface PortOneBillingKeyPaymentBody {
  storeId?: string;
  billingKey: string;
  orderName: string;
  amount: { total: number };
  currency: string;
  customer?: { name?: { full: string }; email?: string };
}

/** `POST /payments/{paymentId}/billing-key` answers 200 with this; the payment is PAID. */
export interface PortOneBillingKeyPaymentAnswer {
  payment: { pgTxId: string; paidAt: string };
}
