import { DomainError } from '../../shared/domain/domain-error';
import type { GatewayPayment } from '../domain/gateway-payment';

export interface PrepareRequest {
  merchantUid: string;
  amount: number;
}

export interface CancelRequest {
  gatewayPaymentId: string;
  merchantUid: string;
  amount: number;
  /** The cancellable balance we believe the gateway holds before this cancel; a mismatch makes it refuse. */
  checksum: number;
  reason: string;
}

/** A stored card as the gateway describes it. */
export interface StoredCard {
  /** The handle chargeBillingKey and deleteBillingKey take (Iamport's customer_uid, a Toss handle, a PortOne V2 billing key). */
  customerUid: string;
  /** Masked as the PG gives it (`536181******1234`), or null. */
  cardNumber: string | null;
}

export interface BillingCharge {
  customerUid: string;
  merchantUid: string;
  amount: number;
  name: string;
  buyerName?: string;
  buyerEmail?: string;
}

/** What the browser brings back after the PG window: Iamport's imp_uid, or an authorisation (Toss's paymentKey) to confirm. */
export interface BrowserResult {
  merchantUid: string;
  transactionId: string;
  amount: number;
  /**
   * Set when the browser authorised a card for recurring billing instead of paying (Toss's
   * requestBillingAuth: `transactionId` is then its authKey): settling issues the billing key and
   * charges the first period with it. Iamport stores the card while paying and ignores this.
   */
  billingCustomerKey?: string;
}

/**
 * A payment gateway in the domain's words. PG-neutral: Iamport's "the browser paid, the server
 * verifies" is `settle` = a lookup; Toss's "the browser authorised, the server confirms" is
 * `settle` = a confirmation. Every call either answers, throws GatewayRejectedError (a definite
 * no), or throws GatewayUnavailableError (the outcome is unknown: ask again, never guess).
 * Lookups answer null for a payment the gateway does not know.
 */
export interface PaymentGateway {
  /** Registers the amount of a merchant_uid so the PG refuses any other. */
  prepare(request: PrepareRequest): Promise<void>;
  /** Brings a browser-side payment to its final state at the gateway and answers it. */
  settle(result: BrowserResult): Promise<GatewayPayment | null>;
  getPayment(transactionId: string): Promise<GatewayPayment | null>;
  findByMerchantUid(merchantUid: string): Promise<GatewayPayment | null>;
  cancel(request: CancelRequest): Promise<GatewayPayment>;
  /** Charges a stored card. A decline is an answer (status failed), not a rejection. */
  chargeBillingKey(charge: BillingCharge): Promise<GatewayPayment>;
  deleteBillingKey(customerUid: string): Promise<void>;
  /**
   * The card stored for `customerUid` without a charge (a trial), or null when the gateway holds none.
   * `proof` is what the PG's window answered when it stored the card, for the PGs whose key cannot be
   * found by customer alone (Toss's authKey, exchanged here for the key; PortOne V2's billingKey,
   * checked here to be issued for this customer); Iamport needs none.
   */
  findBillingKey(customerUid: string, proof?: string): Promise<StoredCard | null>;
  /** Whether the gateway can be reached with our credentials (readiness). */
  ping(): Promise<void>;
}

export class GatewayRejectedError extends DomainError {
  constructor(message: string, readonly gatewayCode: number | string | null = null) {
    super('gateway_rejected', 'gateway_rejected', message, gatewayCode === null ? undefined : { gateway_code: gatewayCode });
  }
}

export class GatewayUnavailableError extends DomainError {
  constructor(message = 'the payment gateway did not answer; the outcome is unknown and will be checked again') {
    super('gateway_unavailable', 'gateway_unavailable', message);
  }
}
