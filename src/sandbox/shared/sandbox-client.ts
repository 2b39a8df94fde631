// What `npm run cli -- sandbox ...` asks of a PG sandbox over HTTP: its window (the buyer paying), and
// its control panel (stored cards, notices, fault knobs, reset). Each PG's client lives in the PG's
// folder and is a member of its GatewayModule; the CLI reaches the configured one through the registry.

/** The test cards every sandbox knows (each maps them to its own card numbers). */
export type TestCard = 'success' | 'declined' | 'limit' | 'insufficient';
export const TEST_CARD_NAMES: readonly TestCard[] = ['success', 'declined', 'limit', 'insufficient'];

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

export abstract class SandboxClient {
  /**
   * @param url where the app's gateway adapter reaches the sandbox (in the app or standalone)
   * @param name the sandbox's name: its state file is `<name>-sandbox.jsonl`
   * @param inApp the sandbox answers inside the app (its state file lies beside the app's database)
   */
  constructor(readonly url: string, readonly name: string, readonly inApp: boolean) {}

  /** The buyer pays `order` in the window with `card`. */
  abstract payInWindow(order: OpenOrder, card: TestCard): Promise<WindowResult>;
  /** The stored card behind an app billing key approves (`success`) or declines on its next charges. */
  abstract setStoredCard(billingKey: string, card: TestCard): Promise<void>;
  /** The sandbox sends the PG's notice of an order again (`status`: a stale or forged one, where the PG's notice carries a status). */
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
