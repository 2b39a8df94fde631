// How a test plays the parts around a PaymentGateway that the gateway's own API does not offer:
// the buyer's PG window, a card that starts declining, and a gateway that stops answering.
import { GatewayRejectedError } from '../../src/payment/application/payment-gateway.port';
import type { MemoryPaymentGateway } from '../../src/payment/infrastructure/memory/memory-payment.gateway';

export type BuyerAction = 'paid' | 'declined' | 'user_cancelled';

export interface BuyerPayment {
  merchantUid: string;
  amount: number;
  action?: BuyerAction;
  /** Pay with this customer_uid so the card is kept as a billing key. */
  customerUid?: string;
}

export interface GatewayDriver {
  /**
   * What the PG window does when the buyer presses pay (or cancel): answers the imp_uid of the
   * gateway's new record; throws GatewayRejectedError when the gateway refuses before the window
   * opens (an amount other than the prepared one, a merchant_uid already paid).
   */
  buyerPays(payment: BuyerPayment): Promise<string>;
  /** The stored card of `customerUid` declines (or approves again) on its next charges. */
  setCardDeclines(customerUid: string, declines: boolean): Promise<void>;
  /** The gateway's next call (with any retries of it) fails with a server error. */
  failNextCall(): Promise<void>;
  /** The gateway's next call hangs past the client's timeout. */
  hangNextCall(): Promise<void>;
  /** Removes whatever fault is left from failNextCall / hangNextCall. */
  clearFaults(): Promise<void>;
}

export class MemoryGatewayDriver implements GatewayDriver {
  constructor(private readonly gateway: MemoryPaymentGateway) {}

  async buyerPays(payment: BuyerPayment): Promise<string> {
    return this.gateway.buyerPays({ ...payment, action: payment.action ?? 'paid' });
  }

  async setCardDeclines(customerUid: string, declines: boolean): Promise<void> {
    this.gateway.setCardDeclines(customerUid, declines);
  }

  async failNextCall(): Promise<void> {
    this.gateway.scriptNext('*', 'unknown', 'server error');
  }

  async hangNextCall(): Promise<void> {
    this.gateway.scriptNext('*', 'unknown', 'timeout');
  }

  async clearFaults(): Promise<void> {
    // The memory script is consumed by the one call it was meant for.
  }
}

/** How many times the adapter tries a read (IamportGateway: one try and two retries). */
const ADAPTER_READ_TRIES = 3;

/** What both PG sandboxes share for a driver: their browser and control endpoints over HTTP, and the fault knobs. */
abstract class SandboxDriver {
  constructor(protected readonly sandboxUrl: string) {}

  async failNextCall(): Promise<void> {
    await this.post('/__sandbox/control', { failNext: ADAPTER_READ_TRIES });
  }

  async hangNextCall(): Promise<void> {
    await this.post('/__sandbox/control', { hangNext: 1 });
  }

  async clearFaults(): Promise<void> {
    await this.post('/__sandbox/control', { failNext: 0, hangNext: 0 });
  }

  protected async post<T = unknown>(path: string, body: unknown): Promise<T> {
    const res = await fetch(this.sandboxUrl + path, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(3000),
    });
    if (!res.ok) throw new Error(`sandbox ${path} answered HTTP ${res.status}: ${await res.text()}`);
    return (await res.json()) as T;
  }
}

/** Drives an Iamport sandbox (src/sandbox/iamport) over HTTP, as the SDK's PG window and its control panel. */
export class SandboxGatewayDriver extends SandboxDriver implements GatewayDriver {
  constructor(sandboxUrl: string, private readonly impCode = 'imp_sandbox') {
    super(sandboxUrl);
  }

  async buyerPays(payment: BuyerPayment): Promise<string> {
    const action = payment.action ?? 'paid';
    const { rsp } = await this.post<{ rsp: { imp_uid: string | null; error_code: string | null; error_msg: string | null } }>('/__sandbox/pay', {
      imp_code: this.impCode,
      params: {
        pg: 'html5_inicis', pay_method: 'card', name: 'memberpay test', merchant_uid: payment.merchantUid,
        amount: payment.amount, customer_uid: payment.customerUid, buyer_name: 'Test Buyer', buyer_email: 'buyer@example.test',
      },
      card: action === 'declined' ? 'declined' : 'success',
      action: action === 'user_cancelled' ? 'cancel' : 'pay',
    });
    // imp_uid null = refused before the window opened; no record exists at the gateway.
    if (!rsp.imp_uid) throw new GatewayRejectedError(rsp.error_msg ?? 'refused before the window opened', rsp.error_code);
    return rsp.imp_uid;
  }

  async setCardDeclines(customerUid: string, declines: boolean): Promise<void> {
    await this.post(`/__sandbox/customers/${encodeURIComponent(customerUid)}/card`, { card: declines ? 'insufficient' : 'success' });
  }

}

/**
 * Drives a Toss sandbox (src/sandbox/toss) over HTTP. Toss's window only authenticates the card;
 * the payment is taken when the merchant's server confirms it. So "the buyer pays" here is the
 * window plus the app's success-URL handler: POST /v1/payments/confirm with the order's amount,
 * sent straight to the sandbox (not through the adapter under test). A declining card still gets
 * through the window and is refused at that confirm, leaving an ABORTED record: its paymentKey is
 * answered. Paying with a customer_uid is Toss's billing flow: requestBillingAuth with
 * customerKey = customer_uid, the billing key issued, the first period charged with it.
 */
export class TossSandboxGatewayDriver extends SandboxDriver implements GatewayDriver {
  /** customer_uid -> the billing handle `<customerKey>:<billingKey>` the app would keep. */
  private readonly handles = new Map<string, string>();

  constructor(sandboxUrl: string, private readonly keys: { clientKey: string; secretKey: string }) {
    super(sandboxUrl);
  }

  async buyerPays(payment: BuyerPayment): Promise<string> {
    const action = payment.action ?? 'paid';
    if (payment.customerUid) return this.payWithBillingKey(payment, payment.customerUid);
    const window = await this.post<TossWindowAnswer>('/__sandbox/pay', {
      clientKey: this.keys.clientKey,
      params: { amount: payment.amount, orderId: payment.merchantUid, orderName: 'memberpay test', successUrl: 'http://127.0.0.1/success', failUrl: 'http://127.0.0.1/fail' },
      card: action === 'declined' ? 'declined' : 'success',
      action: action === 'user_cancelled' ? 'cancel' : 'pay',
    });
    if (window.result.type === 'fail') {
      const { code, message } = window.result.query;
      // Toss keeps no record the merchant can look up: the fail redirect carries no paymentKey.
      if (action === 'user_cancelled') throw new Error(`Toss has no record of a payment cancelled in its window (failUrl code ${String(code)}, no paymentKey)`);
      throw new GatewayRejectedError(String(message), String(code));
    }
    const paymentKey = String(window.result.query.paymentKey);
    const confirm = await this.api('/v1/payments/confirm', { paymentKey, orderId: payment.merchantUid, amount: payment.amount });
    if (confirm.status === 200 || action === 'declined') return paymentKey;
    throw new GatewayRejectedError(String(confirm.body.message), String(confirm.body.code));
  }

  /** The handle a payment with `customerUid` left (Toss's billing key is issued, not chosen). */
  billingHandleOf(customerUid: string): string | undefined {
    return this.handles.get(customerUid);
  }

  async setCardDeclines(customerUid: string, declines: boolean): Promise<void> {
    const handle = this.handles.get(customerUid);
    if (!handle) throw new Error(`no billing key was issued for ${customerUid}`);
    const billingKey = handle.slice(handle.indexOf(':') + 1);
    await this.post(`/__sandbox/billing/${encodeURIComponent(billingKey)}/card`, { card: declines ? 'insufficient' : 'success' });
  }

  private async payWithBillingKey(payment: BuyerPayment, customerKey: string): Promise<string> {
    const window = await this.post<TossWindowAnswer>('/__sandbox/billing-auth', {
      clientKey: this.keys.clientKey,
      params: { customerKey, successUrl: 'http://127.0.0.1/billing/success', failUrl: 'http://127.0.0.1/billing/fail' },
      card: payment.action === 'declined' ? 'declined' : 'success',
      action: payment.action === 'user_cancelled' ? 'cancel' : 'pay',
    });
    const q = window.result.query;
    if (window.result.type === 'fail') throw new GatewayRejectedError(String(q.message), String(q.code));
    const issued = await this.api('/v1/billing/authorizations/issue', { authKey: q.authKey, customerKey });
    if (issued.status !== 200) throw new GatewayRejectedError(String(issued.body.message), String(issued.body.code));
    const billingKey = String(issued.body.billingKey);
    this.handles.set(customerKey, `${customerKey}:${billingKey}`);
    const charged = await this.api(`/v1/billing/${encodeURIComponent(billingKey)}`, {
      customerKey, amount: payment.amount, orderId: payment.merchantUid, orderName: 'memberpay test',
    });
    if (charged.status !== 200) throw new GatewayRejectedError(String(charged.body.message), String(charged.body.code));
    return String(charged.body.paymentKey);
  }

  /** The app's server side: Toss's REST API with Basic auth. */
  private async api(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(this.sandboxUrl + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${this.keys.secretKey}:`).toString('base64')}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(3000),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

}

interface TossWindowAnswer {
  result: { type: 'success' | 'fail'; query: Record<string, string | number> };
  redirect: string | null;
}

/**
 * Drives a PortOne V2 sandbox (src/sandbox/portone) over HTTP, as the browser SDK's PG window does.
 * The paymentId is the merchant_uid, so "the buyer pays" answers it. Paying with a customer_uid is
 * V2's requestIssueBillingKeyAndPay: PortOne issues the billing key (it is not the customer_uid),
 * so the driver keeps the key it got for each customer_uid.
 */
export class PortOneSandboxGatewayDriver extends SandboxDriver implements GatewayDriver {
  /** customer_uid -> the billing key PortOne issued with that customer's first payment. */
  private readonly billingKeys = new Map<string, string>();

  constructor(sandboxUrl: string, private readonly client: { storeId: string; channelKey: string }) {
    super(sandboxUrl);
  }

  async buyerPays(payment: BuyerPayment): Promise<string> {
    const action = payment.action ?? 'paid';
    const transactionType = payment.customerUid ? 'ISSUE_BILLING_KEY_AND_PAY' : 'PAYMENT';
    const { result } = await this.post<{ result: Record<string, string | undefined> }>('/__sandbox/window/submit', {
      transactionType,
      request: {
        ...this.client, paymentId: payment.merchantUid, orderName: 'memberpay test', totalAmount: payment.amount, currency: 'KRW',
        payMethod: 'CARD', billingKeyMethod: 'CARD',
        customer: { customerId: payment.customerUid, fullName: 'Test Buyer', email: 'buyer@example.test' },
      },
      card: action === 'declined' ? 'declined' : 'success',
      action: action === 'user_cancelled' ? 'cancel' : 'pay',
    });
    // No txId = refused before the window opened; PortOne holds no attempt.
    if (!result.txId) throw new GatewayRejectedError(result.message ?? 'refused before the window opened', result.code ?? null);
    if (payment.customerUid && result.billingKey) this.billingKeys.set(payment.customerUid, result.billingKey);
    return result.paymentId as string;
  }

  /** The billing key a payment with `customerUid` left (V2's key is issued, not chosen). */
  billingKeyOf(customerUid: string): string | undefined {
    return this.billingKeys.get(customerUid);
  }

  async setCardDeclines(customerUid: string, declines: boolean): Promise<void> {
    const billingKey = this.billingKeys.get(customerUid) ?? customerUid;
    await this.post(`/__sandbox/billing-keys/${encodeURIComponent(billingKey)}/card`, { card: declines ? 'insufficient' : 'success' });
  }
}
