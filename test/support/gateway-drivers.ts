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

/** Drives an Iamport sandbox (src/sandbox/iamport) over HTTP, as the SDK's PG window and its control panel. */
export class SandboxGatewayDriver implements GatewayDriver {
  constructor(private readonly sandboxUrl: string, private readonly impCode = 'imp_sandbox') {}

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

  async failNextCall(): Promise<void> {
    await this.post('/__sandbox/control', { failNext: ADAPTER_READ_TRIES });
  }

  async hangNextCall(): Promise<void> {
    await this.post('/__sandbox/control', { hangNext: 1 });
  }

  async clearFaults(): Promise<void> {
    await this.post('/__sandbox/control', { failNext: 0, hangNext: 0 });
  }

  private async post<T = unknown>(path: string, body: unknown): Promise<T> {
    const res = await fetch(this.sandboxUrl + path, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(3000),
    });
    if (!res.ok) throw new Error(`sandbox ${path} answered HTTP ${res.status}: ${await res.text()}`);
    return (await res.json()) as T;
  }
}
