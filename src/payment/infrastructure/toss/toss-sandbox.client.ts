// The CLI's hands on the Toss sandbox (`npm run cli -- sandbox ...`). Toss's window only authenticates
// the card: the page then asks the server to confirm (or to issue a billing key and charge it).
import { type NoticeSent, type OpenOrder, SandboxClient, type TestCard, type WindowResult } from '../../../sandbox/shared/sandbox-client';

export class TossSandboxClient extends SandboxClient {
  constructor(url: string, inApp: boolean, private readonly clientKey: string, private readonly returnUrl: string) {
    super(url, 'toss', inApp);
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
