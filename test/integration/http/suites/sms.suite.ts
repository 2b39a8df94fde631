import { expect } from 'chai';
import type { RunRenewals } from '../../../../src/billing/application/run-renewals.use-case';
import { BILLING } from '../../../../src/billing/billing.tokens';
import type { ApiClient, HttpHarness } from '../../../support/http-app';
import { type SmsSandbox, startSmsSandbox } from '../../../support/sms-sandbox';
import { checkoutAndPay, type HarnessFactory } from './harness';

const ADMIN_TOKEN = 'sms-admin-token-0123456789abcdef';
const SMS_API_KEY = 'sms-provider-key-0123456789';
const DAY = 24 * 60 * 60 * 1000;

/** Issue 21 item 2: the consent request reaches the member's phone through the HTTP SMS adapter (SMS_URL). */
export function smsSuite(start: HarnessFactory): void {
  describe('consent requests by SMS through the configured provider (SMS_URL, SMS_API_KEY)', () => {
    let h: HttpHarness;
    let provider: SmsSandbox;
    let buyer: ApiClient;
    beforeEach(async () => {
      provider = await startSmsSandbox();
      h = await start({ env: { ADMIN_TOKEN, SMS_URL: provider.url, SMS_API_KEY } });
      buyer = h.client();
      await buyer.signUp({ name: 'Kim Buyer', phone: '010-1234-5678' });
    });
    afterEach(async () => {
      await h.close();
      await provider.close();
    });

    async function priceRiseBeforeRenewal() {
      const { merchantUid, gatewayPaymentId } = await checkoutAndPay(h, buyer, 'paid', { plan: 'monthly', auto_renew: true });
      const paid = await buyer.post('/api/payment/validation', { merchant_uid: merchantUid, imp_uid: gatewayPaymentId });
      expect(paid.status, paid.text).to.equal(200);
      const end = new Date(paid.body.membership.current_period_end as string);
      const scheduled = await h.client().post('/api/admin/plans/monthly/price', { amount: 12900, effective_at: new Date(end.getTime() - 5 * DAY).toISOString() }, { Authorization: `Bearer ${ADMIN_TOKEN}` });
      expect(scheduled.status, scheduled.text).to.equal(201);
      await h.container.get<RunRenewals>(BILLING.RunRenewals).execute();
    }

    it('the consent request reaches the provider once, addressed to the member\'s phone in E.164, with both prices, and the key as bearer', async () => {
      await priceRiseBeforeRenewal();
      expect(provider.messages).to.have.length(1);
      const [message] = provider.messages;
      expect(message.to).to.equal('+821012345678');
      expect(message.text).to.include('₩12,900').and.to.include('₩9,900');
      expect(message.authorization).to.equal(`Bearer ${SMS_API_KEY}`);
      expect((await buyer.get('/api/membership/consents')).body.consents).to.have.length(1);
    });

    it('a provider answering 503: nothing is sent, and the request still waits on the member\'s page (and in the e-mail)', async () => {
      provider.answerWith(503);
      await priceRiseBeforeRenewal();
      expect(provider.messages).to.deep.equal([]);
      const list = await buyer.get('/api/membership/consents');
      expect(list.body.consents.map((c: { status: string; new_amount: number }) => [c.status, c.new_amount])).to.deep.equal([['pending', 12900]]);
      expect(h.parts.notifier.sent.filter((n) => n.kind === 'consent_request')).to.have.length(1);
    });
  });
}
