// The PaymentGateway over Toss Payments' core API V1 (docs/toss-payments.md), through gateway-http.ts. Every call
// ends in one of three ways: an answer, a GatewayRejectedError (Toss said no: a 4xx with
// `{code, message}`), or a GatewayUnavailableError (5xx, timeout, connection error, unreadable
// body, our secret key refused: the outcome is unknown and is asked again later, never guessed).
//
// Toss differs from Iamport in its flow: the browser only authorises, the server confirms. The
// port absorbs it: `prepare` is a no-op (the app keeps the amount and `settle` confirms with it),
// `settle` is the confirmation, and a confirmation already made answers the existing payment.
import { createHash } from 'node:crypto';
import type { Logger } from '../../../shared/application/logger.port';
import type { GatewayPayment } from '../../domain/gateway-payment';
import {
  type BillingCharge, type BrowserResult, type CancelRequest, GatewayRejectedError, GatewayUnavailableError,
  type PaymentGateway, type PrepareRequest, type StoredCard,
} from '../../application/payment-gateway.port';
import { GatewayHttp, parseJson, type GatewayRequest } from '../gateway-http';
import { toGatewayPayment } from './toss-payment.mapper';
import { formatBillingHandle, parseBillingHandle } from './toss-billing-handle';
import type {
  TossBilling, TossBillingChargeBody, TossCancelBody, TossConfirmBody, TossError, TossIssueBillingBody,
} from './toss.types';

export interface TossGatewayOptions {
  /** e.g. `https://api.tosspayments.com`, or the sandbox's URL. */
  apiUrl: string;
  /** `test_sk_...` / `live_sk_...`; sent only inside the Basic auth header, never logged. */
  secretKey: string;
  /** Limit of each HTTP exchange (got's `timeout.request`). */
  timeoutMs: number;
  logger: Logger;
}

/** A confirm of a payment Toss already confirmed (docs: 400 ALREADY_PROCESSED_PAYMENT). */
const ALREADY_PROCESSED = 'ALREADY_PROCESSED_PAYMENT';

/** Toss's answer for a billing key it does not hold (docs: 404 NOT_FOUND_BILLING). */
const BILLING_NOT_FOUND = 'NOT_FOUND_BILLING';

/** Any orderId Toss has never seen (6-64 chars of [a-zA-Z0-9-_.]): ping looks it up, a 404 proves the key works. */
const PING_ORDER_ID = 'memberpay-readiness-ping';

/** Toss caps cancelReason at 200 characters and orderName at 100. */
const CANCEL_REASON_MAX = 200;
const ORDER_NAME_MAX = 100;

/** A Toss answer: 2xx with a body, or a 4xx with Toss's error object. */
type Answer =
  | { ok: true; status: number; body: unknown }
  | { ok: false; status: number; error: TossError };

export class TossGateway implements PaymentGateway {
  private readonly http: GatewayHttp;
  private readonly logger: Logger;
  private readonly authorization: string;

  constructor(options: TossGatewayOptions) {
    this.logger = options.logger.child({ gateway: 'toss' });
    this.http = new GatewayHttp({ name: 'toss', apiUrl: options.apiUrl, timeoutMs: options.timeoutMs, logger: this.logger });
    // Basic auth with the secret key as user and no password: base64(secretKey + ':').
    this.authorization = `Basic ${Buffer.from(`${options.secretKey}:`).toString('base64')}`;
  }

  /** Toss has no server-side amount registration: the app keeps the amount and settle confirms with it. */
  async prepare(_request: PrepareRequest): Promise<void> {
    // Deliberately no call: a checkout must not depend on Toss being reachable for nothing.
  }

  /**
   * Confirms what the browser authorised (`transactionId` = paymentKey) with the app's own orderId
   * and amount; Toss refuses an amount other than the authorised one. Answers the payment in its
   * final state: paid, or failed when the card company declined at approval (Toss keeps it ABORTED).
   * A confirmation already made (a resend, a webhook racing the redirect) answers the existing payment.
   */
  async settle(result: BrowserResult): Promise<GatewayPayment | null> {
    if (result.billingCustomerKey) return this.settleBillingAuthorisation(result, result.billingCustomerKey);
    const body: TossConfirmBody = { paymentKey: result.transactionId, orderId: result.merchantUid, amount: result.amount };
    const answer = await this.send({ method: 'POST', path: '/v1/payments/confirm', body });
    if (answer.ok) return toGatewayPayment(answer.body);
    if (answer.status === 404) return null;
    const existing = await this.lookupAfterRefusal(() => this.getPayment(result.transactionId));
    if (answer.error.code === ALREADY_PROCESSED && existing) return existing;
    // A decline at approval leaves an ABORTED record: that is the answer, not a refusal.
    if (existing && existing.merchantUid === result.merchantUid && existing.status === 'failed') return existing;
    throw rejected(answer.error);
  }

  async getPayment(paymentKey: string): Promise<GatewayPayment | null> {
    const answer = await this.send({ method: 'GET', path: `/v1/payments/${encodeURIComponent(paymentKey)}` });
    return answer.ok ? toGatewayPayment(answer.body) : this.notFoundOrRefusal(answer);
  }

  async findByMerchantUid(orderId: string): Promise<GatewayPayment | null> {
    const answer = await this.send({ method: 'GET', path: `/v1/payments/orders/${encodeURIComponent(orderId)}` });
    return answer.ok ? toGatewayPayment(answer.body) : this.notFoundOrRefusal(answer);
  }

  /**
   * A (partial) cancel. `refundableAmount` is Iamport's checksum: Toss refuses when the balance
   * differs (NOT_MATCHES_REFUNDABLE_AMOUNT). The Idempotency-Key is derived from (paymentKey,
   * checksum, amount), so resending a cancel whose answer was lost replays Toss's first answer
   * instead of refunding twice, while the next, different refund gets a key of its own.
   */
  async cancel(request: CancelRequest): Promise<GatewayPayment> {
    // Toss reads a missing cancelAmount as "cancel the whole balance": never send that by accident.
    if (!Number.isInteger(request.amount) || request.amount <= 0) {
      throw new GatewayRejectedError(`a cancel needs a positive integer amount, got ${request.amount}`);
    }
    const body: TossCancelBody = {
      cancelReason: (request.reason || 'refund').slice(0, CANCEL_REASON_MAX),
      cancelAmount: request.amount,
      refundableAmount: request.checksum,
    };
    const answer = await this.send({
      method: 'POST', path: `/v1/payments/${encodeURIComponent(request.gatewayPaymentId)}/cancel`, body,
      idempotencyKey: cancelIdempotencyKey(request),
    });
    if (!answer.ok) throw rejected(answer.error);
    return toGatewayPayment(answer.body);
  }

  /**
   * Charges a stored card; `customerUid` is the handle issueBillingKey made (toss-billing-handle.ts).
   * Toss answers a declined card with a 4xx: when it kept a failed record of the orderId, that record
   * is the answer (status failed); otherwise the refusal is thrown, which renewals treat as a decline.
   */
  async chargeBillingKey(charge: BillingCharge): Promise<GatewayPayment> {
    const handle = parseBillingHandle(charge.customerUid);
    if (!handle) throw new GatewayRejectedError('not a Toss billing handle (<customerKey>:<billingKey>); the card cannot be charged');
    const body: TossBillingChargeBody = {
      customerKey: handle.customerKey, amount: charge.amount, orderId: charge.merchantUid,
      orderName: charge.name.slice(0, ORDER_NAME_MAX), customerName: charge.buyerName, customerEmail: charge.buyerEmail,
    };
    const answer = await this.send({
      method: 'POST', path: `/v1/billing/${encodeURIComponent(handle.billingKey)}`, logPath: '/v1/billing/{billingKey}', body,
    });
    if (answer.ok) return toGatewayPayment(answer.body, charge.customerUid);
    const kept = await this.lookupAfterRefusal(() => this.findByMerchantUid(charge.merchantUid));
    if (kept && kept.status === 'failed') return { ...kept, customerUid: charge.customerUid };
    throw rejected(answer.error);
  }

  /**
   * Toss has no lookup of a customer's billing keys: the card stored by requestBillingAuth is proved by
   * the redirect's authKey, which is exchanged here for the key (single use: Toss refuses it a second
   * time). Without an authKey there is nothing to find.
   */
  async findBillingKey(customerKey: string, authKey?: string): Promise<StoredCard | null> {
    if (!authKey) return null;
    return { customerUid: await this.issueBillingKey({ authKey, customerKey }), cardNumber: null };
  }

  /**
   * Deletes the billing key of a handle (`DELETE /v1/billing/{billingKey}`, docs/toss-payments.md §5):
   * any 2xx is done, whatever its body. Toss's NOT_FOUND_BILLING means it is already gone; a bare 404
   * (a wrong URL, a proxy) is no proof of that and stays unknown. A customerUid that is not a Toss
   * handle was never a Toss billing key: nothing to delete.
   */
  async deleteBillingKey(customerUid: string): Promise<void> {
    const handle = parseBillingHandle(customerUid);
    if (!handle) {
      this.logger.warn({}, 'not a Toss billing handle; nothing to delete at Toss');
      return;
    }
    const answer = await this.send({
      method: 'DELETE', path: `/v1/billing/${encodeURIComponent(handle.billingKey)}`, logPath: '/v1/billing/{billingKey}', bodyOptional: true,
    });
    if (answer.ok || answer.error.code === BILLING_NOT_FOUND) return;
    throw rejected(answer.error);
  }

  /** Issues a billing key from the `authKey` and `customerKey` of requestBillingAuth's success redirect; answers the handle to keep. */
  async issueBillingKey(request: { authKey: string; customerKey: string }): Promise<string> {
    const body: TossIssueBillingBody = { authKey: request.authKey, customerKey: request.customerKey };
    const answer = await this.send({ method: 'POST', path: '/v1/billing/authorizations/issue', body });
    if (!answer.ok) throw rejected(answer.error);
    const billing = answer.body as Partial<TossBilling> | null;
    if (!billing || typeof billing.billingKey !== 'string' || billing.billingKey === '') {
      throw new GatewayUnavailableError('toss answered a billing key we could not read; the outcome is unknown');
    }
    return formatBillingHandle({ customerKey: request.customerKey, billingKey: billing.billingKey });
  }

  /**
   * requestBillingAuth's success: the authKey becomes a billing key, which charges the first period
   * under our orderId. An order already charged (a resend after a lost answer) answers that charge,
   * since an authKey cannot be used twice.
   */
  private async settleBillingAuthorisation(result: BrowserResult, customerKey: string): Promise<GatewayPayment> {
    const charged = await this.findByMerchantUid(result.merchantUid);
    if (charged && charged.status !== 'failed' && charged.status !== 'ready') return charged;
    const handle = await this.issueBillingKey({ authKey: result.transactionId, customerKey });
    return this.chargeBillingKey({ customerUid: handle, merchantUid: result.merchantUid, amount: result.amount, name: 'membership' });
  }

  /** An authenticated lookup of an order nobody made: 404 (or any answer) proves Toss takes our key. */
  async ping(): Promise<void> {
    await this.send({ method: 'GET', path: `/v1/payments/orders/${PING_ORDER_ID}` });
  }

  // --- outcomes ----------------------------------------------------------------

  private notFoundOrRefusal(answer: Extract<Answer, { ok: false }>): null {
    if (answer.status === 404) return null;
    throw rejected(answer.error);
  }

  /** The lookup that explains a refusal; if Toss cannot answer it, the refusal itself still stands. */
  private async lookupAfterRefusal(lookup: () => Promise<GatewayPayment | null>): Promise<GatewayPayment | null> {
    try {
      return await lookup();
    } catch (error) {
      if (error instanceof GatewayUnavailableError || error instanceof GatewayRejectedError) return null;
      throw error;
    }
  }

  // --- transport -------------------------------------------------------------

  /** One exchange: an Answer (2xx, or 4xx with Toss's error object) or GatewayUnavailableError (gateway-http.ts). */
  /** `bodyOptional`: a 2xx needs no readable body (a deletion answers nothing we use). */
  private send(exchange: GatewayRequest & { idempotencyKey?: string; bodyOptional?: boolean }): Promise<Answer> {
    const { idempotencyKey, bodyOptional, ...request } = exchange;
    const headers: Record<string, string> = { authorization: this.authorization };
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
    return this.http.send<Answer>({ ...request, headers }, ({ status, text, what }) => {
      const body = parseJson(text);
      if (status >= 200 && status < 300) {
        if (body === undefined && !bodyOptional) {
          return { outcome: 'unreadable', error: new GatewayUnavailableError(`toss answered HTTP ${status} to ${what} with a body we could not read; the outcome is unknown`) };
        }
        return { outcome: 'ok', answer: { ok: true, status, body } };
      }
      const error = asTossError(body);
      // 401: our secret key was refused, so Toss did not act on the request: not a refusal of it.
      // 429 and bodies that are not Toss's (a proxy's page) say nothing definite either.
      if (status === 401 || status === 429 || !error || status < 400) {
        return {
          outcome: status === 401 ? 'unauthorized' : 'unreadable',
          fields: { code: error?.code },
          error: new GatewayUnavailableError(status === 401
            ? `toss refused our secret key (${error?.code ?? 'HTTP 401'}); ${what} was not carried out`
            : `toss answered HTTP ${status} to ${what} without a definite answer; the outcome is unknown`),
        };
      }
      return { outcome: status === 404 ? 'not_found' : 'refused', fields: { code: error.code, message: error.message }, answer: { ok: false, status, error } };
    });
  }
}

/** Deterministic per (payment, balance, amount): the same refund resent gets the same key (max 300 chars). */
export function cancelIdempotencyKey(request: Pick<CancelRequest, 'gatewayPaymentId' | 'checksum' | 'amount'>): string {
  const digest = createHash('sha256').update(`${request.gatewayPaymentId}\n${request.checksum}\n${request.amount}`).digest('hex');
  return `memberpay-cancel-${digest}`;
}

function rejected(error: TossError): GatewayRejectedError {
  return new GatewayRejectedError(error.message, error.code);
}

function asTossError(body: unknown): TossError | null {
  if (!body || typeof body !== 'object') return null;
  const { code, message } = body as Record<string, unknown>;
  if (typeof code !== 'string' || code === '') return null;
  return { code, message: typeof message === 'string' && message !== '' ? message : code };
}
