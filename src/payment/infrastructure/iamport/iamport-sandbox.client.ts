// The CLI's hands on the Iamport sandbox (`npm run cli -- sandbox ...`): its window and control routes.
import { type NoticeSent, type OpenOrder, SandboxClient, type TestCard, type WindowResult } from '../../../sandbox/shared/sandbox-client';

export class IamportSandboxClient extends SandboxClient {
  constructor(url: string, inApp: boolean, private readonly impCode: string, private readonly pg: string) {
    super(url, 'iamport', inApp);
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
