// The PaymentGateway over Iamport's V1 REST API (IAMPORT_V1.md), through gateway-http.ts. Every call ends in
// one of three ways: an answer, a GatewayRejectedError (Iamport said no: `code != 0`), or a
// GatewayUnavailableError (5xx, timeout, connection error, unreadable body: the outcome is
// unknown and is asked again later, never guessed).
import type { Logger } from '../../../shared/application/logger.port';
import { type GatewayPayment, wasCharged } from '../../domain/gateway-payment';
import {
  type BillingCharge, type BrowserResult, type CancelRequest, GatewayRejectedError, GatewayUnavailableError,
  type PaymentGateway, type PrepareRequest, type StoredCard,
} from '../../application/payment-gateway.port';
import { GatewayHttp, parseJson, type GatewayRequest } from '../gateway-http';
import { IamportTokenCache } from './iamport-token';
import { toGatewayPayment } from './iamport-payment.mapper';
import type {
  IamportAgainBody, IamportCancelBody, IamportEnvelope, IamportPage, IamportPrepareBody, IamportToken,
} from './iamport.types';

export interface IamportGatewayOptions {
  /** e.g. `https://api.iamport.kr`, or the sandbox's URL. */
  apiUrl: string;
  impKey: string;
  impSecret: string;
  /** Limit of each HTTP exchange (got's `timeout.request`). */
  timeoutMs: number;
  logger: Logger;
  /** Adds `include_sandbox=true` to payment lookups, for Iamport's test channels (IAMPORT_V1.md §3.2). */
  includeSandbox?: boolean;
}

/** `customer_uid` unknown: documented as 404, seen as 200 + code != 0 (IAMPORT_V1.md §2, §3.4). */
const CUSTOMER_NOT_FOUND = /등록된 정보를 찾을 수 없습니다/;

interface Answer<T> {
  status: number;
  envelope: IamportEnvelope<T>;
}

export class IamportGateway implements PaymentGateway {
  private readonly http: GatewayHttp;
  private readonly tokens: IamportTokenCache;
  private readonly lookupParams: Record<string, boolean>;

  constructor(private readonly options: IamportGatewayOptions) {
    this.http = new GatewayHttp({ name: 'iamport', apiUrl: options.apiUrl, timeoutMs: options.timeoutMs, logger: options.logger.child({ gateway: 'iamport' }) });
    this.tokens = new IamportTokenCache(() => this.fetchToken());
    this.lookupParams = options.includeSandbox ? { include_sandbox: true } : {};
  }

  async prepare(request: PrepareRequest): Promise<void> {
    const body: IamportPrepareBody = { merchant_uid: request.merchantUid, amount: request.amount };
    this.accept(await this.call<unknown>({ method: 'POST', path: '/payments/prepare', body }));
  }

  /** Iamport's browser already paid: settling is verifying, i.e. looking the payment up. */
  settle(result: BrowserResult): Promise<GatewayPayment | null> {
    return this.getPayment(result.transactionId);
  }

  async getPayment(gatewayPaymentId: string): Promise<GatewayPayment | null> {
    const response = this.acceptOrNull(await this.call<unknown>({
      method: 'GET', path: `/payments/${encodeURIComponent(gatewayPaymentId)}`, searchParams: this.lookupParams,
    }));
    return response === null ? null : toGatewayPayment(response);
  }

  /** The latest attempt, unless an earlier one of the same merchant_uid took the money: then that one. */
  async findByMerchantUid(merchantUid: string): Promise<GatewayPayment | null> {
    const uid = encodeURIComponent(merchantUid);
    const latest = this.acceptOrNull(await this.call<unknown>({ method: 'GET', path: `/payments/find/${uid}`, searchParams: this.lookupParams }));
    if (latest === null) return null;
    const found = toGatewayPayment(latest);
    if (wasCharged(found)) return found;
    const page = this.acceptOrNull(await this.call<IamportPage<unknown>>({
      method: 'GET', path: `/payments/findAll/${uid}`, searchParams: { ...this.lookupParams, limit: 100 },
    }));
    if (page !== null && !Array.isArray(page.list)) throw new GatewayUnavailableError('iamport answered a payment list we could not read; the outcome is unknown');
    return page?.list.map(toGatewayPayment).find(wasCharged) ?? found;
  }

  async cancel(request: CancelRequest): Promise<GatewayPayment> {
    // Iamport reads amount 0 (or none) as "cancel the whole remainder": never send that by accident.
    if (!Number.isInteger(request.amount) || request.amount <= 0) {
      throw new GatewayRejectedError(`a cancel needs a positive integer amount, got ${request.amount}`);
    }
    const body: IamportCancelBody = {
      imp_uid: request.gatewayPaymentId, merchant_uid: request.merchantUid, amount: request.amount,
      checksum: request.checksum, reason: request.reason,
    };
    return toGatewayPayment(this.accept(await this.call<unknown>({ method: 'POST', path: '/payments/cancel', body })));
  }

  /** code 0 with `response.status = failed` is a declined card: an answer, returned as is. */
  async chargeBillingKey(charge: BillingCharge): Promise<GatewayPayment> {
    const body: IamportAgainBody = {
      customer_uid: charge.customerUid, merchant_uid: charge.merchantUid, amount: charge.amount, name: charge.name,
      buyer_name: charge.buyerName, buyer_email: charge.buyerEmail,
    };
    return toGatewayPayment(this.accept(await this.call<unknown>({ method: 'POST', path: '/subscribe/payments/again', body })));
  }

  /** A key Iamport does not know is already deleted. */
  async deleteBillingKey(customerUid: string): Promise<void> {
    const answer = await this.call<unknown>({ method: 'DELETE', path: `/subscribe/customers/${encodeURIComponent(customerUid)}` });
    if (answer.status === 404) return;
    if (answer.envelope.code !== 0 && CUSTOMER_NOT_FOUND.test(answer.envelope.message ?? '')) return;
    this.accept(answer);
  }

  /** `GET /subscribe/customers/{customer_uid}`: a 404, or the "not found" message, is no key. */
  async findBillingKey(customerUid: string): Promise<StoredCard | null> {
    const answer = await this.call<{ customer_uid: string; card_number?: string | null }>({ method: 'GET', path: `/subscribe/customers/${encodeURIComponent(customerUid)}` });
    if (answer.status === 404) return null;
    if (answer.envelope.code !== 0 && CUSTOMER_NOT_FOUND.test(answer.envelope.message ?? '')) return null;
    const customer = this.accept(answer);
    return { customerUid: customer.customer_uid, cardNumber: customer.card_number ?? null };
  }

  /** Holds or obtains a token: Iamport is reachable and takes our credentials. */
  async ping(): Promise<void> {
    await this.tokens.get();
  }

  // --- envelope ------------------------------------------------------------

  /** The response of a successful answer; Iamport's refusal otherwise. */
  private accept<T>(answer: Answer<T>): T {
    const { status, envelope } = answer;
    if (envelope.code !== 0) throw new GatewayRejectedError(envelope.message ?? `iamport refused the request (code ${envelope.code})`, envelope.code);
    if (status < 200 || status >= 300 || envelope.response === null) {
      throw new GatewayUnavailableError(`iamport answered HTTP ${status} with code 0 and ${envelope.response === null ? 'no' : 'a'} response; the outcome is unknown`);
    }
    return envelope.response;
  }

  /** Like accept, with 404 meaning "no such payment". */
  private acceptOrNull<T>(answer: Answer<T>): T | null {
    return answer.status === 404 ? null : this.accept(answer);
  }

  // --- transport -------------------------------------------------------------

  /** An authorised exchange; a 401 drops the token and the exchange is tried once more with a new one. */
  private async call<T>(exchange: GatewayRequest): Promise<Answer<T>> {
    const token = await this.tokens.get();
    const first = await this.send<T>(exchange, token);
    if (first.status !== 401) return first;
    this.tokens.invalidate(token);
    const second = await this.send<T>(exchange, await this.tokens.get());
    // Still unauthorised: Iamport did not act on the request, so it is not a refusal of it.
    if (second.status === 401) throw new GatewayUnavailableError('iamport refused our access token twice; the request was not carried out');
    return second;
  }

  private async fetchToken(): Promise<IamportToken> {
    const answer = await this.send<IamportToken>({
      method: 'POST', path: '/users/getToken', body: { imp_key: this.options.impKey, imp_secret: this.options.impSecret },
    });
    const { status, envelope } = answer;
    // Refused credentials are not a refusal of the call that needed the token: that call never happened.
    if (status === 401 || envelope.code !== 0) throw new GatewayUnavailableError('iamport refused our API credentials (IMP_KEY / IMP_SECRET)');
    const t = envelope.response;
    if (status !== 200 || !t || typeof t.access_token !== 'string' || typeof t.now !== 'number' || typeof t.expired_at !== 'number') {
      throw new GatewayUnavailableError('iamport answered a token we could not read');
    }
    return t;
  }

  /** One exchange: an Answer (2xx-4xx with an envelope) or GatewayUnavailableError (gateway-http.ts). */
  private send<T>(exchange: GatewayRequest, token?: string): Promise<Answer<T>> {
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    return this.http.send<Answer<T>>({ ...exchange, headers }, ({ status, text, what }) => {
      const envelope = parseEnvelope<T>(text);
      if (status === 401) {
        return { outcome: 'unauthorized', answer: { status, envelope: envelope ?? { code: -1, message: 'Unauthorized', response: null } } };
      }
      if (!envelope) {
        return { outcome: 'unreadable', error: new GatewayUnavailableError(`iamport answered HTTP ${status} to ${what} with a body we could not read; the outcome is unknown`) };
      }
      if (envelope.code === 0) return { outcome: 'ok', answer: { status, envelope } };
      return { outcome: status === 404 ? 'not_found' : 'refused', fields: { code: envelope.code, message: envelope.message }, answer: { status, envelope } };
    });
  }
}

function parseEnvelope<T>(text: string): IamportEnvelope<T> | null {
  const body = parseJson(text);
  if (!body || typeof body !== 'object') return null;
  const { code, message, response } = body as Record<string, unknown>;
  if (typeof code !== 'number' || !Number.isFinite(code)) return null;
  return { code, message: typeof message === 'string' ? message : null, response: (response ?? null) as T | null };
}
