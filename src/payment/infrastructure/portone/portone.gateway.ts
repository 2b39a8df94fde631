// The PaymentGateway over PortOne's V2 REST API (docs/portone-v2.md), through gateway-http.ts rather
// than the official SDK, whose calls cannot be bounded in time (docs/adr/0009-portone-v2-over-got.md).
// Every call ends in one of three ways: an answer, a GatewayRejectedError (PortOne said no: a 4xx
// with `{type, message}`, the type as the code), or a GatewayUnavailableError (5xx, timeout,
// connection error, unreadable body, our API secret refused: the outcome is unknown).
//
// V2 keys everything by the merchant's paymentId, which is our merchant_uid: the port's gateway
// payment id (`gatewayPaymentId`) is that paymentId too. The browser pays and the server verifies, as with
// Iamport: `prepare` pre-registers the amount, `settle` is a lookup.
import type { Logger } from '../../../shared/application/logger.port';
import { type GatewayPayment, wasCharged } from '../../domain/gateway-payment';
import {
  type BillingCharge, type BrowserResult, type CancelRequest, GatewayRejectedError, GatewayUnavailableError,
  type PaymentGateway, type PrepareRequest, type StoredCard,
} from '../../application/payment-gateway.port';
import { GatewayHttp, parseJson, type GatewayRequest } from '../gateway-http';
import { fromRfc3339, toGatewayPayment } from './portone-payment.mapper';
import type {
  PortOneBillingKeyInfo, PortOneBillingKeyPaymentAnswer, PortOneBillingKeyPaymentBody, PortOneCancelBody,
  PortOneCancellation, PortOneError, PortOnePreRegisterBody,
} from './portone.types';

export interface PortOneGatewayOptions {
  /** `https://api.portone.io`, or the V2 sandbox's origin. */
  apiUrl: string;
  /** The V2 API secret; sent only inside the Authorization header, never logged. */
  apiSecret: string;
  /** Needed only for a sub-store; PortOne defaults to the store the secret belongs to. */
  storeId?: string | null;
  /** Limit of each HTTP exchange (got's `timeout.request`). */
  timeoutMs: number;
  logger: Logger;
}

const CURRENCY = 'KRW';

/** Any paymentId PortOne has never seen: ping looks it up, and a 404 proves the secret works. */
const PING_PAYMENT_ID = 'memberpay-readiness-ping';

/** Refusal types the adapter reads as something other than a plain "no". */
const TYPE = {
  paymentNotFound: 'PAYMENT_NOT_FOUND',
  alreadyPaid: 'ALREADY_PAID',
  billingKeyNotFound: 'BILLING_KEY_NOT_FOUND',
  billingKeyNotIssued: 'BILLING_KEY_NOT_ISSUED',
  billingKeyAlreadyDeleted: 'BILLING_KEY_ALREADY_DELETED',
} as const;

/** Not PortOne's: the codes of refusals this adapter decides on PortOne's answer. */
export const PORTONE_ADAPTER_CODE = {
  /** A cancel answered 200 with a FAILED cancellation: nothing was refunded. */
  cancellationFailed: 'CANCELLATION_FAILED',
  /** The billing key the browser brought was issued for another customer than the page said. */
  billingKeyOfAnotherCustomer: 'BILLING_KEY_OF_ANOTHER_CUSTOMER',
} as const;

/** A PortOne answer: 2xx with a body, or a 4xx with PortOne's error object. */
type Answer =
  | { ok: true; status: number; body: unknown }
  | { ok: false; status: number; error: PortOneError };

export class PortOneGateway implements PaymentGateway {
  private readonly http: GatewayHttp;
  private readonly authorization: string;
  private readonly storeId: string | null;

  constructor(options: PortOneGatewayOptions) {
    this.http = new GatewayHttp({ name: 'portone', apiUrl: options.apiUrl, timeoutMs: options.timeoutMs, logger: options.logger.child({ gateway: 'portone' }) });
    this.authorization = `PortOne ${options.apiSecret}`;
    this.storeId = options.storeId || null;
  }

  /** Pre-registers the amount: a browser payment of any other amount fails (AmountNotEqualToPredefined). */
  async prepare(request: PrepareRequest): Promise<void> {
    const body: PortOnePreRegisterBody = { ...this.store(), totalAmount: request.amount, currency: CURRENCY };
    const answer = await this.send({ method: 'POST', path: `${paymentPath(request.merchantUid)}/pre-register`, body });
    if (!answer.ok) throw rejected(answer.error);
  }

  /**
   * The browser already paid: settling is looking our paymentId up (the browser's own ids are not
   * trusted). With `billingCustomerKey`, the browser issued a billing key instead of paying
   * (requestIssueBillingKey, `transactionId` = the key): it is checked and charges the first period.
   */
  settle(result: BrowserResult): Promise<GatewayPayment | null> {
    if (result.billingCustomerKey) return this.settleIssuedBillingKey(result, result.billingCustomerKey);
    return this.getPayment(result.merchantUid);
  }

  async getPayment(paymentId: string): Promise<GatewayPayment | null> {
    const answer = await this.send({ method: 'GET', path: paymentPath(paymentId), searchParams: this.store() });
    if (answer.ok) return toGatewayPayment(answer.body);
    if (answer.error.type === TYPE.paymentNotFound) return null;
    throw rejected(answer.error);
  }

  /** Our merchant_uid is the paymentId: one lookup, whose attempt is the paid one if any was. */
  findByMerchantUid(merchantUid: string): Promise<GatewayPayment | null> {
    return this.getPayment(merchantUid);
  }

  /**
   * A (partial) cancel with `currentCancellableAmount` = the checksum: PortOne refuses when its
   * balance differs (CANCELLABLE_AMOUNT_CONSISTENCY_BROKEN), so a resend after a lost answer cannot
   * refund twice. Answers the payment as it stands after the cancel.
   */
  async cancel(request: CancelRequest): Promise<GatewayPayment> {
    // V2 reads a missing amount as "cancel everything left": never send that by accident.
    if (!Number.isInteger(request.amount) || request.amount <= 0) {
      throw new GatewayRejectedError(`a cancel needs a positive integer amount, got ${request.amount}`);
    }
    const body: PortOneCancelBody = {
      ...this.store(), reason: request.reason || 'refund', amount: request.amount, currentCancellableAmount: request.checksum,
    };
    const path = paymentPath(request.gatewayPaymentId);
    const answer = await this.send({ method: 'POST', path: `${path}/cancel`, body });
    if (!answer.ok) throw rejected(answer.error);
    const cancellation = (answer.body as { cancellation?: Partial<PortOneCancellation> } | null)?.cancellation;
    if (cancellation?.status === 'FAILED') {
      throw new GatewayRejectedError(`portone could not cancel: ${cancellation.reason ?? 'the PG refused'}`, PORTONE_ADAPTER_CODE.cancellationFailed);
    }
    if (cancellation?.status !== 'SUCCEEDED') {
      // REQUESTED: the PG finishes later (a webhook follows); anything else we cannot read.
      throw new GatewayUnavailableError(`portone answered a cancellation ${cancellation?.status ?? 'we could not read'}; the refund's outcome is not known yet`);
    }
    const after = await this.getPayment(request.gatewayPaymentId);
    if (!after) throw new GatewayUnavailableError('portone cancelled a payment it then could not find; the outcome is unknown');
    return after;
  }

  /**
   * Charges a stored card under the deterministic paymentId (the renewal's merchant_uid). PortOne
   * answers a decline with 502 PG_PROVIDER, which reaches us as an unknown outcome, so any 5xx or
   * timeout is followed by a lookup: a FAILED payment is the decline (answered, not thrown), a
   * charged one the charge. ALREADY_PAID (a resend after a lost answer) answers the payment made.
   */
  async chargeBillingKey(charge: BillingCharge): Promise<GatewayPayment> {
    const body: PortOneBillingKeyPaymentBody = {
      ...this.store(), billingKey: charge.customerUid, orderName: charge.name, amount: { total: charge.amount }, currency: CURRENCY,
      ...(charge.buyerName || charge.buyerEmail ? { customer: { ...(charge.buyerName ? { name: { full: charge.buyerName } } : {}), ...(charge.buyerEmail ? { email: charge.buyerEmail } : {}) } } : {}),
    };
    let answer: Answer;
    try {
      answer = await this.send({ method: 'POST', path: `${paymentPath(charge.merchantUid)}/billing-key`, body });
    } catch (error) {
      if (!(error instanceof GatewayUnavailableError)) throw error;
      const truth = await this.lookupAfter(charge.merchantUid);
      if (truth && (truth.status === 'failed' || wasCharged(truth))) return { ...truth, customerUid: truth.customerUid ?? charge.customerUid };
      throw error;
    }
    if (!answer.ok) {
      if (answer.error.type === TYPE.alreadyPaid) {
        const truth = await this.lookupAfter(charge.merchantUid);
        if (truth && wasCharged(truth)) return { ...truth, customerUid: truth.customerUid ?? charge.customerUid };
      }
      throw rejected(answer.error);
    }
    const paidAt = fromRfc3339((answer.body as Partial<PortOneBillingKeyPaymentAnswer> | null)?.payment?.paidAt);
    if (!paidAt) throw new GatewayUnavailableError('portone answered a billing-key payment we could not read; the outcome is unknown');
    return {
      gatewayPaymentId: charge.merchantUid, merchantUid: charge.merchantUid, amount: charge.amount, status: 'paid', cancelledAmount: 0,
      cancellations: [], failReason: null, paidAt, customerUid: charge.customerUid, customerKey: null,
    };
  }

  /**
   * requestIssueBillingKey's key (the proof), checked to be issued and of this customer. Without it
   * there is nothing to look up: V2 finds keys by key, and the customer id alone does not name one.
   */
  async findBillingKey(customerId: string, billingKey?: string): Promise<StoredCard | null> {
    if (!billingKey) return null;
    const info = await this.issuedKeyOf(billingKey, customerId);
    return info ? { customerUid: billingKey, cardNumber: null } : null;
  }

  /** A key PortOne does not know, never issued, or already deleted is gone: nothing left to do. */
  async deleteBillingKey(billingKey: string): Promise<void> {
    const answer = await this.send({
      method: 'DELETE', path: billingKeyPath(billingKey), logPath: '/billing-keys/{billingKey}',
      searchParams: { ...this.store(), reason: 'membership ended' },
    });
    if (answer.ok) return;
    const gone: string[] = [TYPE.billingKeyNotFound, TYPE.billingKeyNotIssued, TYPE.billingKeyAlreadyDeleted];
    if (gone.includes(answer.error.type)) return;
    throw rejected(answer.error);
  }

  /** An authenticated lookup of a paymentId nobody made: 404 (or any answer) proves PortOne takes our secret. */
  async ping(): Promise<void> {
    await this.send({ method: 'GET', path: paymentPath(PING_PAYMENT_ID), searchParams: this.store() });
  }

  /**
   * requestIssueBillingKey's key: charged for the first period once it proves to be an issued key
   * of the customer the page named. An order already charged (a resend) answers that charge.
   */
  private async settleIssuedBillingKey(result: BrowserResult, customerId: string): Promise<GatewayPayment> {
    // The key was checked to be this customer's: the payment it charges carries it for our order to adopt.
    const adoptable = (payment: GatewayPayment): GatewayPayment =>
      (payment.customerUid === result.transactionId ? { ...payment, customerKey: customerId } : payment);
    const charged = await this.getPayment(result.merchantUid);
    if (charged && wasCharged(charged)) return adoptable(charged);
    if (!(await this.issuedKeyOf(result.transactionId, customerId))) {
      throw new GatewayRejectedError('portone does not know this billing key', TYPE.billingKeyNotFound);
    }
    return adoptable(await this.chargeBillingKey({ customerUid: result.transactionId, merchantUid: result.merchantUid, amount: result.amount, name: 'membership' }));
  }

  /**
   * `GET /billing-keys/{billingKey}`: the key when it is issued for `customerId`; null when PortOne does
   * not know it. A deleted key, or one of another customer, is refused: the browser brought the wrong one.
   */
  private async issuedKeyOf(billingKey: string, customerId: string): Promise<PortOneBillingKeyInfo | null> {
    const answer = await this.send({ method: 'GET', path: billingKeyPath(billingKey), logPath: '/billing-keys/{billingKey}', searchParams: this.store() });
    if (!answer.ok) {
      if (answer.error.type === TYPE.billingKeyNotFound) return null;
      throw rejected(answer.error);
    }
    const info = answer.body as Partial<PortOneBillingKeyInfo> | null;
    if (!info || typeof info.status !== 'string') throw new GatewayUnavailableError('portone answered a billing key we could not read; the outcome is unknown');
    if (info.status !== 'ISSUED') throw new GatewayRejectedError(`the billing key is ${info.status.toLowerCase()}`, TYPE.billingKeyAlreadyDeleted);
    if (info.customer?.id !== customerId) {
      throw new GatewayRejectedError('the billing key was issued for another customer', PORTONE_ADAPTER_CODE.billingKeyOfAnotherCustomer);
    }
    return info as PortOneBillingKeyInfo;
  }

  /** The lookup that explains an unknown or refused charge; when PortOne cannot answer it either, null. */
  private async lookupAfter(paymentId: string): Promise<GatewayPayment | null> {
    try {
      return await this.getPayment(paymentId);
    } catch (error) {
      if (error instanceof GatewayUnavailableError || error instanceof GatewayRejectedError) return null;
      throw error;
    }
  }

  private store(): { storeId?: string } {
    return this.storeId ? { storeId: this.storeId } : {};
  }

  // --- transport -------------------------------------------------------------

  /** One exchange: an Answer (2xx, or a 4xx with PortOne's error object) or GatewayUnavailableError (gateway-http.ts). */
  private send(request: GatewayRequest): Promise<Answer> {
    return this.http.send<Answer>({ ...request, headers: { authorization: this.authorization } }, ({ status, text, what }) => {
      const body = parseJson(text);
      if (status >= 200 && status < 300) {
        if (body === undefined) {
          return { outcome: 'unreadable', error: new GatewayUnavailableError(`portone answered HTTP ${status} to ${what} with a body we could not read; the outcome is unknown`) };
        }
        return { outcome: 'ok', answer: { ok: true, status, body } };
      }
      const error = asPortOneError(body);
      // 401/403: our secret (or its store) was refused, so PortOne did not act on the request. 429 and
      // bodies that are not PortOne's (a proxy's page, a 404 from a wrong base URL) say nothing definite.
      if (status === 401 || status === 403 || status === 429 || !error || status < 400) {
        return {
          outcome: status === 401 || status === 403 ? 'unauthorized' : 'unreadable',
          fields: { type: error?.type },
          error: new GatewayUnavailableError(status === 401 || status === 403
            ? `portone refused our API secret (${error?.type ?? `HTTP ${status}`}); ${what} was not carried out`
            : `portone answered HTTP ${status} to ${what} without a definite answer; the outcome is unknown`),
        };
      }
      return { outcome: status === 404 ? 'not_found' : 'refused', fields: { type: error.type, message: error.message }, answer: { ok: false, status, error } };
    });
  }
}

function paymentPath(paymentId: string): string {
  return `/payments/${encodeURIComponent(paymentId)}`;
}

/** A billing key is a credential: its path is never logged (logPath). */
function billingKeyPath(billingKey: string): string {
  return `/billing-keys/${encodeURIComponent(billingKey)}`;
}

function rejected(error: PortOneError): GatewayRejectedError {
  return new GatewayRejectedError(error.message, error.type);
}

function asPortOneError(body: unknown): PortOneError | null {
  if (!body || typeof body !== 'object') return null;
  const { type, message } = body as Record<string, unknown>;
  if (typeof type !== 'string' || type === '') return null;
  return { type, message: typeof message === 'string' && message !== '' ? message : type };
}
