// What `npm run cli -- sandbox ...` asks of the configured PG's sandbox over HTTP: its window (the
// buyer paying), and its control panel (stored cards, notices, fault knobs, reset). Both sandboxes
// answer under the URL the app's gateway adapter talks to, in the app or standalone.
import type { AppConfig } from '../config';
import { CARD_KINDS, type CardKind } from '../sandbox/iamport/sandbox-cards';

/** The test cards of both sandboxes (the Toss sandbox has the same four kinds). */
export type TestCard = CardKind;
export const TEST_CARD_NAMES = CARD_KINDS;

/** What the page knows of an order when it opens the PG window (the checkout's answer). */
export interface OpenOrder {
  merchantUid: string;
  amount: number;
  name: string;
  payMethod: string;
  /** Set when the order keeps the card for renewals. */
  customerUid: string | null;
  buyerName: string | null;
  buyerEmail: string | null;
}

/** What the page hands to POST /api/payment/validation after the window; or the window's refusal. */
export type WindowResult =
  | { paid: true; transactionId: string; billingCustomerKey?: string }
  | { paid: false; code: string; message: string };

export interface NoticeSent {
  url: string;
  notice: Record<string, unknown>;
}

export class SandboxRequestError extends Error {}

abstract class SandboxClient {
  constructor(readonly url: string) {}

  /** The buyer pays `order` in the window with `card`. */
  abstract payInWindow(order: OpenOrder, card: TestCard): Promise<WindowResult>;
  /** The stored card behind an app billing key approves (`success`) or declines on its next charges. */
  abstract setStoredCard(billingKey: string, card: TestCard): Promise<void>;
  /** The sandbox sends the PG's notice of an order again (`status`: a stale or forged one, Iamport only). */
  abstract resendNotice(merchantUid: string, status?: string): Promise<NoticeSent>;

  async faults(patch: Record<string, unknown> | null): Promise<Record<string, unknown>> {
    const answer = patch ? await this.request('POST', '/__sandbox/control', patch) : await this.request('GET', '/__sandbox/control');
    return (answer as { faults: Record<string, unknown> }).faults;
  }

  protected async request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(this.url + path, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(5000),
      });
    } catch (error) {
      throw new SandboxRequestError(`the sandbox at ${this.url} does not answer (${(error as Error).message}); is the app (npm start) or npm run sandbox running?`);
    }
    const text = await res.text();
    const parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (!res.ok) throw new SandboxRequestError(`the sandbox answered ${method} ${path} with HTTP ${res.status}: ${String(parsed.error ?? parsed.message ?? text)}`);
    return parsed;
  }
}

class IamportSandboxClient extends SandboxClient {
  constructor(url: string, private readonly impCode: string, private readonly pg: string) {
    super(url);
  }

  async payInWindow(order: OpenOrder, card: TestCard): Promise<WindowResult> {
    const { rsp } = (await this.request('POST', '/__sandbox/pay', {
      imp_code: this.impCode,
      params: {
        pg: this.pg, pay_method: order.payMethod, name: order.name, merchant_uid: order.merchantUid, amount: order.amount,
        customer_uid: order.customerUid ?? undefined, buyer_name: order.buyerName ?? undefined, buyer_email: order.buyerEmail ?? undefined,
      },
      card,
      action: 'pay',
    })) as { rsp: { imp_uid: string | null; success: boolean; error_code: string | null; error_msg: string | null } };
    // A declined card still leaves a record (imp_uid) for the server to verify, as the real window does.
    if (rsp.imp_uid) return { paid: true, transactionId: rsp.imp_uid };
    return { paid: false, code: rsp.error_code ?? 'refused', message: rsp.error_msg ?? 'refused before the window opened' };
  }

  async setStoredCard(billingKey: string, card: TestCard): Promise<void> {
    await this.request('POST', `/__sandbox/customers/${encodeURIComponent(billingKey)}/card`, { card });
  }

  async resendNotice(merchantUid: string, status?: string): Promise<NoticeSent> {
    return (await this.request('POST', '/__sandbox/notices', { merchant_uid: merchantUid, ...(status ? { status } : {}) })) as NoticeSent;
  }
}

/** Toss's window only authenticates the card: the page then asks the server to confirm (or to issue a billing key and charge it). */
class TossSandboxClient extends SandboxClient {
  constructor(url: string, private readonly clientKey: string, private readonly returnUrl: string) {
    super(url);
  }

  async payInWindow(order: OpenOrder, card: TestCard): Promise<WindowResult> {
    const billing = order.customerUid !== null;
    const { result } = (await this.request('POST', billing ? '/__sandbox/billing-auth' : '/__sandbox/pay', {
      clientKey: this.clientKey,
      params: billing
        ? { customerKey: order.customerUid, successUrl: this.returnUrl, failUrl: this.returnUrl }
        : { amount: order.amount, orderId: order.merchantUid, orderName: order.name, successUrl: this.returnUrl, failUrl: this.returnUrl },
      card,
      action: 'pay',
    })) as { result: { type: 'success' | 'fail'; query: Record<string, string | number> } };
    const q = result.query;
    if (result.type === 'fail') return { paid: false, code: String(q.code), message: String(q.message) };
    return billing ? { paid: true, transactionId: String(q.authKey), billingCustomerKey: String(q.customerKey) } : { paid: true, transactionId: String(q.paymentKey) };
  }

  async setStoredCard(billingKey: string, card: TestCard): Promise<void> {
    // The app keeps `<customerKey>:<billingKey>` (toss-billing-handle.ts); the sandbox knows the billing key.
    const key = billingKey.slice(billingKey.indexOf(':') + 1);
    await this.request('POST', `/__sandbox/billing/${encodeURIComponent(key)}/card`, { card });
  }

  async resendNotice(merchantUid: string): Promise<NoticeSent> {
    return (await this.request('POST', '/__sandbox/notices', { orderId: merchantUid })) as NoticeSent;
  }
}

export type { SandboxClient };

/** The configured PG's sandbox, or null when that PG is live or has no CLI client yet (PortOne V2). */
export function sandboxClientFor(config: AppConfig): SandboxClient | null {
  if (config.paymentGateway === 'portone') return null;
  if (config.paymentGateway === 'toss') {
    return config.toss.mode === 'sandbox' ? new TossSandboxClient(config.toss.apiUrl, config.toss.clientKey, `${config.publicUrl}/`) : null;
  }
  return config.iamport.mode === 'sandbox' ? new IamportSandboxClient(config.iamport.apiUrl, config.iamport.impCode, config.iamport.pg) : null;
}
