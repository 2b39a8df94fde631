// The V2 objects the sandbox answers with, as PortOne's OpenAPI describes them (docs/portone-v2.md).
// Every value is plain JSON (times are RFC 3339 strings), so the store's records can be written to
// a file as they are.

/** Every non-2xx body. */
export interface V2Error {
  type: string;
  message: string;
  pgCode?: string;
  pgMessage?: string;
}

export type V2PaymentStatus = 'READY' | 'PAY_PENDING' | 'VIRTUAL_ACCOUNT_ISSUED' | 'PAID' | 'FAILED' | 'PARTIAL_CANCELLED' | 'CANCELLED';

export interface V2Amount {
  total: number;
  taxFree: number;
  discount: number;
  paid: number;
  cancelled: number;
  cancelledTaxFree: number;
}

export interface V2Channel {
  type: 'LIVE' | 'TEST';
  id: string;
  key: string;
  name: string;
  pgProvider: string;
  pgMerchantId: string;
}

export interface V2Customer {
  id?: string;
  name?: string;
  email?: string;
  phoneNumber?: string;
}

export interface V2Cancellation {
  status: 'SUCCEEDED';
  id: string;
  pgCancellationId: string;
  totalAmount: number;
  taxFreeAmount: number;
  vatAmount: number;
  reason: string;
  requestedAt: string;
  cancelledAt: string;
  trigger: 'API';
}

export interface V2CardMethod {
  type: 'PaymentMethodCard';
  card: { publisher: string; issuer: string; brand: 'LOCAL'; type: 'CREDIT'; ownerType: 'PERSONAL'; bin: string; name: string; number: string };
  approvalNumber?: string;
  installment: { month: number; isInterestFree: boolean };
}

/** The fields every variant of the Payment union has, plus the ones of the variants the sandbox makes. */
export interface V2Payment {
  status: V2PaymentStatus;
  id: string;
  transactionId: string;
  merchantId: string;
  storeId: string;
  method?: V2CardMethod;
  channel: V2Channel;
  version: 'V2';
  billingKey?: string;
  requestedAt: string;
  updatedAt: string;
  statusChangedAt: string;
  orderName: string;
  amount: V2Amount;
  currency: string;
  customer: V2Customer;
  customData?: string;
  pgTxId?: string;
  /** PAID, PARTIAL_CANCELLED, CANCELLED. */
  paidAt?: string;
  disputes?: [];
  cancellations?: V2Cancellation[];
  cancelledAt?: string;
  /** FAILED. */
  failedAt?: string;
  failure?: { reason: string; pgCode?: string; pgMessage?: string };
}

export interface V2BillingKeyInfo {
  status: 'ISSUED' | 'DELETED';
  billingKey: string;
  merchantId: string;
  storeId: string;
  methods: Array<{ type: 'BillingKeyPaymentMethodCard'; card: V2CardMethod['card'] }>;
  channels: V2Channel[];
  customer: V2Customer;
  issueId?: string;
  issueName?: string;
  requestedAt: string;
  issuedAt: string;
  deletedAt?: string;
}
