import { expect } from 'chai';
import sinon from 'sinon';
import type { ApiClient, HttpHarness } from '../../../support/http-app';
import { checkoutAndPay, expectError, type HarnessFactory } from './harness';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const PAYMENT_KEYS = ['merchant_uid', 'imp_uid', 'plan', 'amount', 'status', 'failure_code', 'failure_message', 'cancelled_amount', 'paid_at', 'created_at', 'gateway', 'refunds'];
const MEMBERSHIP_KEYS = ['id', 'plan', 'status', 'current_period_start', 'current_period_end', 'auto_renew', 'cancel_at_period_end', 'next_charge_at', 'ended_at', 'trial_ends_at'];

export function paymentsSuite(start: HarnessFactory): void {
  describe('payments', () => {
    let h: HttpHarness;
    let buyer: ApiClient;
    beforeEach(async () => {
      h = await start();
      buyer = h.client();
      await buyer.signUp({ name: 'Kim Buyer' });
    });
    afterEach(async () => {
      sinon.restore();
      await h.close();
    });

    describe('GET /api/plans', () => {
      it('lists the catalog without a login, plan names in Korean, each with its refund terms (config/refund-policy.json)', async () => {
        const res = await h.client().get('/api/plans');
        expect(res.status).to.equal(200);
        expect(res.body.works).to.equal(true);
        expect(res.body.plans).to.deep.equal([
          { id: 'monthly', name: '월간 멤버십', amount: 9900, currency: 'KRW', interval: 'month', interval_count: 1, refund_policy: { withdrawal_days: 7, fee_percent: 0 } },
          { id: 'annual', name: '연간 멤버십', amount: 99000, currency: 'KRW', interval: 'year', interval_count: 1, refund_policy: { withdrawal_days: 7, fee_percent: 10 } },
        ]);
      });

      it('names the plans in English with ?lang=en or an English Accept-Language, in Korean otherwise', async () => {
        const names = (res: { body: any }) => res.body.plans.map((p: any) => p.name);
        expect(names(await h.client().get('/api/plans?lang=en'))).to.deep.equal(['Monthly membership', 'Annual membership']);
        expect(names(await h.client().get('/api/plans', { 'Accept-Language': 'en-US,en;q=0.9' }))).to.deep.equal(['Monthly membership', 'Annual membership']);
        expect(names(await h.client().get('/api/plans', { 'Accept-Language': 'ko-KR,ko;q=0.9,en;q=0.8' }))).to.deep.equal(['월간 멤버십', '연간 멤버십']);
        // ?lang= wins over the header; an unknown one is ignored.
        expect(names(await h.client().get('/api/plans?lang=ko', { 'Accept-Language': 'en' }))).to.deep.equal(['월간 멤버십', '연간 멤버십']);
        expect(names(await h.client().get('/api/plans?lang=fr'))).to.deep.equal(['월간 멤버십', '연간 멤버십']);
      });
    });

    describe('POST /api/payment/checkout', () => {
      it('answers 201 with what IMP.request_pay needs, priced by the server', async () => {
        const res = await buyer.post('/api/payment/checkout', { plan: 'monthly', amount: 1 });
        expect(res.status).to.equal(201);
        expect(res.body).to.have.all.keys('works', 'gateway', 'merchant_uid', 'amount', 'name', 'buyer_name', 'buyer_email', 'pg', 'pay_method', 'imp_code', 'period_start', 'period_end', 'client');
        expect(res.body.gateway).to.equal('iamport');
        // DESIGN §6: the configured PG's parameters for its browser SDK, besides the existing fields.
        expect(res.body.client).to.deep.equal({ imp_code: 'imp_sandbox' });
        expect(res.body).to.include({ works: true, amount: 9900, name: '월간 멤버십', buyer_name: 'Kim Buyer', pg: 'html5_inicis', pay_method: 'card', imp_code: 'imp_sandbox' });
        expect(res.body.merchant_uid).to.be.a('string').with.length.at.most(40);
        const [payment] = (await buyer.get('/api/payments')).body.payments;
        expect(payment).to.include({ merchant_uid: res.body.merchant_uid, status: 'await', amount: 9900, plan: 'monthly' });
      });

      it('accepts the seed alias `type` for pay_method and answers customer_uid only with auto_renew', async () => {
        const res = await buyer.post('/api/payment/checkout', { plan: 'annual', type: 'trans', auto_renew: true });
        expect(res.status).to.equal(201);
        expect(res.body).to.include({ pay_method: 'trans', amount: 99000 });
        expect(res.body.customer_uid).to.be.a('string');
      });

      it('refuses an unknown plan with 400 unknown_plan and creates nothing (seed case 1)', async () => {
        expectError(await buyer.post('/api/payment/checkout', { plan: 'lifetime' }), 400, 'unknown_plan');
        expect((await buyer.get('/api/payments')).body.payments).to.deep.equal([]);
      });

      it('answers 502 gateway_rejected when the gateway refuses the prepare (the payment ends failed, seed case 3)', async () => {
        h.parts.gateway.scriptNext('prepare', 'rejected', 'duplicate merchant_uid');
        expectError(await buyer.post('/api/payment/checkout', { plan: 'monthly' }), 502, 'gateway_rejected');
        const [payment] = (await buyer.get('/api/payments')).body.payments;
        expect(payment).to.include({ status: 'failed', failure_code: 'prepare_rejected' });
      });

      describe('the period the order buys (period_start, period_end)', () => {
        /** Checkout, pay at the gateway, validate: the checkout's answer and the membership validation records. */
        async function buy(plan: string) {
          const { merchantUid, gatewayPaymentId, checkout } = await checkoutAndPay(h, buyer, 'paid', { plan });
          const validation = await buyer.post('/api/payment/validation', { imp_uid: gatewayPaymentId, merchant_uid: merchantUid });
          expect(validation.status, validation.text).to.equal(200);
          return { checkout: checkout.body, membership: validation.body.membership };
        }

        it('a first purchase: from now, and the membership ends where checkout said', async () => {
          const { checkout, membership } = await buy('monthly');
          expect(checkout.period_start).to.match(ISO);
          expect(checkout.period_start).to.equal(h.parts.clock.now().toISOString());
          expect(checkout.period_end).to.equal(membership.current_period_end);
          expect(membership.current_period_start).to.equal(checkout.period_start);
        });

        it('the same plan again while live: from the current end, and the extension ends where checkout said', async () => {
          const first = await buy('monthly');
          h.parts.clock.advance(3 * 86_400_000);
          const second = await buy('monthly');
          expect(second.checkout.period_start).to.equal(first.membership.current_period_end);
          expect(second.checkout.period_end).to.equal(second.membership.current_period_end);
          expect(new Date(second.checkout.period_end).getTime()).to.be.greaterThan(new Date(first.membership.current_period_end).getTime());
        });

        it('monthly, then annual: the year starts at the monthly end and the membership ends where checkout said', async () => {
          const first = await buy('monthly');
          const second = await buy('annual');
          expect(second.checkout.period_start).to.equal(first.membership.current_period_end);
          expect(second.checkout.period_end).to.equal(second.membership.current_period_end);
          expect(second.membership.plan).to.equal('annual');
          const months = (iso: string) => { const d = new Date(iso); return d.getUTCFullYear() * 12 + d.getUTCMonth(); };
          expect(months(second.checkout.period_end) - months(first.membership.current_period_start)).to.equal(13);
        });

        it('a replayed checkout (same Idempotency-Key) answers the same period', async () => {
          await buy('monthly');
          const key = { 'idempotency-key': 'period-replay-1' };
          const first = await buyer.post('/api/payment/checkout', { plan: 'annual' }, key);
          const again = await buyer.post('/api/payment/checkout', { plan: 'annual' }, key);
          expect(again.headers.get('idempotent-replayed')).to.equal('true');
          expect([again.body.period_start, again.body.period_end]).to.deep.equal([first.body.period_start, first.body.period_end]);
        });
      });

      it('answers 503 gateway_unavailable when the gateway does not answer', async () => {
        h.parts.gateway.scriptNext('prepare', 'unknown');
        expectError(await buyer.post('/api/payment/checkout', { plan: 'monthly' }), 503, 'gateway_unavailable');
      });
    });

    describe('receipts in the member\'s language (chosen at signup)', () => {
      /** Signs up with `headers` (the page's language), buys monthly and answers the receipt mailed. */
      async function receiptFor(path: string, headers: Record<string, string>) {
        const member = h.client();
        const email = `lang${Math.random().toString(36).slice(2, 10)}@example.com`;
        const signup = await member.request('POST', path, { json: { email, password: 'correct horse', name: '김구매' }, headers });
        expect(signup.status, signup.text).to.equal(201);
        const { merchantUid, gatewayPaymentId } = await checkoutAndPay(h, member);
        expect((await member.post('/api/payment/validation', { imp_uid: gatewayPaymentId, merchant_uid: merchantUid })).status).to.equal(200);
        const receipts = h.parts.notifier.sent.filter((n) => n.kind === 'receipt' && n.to === email);
        expect(receipts).to.have.length(1);
        return { receipt: receipts[0], merchantUid };
      }

      it('Korean by default: 상호, 결제일시 (KST), 금액 (₩), 결제수단 and 주문번호', async () => {
        const { receipt, merchantUid } = await receiptFor('/api/auth/signup', {});
        expect(receipt.subject).to.match(/^\[.+\] 멤버십 결제 영수증 \(월간 멤버십\)$/);
        expect(receipt.text).to.match(/^상호: \S/m);
        expect(receipt.text).to.contain(`주문번호: ${merchantUid}`);
        // TEST_NOW 09:00 UTC is 18:00 in Seoul.
        expect(receipt.text).to.contain('결제일시: 2026-11-25 18:00 (KST)');
        expect(receipt.text).to.contain('금액: ₩9,900 (부가세 ₩900 포함)');
        expect(receipt.text).to.contain('결제수단: 신용·체크카드');
      });

      it('an extension\'s receipt states the period that purchase bought: from the previous end', async () => {
        for (let n = 0; n < 2; n += 1) {
          const { merchantUid, gatewayPaymentId } = await checkoutAndPay(h, buyer);
          expect((await buyer.post('/api/payment/validation', { imp_uid: gatewayPaymentId, merchant_uid: merchantUid })).status).to.equal(200);
        }
        const me = (await buyer.get('/api/me')).body;
        const receipts = h.parts.notifier.sent.filter((n) => n.kind === 'receipt' && n.to === me.user.email).map((n) => n.text.match(/이용 기간: (.*)/)?.[1]);
        // TEST_NOW is 2026-11-25 18:00 in Seoul.
        expect(receipts).to.deep.equal(['2026-11-25 ~ 2026-12-25', '2026-12-25 ~ 2027-01-25']);
      });

      it('English for a member who signed up from an English page (Accept-Language or ?lang=en)', async () => {
        for (const [path, headers] of [['/api/auth/signup', { 'Accept-Language': 'en-US,en;q=0.9' }], ['/api/auth/signup?lang=en', {}]] as const) {
          const { receipt, merchantUid } = await receiptFor(path, headers);
          expect(receipt.subject).to.match(/^\[.+\] Your membership receipt \(Monthly membership\)$/);
          expect(receipt.text).to.contain(`Order no.: ${merchantUid}`);
          expect(receipt.text).to.contain('Amount: ₩9,900 (VAT ₩900 included)');
        }
      });
    });

    describe('POST /api/payment/validation', () => {
      it('marks a payment the gateway holds as paid paid, activates the membership, and /api/me turns on (seed case 5)', async () => {
        const { merchantUid, gatewayPaymentId } = await checkoutAndPay(h, buyer);
        const res = await buyer.post('/api/payment/validation', { imp_uid: gatewayPaymentId, merchant_uid: merchantUid, amount: 1, status: 'paid' });
        expect(res.status, res.text).to.equal(200);
        expect(res.body).to.include({ works: true, status: 'paid' });
        expect(res.body.payment).to.have.all.keys(...PAYMENT_KEYS);
        expect(res.body.payment).to.include({ merchant_uid: merchantUid, imp_uid: gatewayPaymentId, status: 'paid', amount: 9900, cancelled_amount: 0, failure_code: null, gateway: 'iamport' });
        expect(res.body.payment.paid_at).to.match(ISO);
        expect(res.body.payment.created_at).to.match(ISO);
        expect(res.body.membership).to.have.all.keys(...MEMBERSHIP_KEYS);
        expect(res.body.membership).to.include({ plan: 'monthly', status: 'active', auto_renew: false, cancel_at_period_end: false, next_charge_at: null });
        expect(res.body.membership.current_period_start).to.equal(res.body.payment.paid_at);
        expect(res.body.membership.current_period_end).to.match(ISO);
        const me = await buyer.get('/api/me');
        expect(me.body.payment_status).to.equal('on');
        expect(me.body.membership).to.deep.equal(res.body.membership);
      });

      it('accepts the seed aliases imp_id and merchant_id, and a replay of a validated payment stays paid', async () => {
        const { merchantUid, gatewayPaymentId } = await checkoutAndPay(h, buyer);
        const first = await buyer.post('/api/payment/validation', { imp_id: gatewayPaymentId, merchant_id: merchantUid });
        expect(first.status).to.equal(200);
        const again = await buyer.post('/api/payment/validation', { imp_id: gatewayPaymentId, merchant_id: merchantUid });
        expect(again.status).to.equal(200);
        expect(again.body.membership.id).to.equal(first.body.membership.id);
        expect(again.body.membership.current_period_end).to.equal(first.body.membership.current_period_end);
      });

      it('a paid auto_renew checkout answers a membership that renews at its period end', async () => {
        const { merchantUid, gatewayPaymentId } = await checkoutAndPay(h, buyer, 'paid', { plan: 'monthly', auto_renew: true });
        const res = await buyer.post('/api/payment/validation', { imp_uid: gatewayPaymentId, merchant_uid: merchantUid });
        expect(res.body.membership).to.include({ auto_renew: true });
        expect(res.body.membership.next_charge_at).to.equal(res.body.membership.current_period_end);
      });

      it('answers 422 failed/payment_not_paid for an imp_uid the gateway does not know, and changes nothing', async () => {
        const checkout = await buyer.post('/api/payment/checkout', { plan: 'monthly' });
        const res = await buyer.post('/api/payment/validation', { imp_uid: 'imp_forged', merchant_uid: checkout.body.merchant_uid });
        expectError(res, 422, 'payment_not_paid');
        expect(res.body.status).to.equal('failed');
        const [payment] = (await buyer.get('/api/payments')).body.payments;
        expect(payment.status).to.equal('await');
      });

      it('answers 422 payment_not_paid for an imp_uid of another order', async () => {
        const other = await checkoutAndPay(h, buyer);
        const checkout = await buyer.post('/api/payment/checkout', { plan: 'monthly' });
        const res = await buyer.post('/api/payment/validation', { imp_uid: other.gatewayPaymentId, merchant_uid: checkout.body.merchant_uid });
        expectError(res, 422, 'payment_not_paid');
        expect(res.body.status).to.equal('failed');
      });

      it('answers 422 payment_not_paid when the gateway holds the payment as failed, recording its failure (seed case 4)', async () => {
        const { merchantUid, gatewayPaymentId } = await checkoutAndPay(h, buyer, 'user_cancelled');
        const res = await buyer.post('/api/payment/validation', { imp_uid: gatewayPaymentId, merchant_uid: merchantUid });
        expectError(res, 422, 'payment_not_paid');
        expect(res.body.status).to.equal('failed');
        expect(res.body.payment).to.include({ status: 'failed', failure_code: 'user_cancelled' });
        expect((await buyer.get('/api/me')).body.payment_status).to.equal('off');
      });

      it('answers 422 amount_mismatch when the gateway charged another amount', async () => {
        const { merchantUid, gatewayPaymentId } = await checkoutAndPay(h, buyer);
        const gateway = h.parts.gateway;
        sinon.stub(gateway, 'settle').callsFake(async () => ({ ...gateway.peek(gatewayPaymentId)!, amount: 100 }));
        const res = await buyer.post('/api/payment/validation', { imp_uid: gatewayPaymentId, merchant_uid: merchantUid });
        expectError(res, 422, 'amount_mismatch');
        expect(res.body.status).to.equal('failed');
        expect(res.body.payment).to.include({ status: 'failed', failure_code: 'amount_mismatch' });
        expect((await buyer.get('/api/me')).body.membership).to.equal(null);
      });

      it('answers 202 pending (works:false) when the gateway cannot answer', async () => {
        const { merchantUid, gatewayPaymentId } = await checkoutAndPay(h, buyer);
        h.parts.gateway.scriptNext('settle', 'unknown');
        const res = await buyer.post('/api/payment/validation', { imp_uid: gatewayPaymentId, merchant_uid: merchantUid });
        expect(res.status).to.equal(202);
        expect(res.body).to.include({ works: false, status: 'pending' });
        expect(res.body.payment.status).to.equal('await');
      });

      it('answers 404 payment_not_found for an unknown merchant_uid', async () => {
        expectError(await buyer.post('/api/payment/validation', { imp_uid: 'imp_1', merchant_uid: 'mp_unknown' }), 404, 'payment_not_found');
      });
    });

    describe('POST /api/payment/failure', () => {
      it('without imp_uid the payment fails as window_closed (seed case 2)', async () => {
        const checkout = await buyer.post('/api/payment/checkout', { plan: 'monthly' });
        const res = await buyer.post('/api/payment/failure', { merchant_id: checkout.body.merchant_uid, error_code: 'F1002', error_msg: '사용자가 창을 닫았습니다' });
        expect(res.status).to.equal(200);
        expect(res.body).to.include({ works: true, status: 'failed' });
        expect(res.body.payment).to.include({ status: 'failed', failure_code: 'window_closed' });
      });

      it('with an imp_uid the gateway is asked first: its cancelled payment is user_cancelled (seed case 4)', async () => {
        const { merchantUid, gatewayPaymentId } = await checkoutAndPay(h, buyer, 'user_cancelled');
        const res = await buyer.post('/api/payment/failure', { merchant_uid: merchantUid, imp_uid: gatewayPaymentId, error_msg: 'cancelled' });
        expect(res.status).to.equal(200);
        expect(res.body.payment).to.include({ status: 'failed', failure_code: 'user_cancelled', imp_uid: gatewayPaymentId });
      });

      it('a declined card is card_declined', async () => {
        const { merchantUid, gatewayPaymentId } = await checkoutAndPay(h, buyer, 'declined');
        const res = await buyer.post('/api/payment/failure', { merchant_uid: merchantUid, imp_id: gatewayPaymentId });
        expect(res.body.payment).to.include({ status: 'failed', failure_code: 'card_declined' });
      });

      it('a "failed" report for a payment the gateway holds as paid is paid', async () => {
        const { merchantUid, gatewayPaymentId } = await checkoutAndPay(h, buyer);
        const res = await buyer.post('/api/payment/failure', { merchant_uid: merchantUid, imp_uid: gatewayPaymentId, error_msg: 'it failed, honest' });
        expect(res.status).to.equal(200);
        expect(res.body).to.include({ status: 'paid' });
        expect(res.body.payment.status).to.equal('paid');
        expect((await buyer.get('/api/me')).body.payment_status).to.equal('on');
      });

      it('answers 202 pending when the gateway cannot answer', async () => {
        const { merchantUid, gatewayPaymentId } = await checkoutAndPay(h, buyer);
        h.parts.gateway.scriptNext('getPayment', 'unknown');
        const res = await buyer.post('/api/payment/failure', { merchant_uid: merchantUid, imp_uid: gatewayPaymentId });
        expect(res.status).to.equal(202);
        expect(res.body).to.include({ works: false, status: 'pending' });
      });

      it('answers 404 payment_not_found for an unknown merchant_uid', async () => {
        expectError(await buyer.post('/api/payment/failure', { merchant_uid: 'mp_unknown' }), 404, 'payment_not_found');
      });
    });

    describe('POST /api/payment/webhook', () => {
      it('verifies a JSON notice by re-fetching and settles the payment and the membership (no login)', async () => {
        const { merchantUid, gatewayPaymentId } = await checkoutAndPay(h, buyer);
        const res = await h.client().post('/api/payment/webhook', { imp_uid: gatewayPaymentId, merchant_uid: merchantUid, status: 'paid' });
        expect(res.status).to.equal(200);
        expect(res.body.works).to.equal(true);
        expect((await buyer.get('/api/me')).body.payment_status).to.equal('on');
      });

      it('accepts a form-encoded notice', async () => {
        const { merchantUid, gatewayPaymentId } = await checkoutAndPay(h, buyer);
        const res = await h.client().request('POST', '/api/payment/webhook', { form: { imp_uid: gatewayPaymentId, merchant_uid: merchantUid, status: 'paid' } });
        expect(res.status).to.equal(200);
        const [payment] = (await buyer.get('/api/payments')).body.payments;
        expect(payment.status).to.equal('paid');
      });

      it('never trusts the notice: a "paid" notice for an unpaid payment changes nothing', async () => {
        const { merchantUid, gatewayPaymentId } = await checkoutAndPay(h, buyer, 'declined');
        const res = await h.client().post('/api/payment/webhook', { imp_uid: gatewayPaymentId, merchant_uid: merchantUid, status: 'paid' });
        expect(res.status).to.equal(200);
        const [payment] = (await buyer.get('/api/payments')).body.payments;
        expect(payment.status).to.equal('failed');
        expect((await buyer.get('/api/me')).body.payment_status).to.equal('off');
      });

      it('answers 200 {ignored:true} for an unknown payment', async () => {
        const res = await h.client().post('/api/payment/webhook', { imp_uid: 'imp_x', merchant_uid: 'mp_nobody', status: 'paid' });
        expect(res.status).to.equal(200);
        expect(res.body).to.deep.equal({ works: true, ignored: true });
      });

      it('answers 503 when the gateway cannot confirm the notice (so Iamport sends it again)', async () => {
        const { merchantUid, gatewayPaymentId } = await checkoutAndPay(h, buyer);
        h.parts.gateway.scriptNext('getPayment', 'unknown');
        expectError(await h.client().post('/api/payment/webhook', { imp_uid: gatewayPaymentId, merchant_uid: merchantUid, status: 'paid' }), 503, 'gateway_unavailable');
        expect((await h.client().post('/api/payment/webhook', { imp_uid: gatewayPaymentId, merchant_uid: merchantUid, status: 'paid' })).status).to.equal(200);
      });

      it('with WEBHOOK_ALLOW_IPS, answers 403 forbidden_sender to other addresses and processes the allowed ones', async () => {
        const guarded = await start({ env: { WEBHOOK_ALLOW_IPS: '52.78.100.19,52.78.48.223' } });
        try {
          const member = guarded.client();
          await member.signUp({ name: 'Lee Buyer' });
          const { merchantUid, gatewayPaymentId } = await checkoutAndPay(guarded, member);
          const notice = { imp_uid: gatewayPaymentId, merchant_uid: merchantUid, status: 'paid' };
          expectError(await guarded.client('10.1.2.3').post('/api/payment/webhook', notice), 403, 'forbidden_sender');
          expect((await member.get('/api/payments')).body.payments[0].status).to.equal('await');
          expect((await guarded.client('52.78.48.223').post('/api/payment/webhook', notice)).status).to.equal(200);
          expect((await member.get('/api/payments')).body.payments[0].status).to.equal('paid');
        } finally {
          await guarded.close();
        }
      });

      it('answers 400 for an unknown status or an id over 100 characters', async () => {
        expectError(await h.client().post('/api/payment/webhook', { imp_uid: 'imp_1', merchant_uid: 'mp_1', status: 'refunded' }), 400, 'invalid_request');
        expectError(await h.client().post('/api/payment/webhook', { imp_uid: 'i'.repeat(101), merchant_uid: 'mp_1', status: 'paid' }), 400, 'invalid_request');
        expectError(await h.client().request('POST', '/api/payment/webhook', { form: { imp_uid: 'imp_1', status: 'paid' } }), 400, 'invalid_request');
      });
    });

    describe('GET /api/payments and ownership', () => {
      it('lists the user\'s payments newest first', async () => {
        const first = await buyer.post('/api/payment/checkout', { plan: 'monthly' });
        h.parts.clock.advance(1000);
        const second = await buyer.post('/api/payment/checkout', { plan: 'annual' });
        const res = await buyer.get('/api/payments');
        expect(res.status).to.equal(200);
        expect(res.body.payments.map((p: { merchant_uid: string }) => p.merchant_uid)).to.deep.equal([second.body.merchant_uid, first.body.merchant_uid]);
        for (const p of res.body.payments) expect(p).to.have.all.keys(...PAYMENT_KEYS);
      });

      it('user B cannot see or touch user A\'s payments (404, never 403)', async () => {
        const { merchantUid, gatewayPaymentId } = await checkoutAndPay(h, buyer);
        const other = h.client();
        await other.signUp();
        expect((await other.get('/api/payments')).body.payments).to.deep.equal([]);
        expectError(await other.post('/api/payment/validation', { imp_uid: gatewayPaymentId, merchant_uid: merchantUid }), 404, 'payment_not_found');
        expectError(await other.post('/api/payment/failure', { merchant_uid: merchantUid, imp_uid: gatewayPaymentId }), 404, 'payment_not_found');
        const [payment] = (await buyer.get('/api/payments')).body.payments;
        expect(payment.status).to.equal('await');
        expect((await other.get('/api/me')).body.membership).to.equal(null);
      });
    });
  });
}
