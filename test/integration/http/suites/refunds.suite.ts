import { expect } from 'chai';
import sinon from 'sinon';
import { MemoryNotifier } from '../../../../src/shared/infrastructure/memory/memory-notifier';
import { SHARED } from '../../../../src/shared/shared.tokens';
import type { ApiClient, HttpHarness } from '../../../support/http-app';
import { checkoutAndPay, expectError, type HarnessFactory } from './harness';

const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';
const ADMIN = { Authorization: `Bearer ${ADMIN_TOKEN}` };

/** DESIGN §6 "Refund outcomes": refunded 200, refused 502 with nothing changed, unknown 202 settled by the reconciler. */
export function refundOutcomesSuite(start: HarnessFactory): void {
  describe('refund outcomes', () => {
    let h: HttpHarness;
    let buyer: ApiClient;
    let notifier: MemoryNotifier;
    beforeEach(async () => {
      h = await start({ env: { ADMIN_TOKEN } });
      notifier = new MemoryNotifier();
      h.container.rebind(SHARED.Notifier).toConstantValue(notifier);
      buyer = h.client();
      await buyer.signUp({ name: 'Kim Buyer' });
    });
    afterEach(async () => {
      sinon.restore();
      await h.close();
    });

    async function buyMonthly() {
      const { merchantUid, gatewayPaymentId } = await checkoutAndPay(h, buyer);
      const res = await buyer.post('/api/payment/validation', { imp_uid: gatewayPaymentId, merchant_uid: merchantUid });
      expect(res.status, res.text).to.equal(200);
      return { merchantUid, gatewayPaymentId };
    }
    const paymentOf = async (merchantUid: string) => ((await buyer.get('/api/payments')).body.payments as any[]).find((p) => p.merchant_uid === merchantUid);

    it('refused by the gateway: 502 gateway_rejected, the membership still active, the refund kept as rejected', async () => {
      const { merchantUid } = await buyMonthly();
      const before = (await buyer.get('/api/me')).body.membership;
      h.parts.gateway.scriptNext('cancel', 'rejected', '취소할 결제건이 존재하지 않습니다.');
      const res = await buyer.post('/api/membership/cancel', { refund: true });
      expectError(res, 502, 'gateway_rejected');
      expect(res.body.error.message).to.equal('취소할 결제건이 존재하지 않습니다.');
      expect(res.body.error.details).to.deep.include({ refunded_amount: 0 });
      const me = (await buyer.get('/api/me')).body;
      expect(me.payment_status).to.equal('on');
      expect(me.membership).to.deep.equal(before);
      expect(me.membership).to.include({ status: 'active', ended_at: null });
      const payment = await paymentOf(merchantUid);
      expect(payment).to.include({ status: 'paid', cancelled_amount: 0 });
      expect(payment.refunds).to.have.length(1);
      expect(payment.refunds[0]).to.include({ amount: 9900, status: 'rejected', reason: 'cancelled with refund by the member' });
      expect(payment.refunds[0].settled_at).to.be.a('string');
      expect(payment.refunds[0]).to.have.all.keys('amount', 'status', 'reason', 'requested_at', 'settled_at');
    });

    it('refused, then tried again: 200 refunded, the membership cancelled with the time it ended', async () => {
      const { merchantUid } = await buyMonthly();
      h.parts.gateway.scriptNext('cancel', 'rejected', 'try later');
      expectError(await buyer.post('/api/membership/cancel', { refund: true }), 502, 'gateway_rejected');
      const res = await buyer.post('/api/membership/cancel', { refund: true });
      expect(res.status, res.text).to.equal(200);
      expect(res.body.works).to.equal(true);
      expect(res.body.refund).to.deep.equal({ amount: 9900, status: 'refunded' });
      expect(res.body.membership).to.include({ status: 'cancelled', ended_at: h.parts.clock.now().toISOString() });
      const payment = await paymentOf(merchantUid);
      expect(payment).to.include({ status: 'cancelled', cancelled_amount: 9900 });
      expect(payment.refunds.map((r: any) => r.status)).to.deep.equal(['rejected', 'refunded']);
    });

    it('gateway silent: 202 works:false pending, access ends now; the reconciler settles it to refunded', async () => {
      const { merchantUid } = await buyMonthly();
      h.parts.gateway.scriptNext('cancel', 'unknown');
      const res = await buyer.post('/api/membership/cancel', { refund: true });
      expect(res.status, res.text).to.equal(202);
      expect(res.body.works).to.equal(false);
      expect(res.body.refund).to.deep.equal({ amount: 9900, status: 'pending' });
      expect(res.body.membership.status).to.equal('cancelled');
      expect((await paymentOf(merchantUid)).refunds.map((r: any) => r.status)).to.deep.equal(['pending']);
      expect((await h.client().get('/api/admin/refunds?status=pending', ADMIN)).body.refunds.map((r: any) => r.merchant_uid)).to.deep.equal([merchantUid]);

      const reconcile = await h.client().post('/api/admin/reconcile', {}, ADMIN);
      expect(reconcile.status, reconcile.text).to.equal(200);
      const payment = await paymentOf(merchantUid);
      expect(payment).to.include({ status: 'cancelled', cancelled_amount: 9900 });
      expect(payment.refunds.map((r: any) => r.status)).to.deep.equal(['refunded']);
      expect((await h.client().get('/api/admin/refunds?status=pending', ADMIN)).body.refunds).to.deep.equal([]);
      expect(notifier.sent.filter((n) => n.kind === 'refund_rejected')).to.deep.equal([]);
    });

    it('a pending refund that ends refused: listed by GET /api/admin/refunds?status=rejected, never shown as refunded, one notice', async () => {
      const { merchantUid } = await buyMonthly();
      h.parts.gateway.scriptNext('cancel', 'unknown');
      expect((await buyer.post('/api/membership/cancel', { refund: true })).status).to.equal(202);
      h.parts.gateway.scriptNext('cancel', 'rejected', '이미 정산된 거래입니다.');
      expect((await h.client().post('/api/admin/reconcile', {}, ADMIN)).status).to.equal(200);
      expect((await h.client().post('/api/admin/reconcile', {}, ADMIN)).status).to.equal(200);

      const listed = await h.client().get('/api/admin/refunds?status=rejected', ADMIN);
      expect(listed.status, listed.text).to.equal(200);
      expect(listed.body.refunds).to.have.length(1);
      expect(listed.body.refunds[0]).to.include({
        merchant_uid: merchantUid, amount: 9900, status: 'rejected', requested_by: 'user', gateway_message: '이미 정산된 거래입니다.',
      });
      expect(listed.body.refunds[0]).to.have.all.keys('merchant_uid', 'amount', 'status', 'reason', 'requested_by', 'requested_at', 'settled_at', 'gateway_message');
      expect((await h.client().get('/api/admin/refunds?status=refunded', ADMIN)).body.refunds).to.deep.equal([]);
      expectError(await h.client().get('/api/admin/refunds?status=done', ADMIN), 400, 'invalid_request');
      expect(await paymentOf(merchantUid)).to.include({ status: 'paid', cancelled_amount: 0 });

      const notices = notifier.sent.filter((n) => n.kind === 'refund_rejected');
      expect(notices).to.have.length(1);
      expect(notices[0].text).to.include('이미 정산된 거래입니다.');
    });

    it('admin refunds follow the same three outcomes: 502 refused, 202 pending, 200 refunded', async () => {
      const { merchantUid } = await buyMonthly();
      const path = `/api/admin/payments/${merchantUid}/refund`;
      h.parts.gateway.scriptNext('cancel', 'rejected', 'refused');
      expectError(await h.client().post(path, { amount: 1000, reason: 'goodwill' }, ADMIN), 502, 'gateway_rejected');
      h.parts.gateway.scriptNext('cancel', 'unknown');
      const pending = await h.client().post(path, { amount: 1000, reason: 'goodwill' }, ADMIN);
      expect(pending.status, pending.text).to.equal(202);
      expect(pending.body).to.include({ works: false });
      expect(pending.body.refund).to.deep.equal({ amount: 1000, status: 'pending' });
      await h.client().post('/api/admin/reconcile', {}, ADMIN);
      const done = await h.client().post(path, { amount: 2000, reason: 'goodwill' }, ADMIN);
      expect(done.status, done.text).to.equal(200);
      expect(done.body.refund).to.deep.equal({ amount: 2000, status: 'refunded' });
      expect(done.body.payment.refunds.map((r: any) => [r.amount, r.status])).to.deep.equal([[1000, 'rejected'], [1000, 'refunded'], [2000, 'refunded']]);
      expect(done.body.payment.cancelled_amount).to.equal(3000);
    });

    it('an operator refunding one purchase of an extended membership takes back only its months; the other purchase stays paid for', async () => {
      const annual = await checkoutAndPay(h, buyer, 'paid', { plan: 'annual' });
      expect((await buyer.post('/api/payment/validation', { imp_uid: annual.gatewayPaymentId, merchant_uid: annual.merchantUid })).status).to.equal(200);
      const afterAnnual = (await buyer.get('/api/me')).body.membership;
      const monthly = await buyMonthly();
      const extended = (await buyer.get('/api/me')).body.membership;
      expect(extended.current_period_end > afterAnnual.current_period_end).to.equal(true);

      const refunded = await h.client().post(`/api/admin/payments/${monthly.merchantUid}/refund`, { reason: 'goodwill' }, ADMIN);
      expect(refunded.status, refunded.text).to.equal(200);
      expect(refunded.body.payment).to.include({ status: 'cancelled', cancelled_amount: 9900 });
      const me = (await buyer.get('/api/me')).body;
      expect(me.payment_status, 'the year bought first is still paid for').to.equal('on');
      expect(me.membership).to.include({ status: 'active', ended_at: null, current_period_end: afterAnnual.current_period_end });

      // The year refunded too: nothing paid for is left, so access ends now.
      const second = await h.client().post(`/api/admin/payments/${annual.merchantUid}/refund`, { reason: 'goodwill' }, ADMIN);
      expect(second.status, second.text).to.equal(200);
      const ended = (await buyer.get('/api/me')).body;
      expect(ended.payment_status).to.equal('off');
      expect(ended.membership.status).to.equal('cancelled');
    });

    it('an operator refunding the first purchase of an extended membership keeps the later one: the membership runs for its months', async () => {
      const monthly = await buyMonthly();
      const afterMonthly = (await buyer.get('/api/me')).body.membership;
      const second = await buyMonthly();
      expect(second.merchantUid).to.not.equal(monthly.merchantUid);

      const refunded = await h.client().post(`/api/admin/payments/${monthly.merchantUid}/refund`, { reason: 'goodwill' }, ADMIN);
      expect(refunded.status, refunded.text).to.equal(200);
      const me = (await buyer.get('/api/me')).body;
      expect(me.payment_status).to.equal('on');
      expect(me.membership).to.include({ status: 'active', current_period_end: afterMonthly.current_period_end });
      const quote = (await buyer.get('/api/membership/refund-quote')).body;
      expect(quote.purchases.map((p: any) => p.merchant_uid), 'only the purchase still paid for is refundable').to.deep.equal([second.merchantUid]);
    });

    it('the refund quote names the rule that applies and why, in Korean', async () => {
      await buyMonthly();
      const quote = await buyer.get('/api/membership/refund-quote');
      expect(quote.status).to.equal(200);
      expect(quote.body).to.include({ refundable: 9900, rule: 'withdrawal_period', rule_name: '청약철회 기간 (결제 후 7일 이내)', used_days: 0, total_days: 30 });
      expect(quote.body.rule_reason).to.match(/7일 이내.*전액/);
    });

    it('the refund quote speaks English with ?lang=en or an English Accept-Language (the page passes its language on)', async () => {
      await buyMonthly();
      const asked = await buyer.get('/api/membership/refund-quote?lang=en');
      expect(asked.status).to.equal(200);
      expect(asked.body).to.include({ refundable: 9900, rule: 'withdrawal_period', rule_name: 'Withdrawal period (within 7 days of payment)' });
      expect(asked.body.rule_reason).to.match(/within 7 days.*whole amount/);
      expect(asked.body.purchases[0]).to.include({ rule_name: 'Withdrawal period (within 7 days of payment)' });
      const browser = await buyer.get('/api/membership/refund-quote', { 'accept-language': 'en-US,en;q=0.9' });
      expect(browser.body.rule_name).to.equal('Withdrawal period (within 7 days of payment)');
    });

    it('a charge of another amount handed back: cancelled_amount is what was returned, and the return is in refunds[]', async () => {
      sinon.stub(h.parts.gateway, 'prepare').resolves(); // the PG did not lock the amount
      const checkout = await buyer.post('/api/payment/checkout', { plan: 'monthly' });
      const merchantUid = checkout.body.merchant_uid;
      const gatewayPaymentId = h.parts.gateway.buyerPays({ merchantUid, amount: 100 });
      const res = await buyer.post('/api/payment/validation', { imp_uid: gatewayPaymentId, merchant_uid: merchantUid });
      expectError(res, 422, 'amount_mismatch');
      expect(h.parts.gateway.peek(gatewayPaymentId)?.cancelledAmount, 'returned at the gateway').to.equal(100);
      const payment = await paymentOf(merchantUid);
      expect(payment).to.include({ status: 'failed', failure_code: 'amount_mismatch', cancelled_amount: 100 });
      expect(payment.refunds.map((r: any) => ({ amount: r.amount, status: r.status, reason: r.reason }))).to.deep.equal([{ amount: 100, status: 'refunded', reason: 'amount_mismatch' }]);
    });
  });
}
