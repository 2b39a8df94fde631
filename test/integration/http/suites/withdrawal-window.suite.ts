import { expect } from 'chai';
import type { RunRenewals } from '../../../../src/billing/application/run-renewals.use-case';
import { BILLING } from '../../../../src/billing/billing.tokens';
import type { ApiClient, HttpHarness } from '../../../support/http-app';
import { checkoutAndPay, type HarnessFactory } from './harness';

const DAY = 24 * 60 * 60 * 1000;

/** Issue 21 item 3: every paid charge, first or renewal, has its own 7-day full-refund window; after it, the plan's own fee. */
export function withdrawalWindowSuite(start: HarnessFactory): void {
  describe('a withdrawal window per charge (GET /api/membership/refund-quote, POST /api/membership/cancel)', () => {
    let h: HttpHarness;
    let buyer: ApiClient;
    beforeEach(async () => {
      h = await start();
      buyer = h.client();
      await buyer.signUp({ name: 'Kim Buyer' });
    });
    afterEach(async () => {
      await h.close();
    });

    async function buy(plan: string, autoRenew = false) {
      const { merchantUid, gatewayPaymentId } = await checkoutAndPay(h, buyer, 'paid', { plan, auto_renew: autoRenew });
      const res = await buyer.post('/api/payment/validation', { merchant_uid: merchantUid, imp_uid: gatewayPaymentId });
      expect(res.status, res.text).to.equal(200);
      return { merchantUid, paidAt: new Date(res.body.payment.paid_at), periodEnd: new Date(res.body.membership.current_period_end) };
    }
    const later = (ms: number) => h.parts.clock.freezeAt(new Date(h.parts.clock.now().getTime() + ms));

    it('the renewal charge opens its own window: the quote names its end, and a cancel inside it refunds the renewal in full', async () => {
      const first = await buy('monthly', true);
      const quoted = (await buyer.get('/api/membership/refund-quote')).body;
      expect(quoted.withdrawal_ends_at).to.equal(new Date(first.paidAt.getTime() + 7 * DAY).toISOString());

      h.parts.clock.freezeAt(new Date(first.periodEnd.getTime() + 60_000));
      expect(await h.container.get<RunRenewals>(BILLING.RunRenewals).execute()).to.include({ charged: 1 });
      const renewal = ((await buyer.get('/api/payments')).body.payments as any[]).find((p) => p.merchant_uid !== first.merchantUid);
      later(6 * DAY);
      const quote = (await buyer.get('/api/membership/refund-quote')).body;
      expect(quote).to.include({ refundable: 9900, rule: 'withdrawal_period' });
      expect(quote.withdrawal_ends_at).to.equal(new Date(new Date(renewal.paid_at).getTime() + 7 * DAY).toISOString());
      expect(quote.purchases.map((p: any) => [p.merchant_uid, p.paid_at, p.withdrawal_ends_at])).to.deep.equal([[renewal.merchant_uid, renewal.paid_at, quote.withdrawal_ends_at]]);

      const cancel = await buyer.post('/api/membership/cancel', { refund: true });
      expect(cancel.status, cancel.text).to.equal(200);
      expect(cancel.body.refund).to.deep.equal({ amount: 9900, status: 'refunded' });
    });

    it('each charge\'s receipt (first and renewal) states its own withdrawal deadline, supply value and VAT, approval number and time, the masked card and the seller', async () => {
      const first = await buy('monthly', true);
      h.parts.clock.freezeAt(new Date(first.periodEnd.getTime() + 60_000));
      expect(await h.container.get<RunRenewals>(BILLING.RunRenewals).execute()).to.include({ charged: 1 });
      const payments = ((await buyer.get('/api/payments')).body.payments as any[]).sort((a, b) => a.paid_at.localeCompare(b.paid_at));
      const receipts = h.parts.notifier.sent.filter((n) => n.kind === 'receipt');
      expect(receipts).to.have.length(2);
      const kst = (at: string) => new Date(new Date(at).getTime() + 9 * 60 * 60 * 1000).toISOString().slice(0, 16).replace('T', ' ');
      receipts.forEach((receipt, i) => {
        const lines = receipt.text.split('\n');
        const paidAt = payments[i].paid_at as string;
        expect(lines).to.include.members([
          '상호: 주식회사 멤버페이', '사업자등록번호: 123-45-67890', '상품: 월간 멤버십',
          '금액: ₩9,900 (부가세 ₩900 포함)', '공급가액: ₩9,000', '부가세: ₩900',
          `승인일시: ${kst(paidAt)} (KST)`, '카드번호: 536148******1234', `PG 거래번호: ${payments[i].imp_uid}`,
          `청약철회: ${kst(new Date(new Date(paidAt).getTime() + 7 * DAY).toISOString())} (KST)까지 해지하면 이용 여부와 관계없이 이 결제 금액 전액을 환불합니다.`,
        ]);
        expect(lines.some((l) => /^승인번호: \d{8}$/.test(l)), receipt.text).to.equal(true);
        expect(receipt.text).not.to.match(/\d{13,}/);
      });
    });

    it('after the window the plan\'s own fee applies: none on the monthly plan, 10% of the unused part on the annual one', async () => {
      await buy('monthly');
      later(15 * DAY);
      expect((await buyer.get('/api/membership/refund-quote')).body).to.include({ refundable: 4950, rule: 'pro_rata_less_fee', used_days: 15 });
      expect((await buyer.post('/api/membership/cancel', { refund: true })).body.refund).to.deep.equal({ amount: 4950, status: 'refunded' });

      await buy('annual');
      later(100 * DAY);
      expect((await buyer.get('/api/membership/refund-quote')).body).to.include({ refundable: 64689, rule: 'pro_rata_less_fee', used_days: 100 });
    });
  });
}
