import { expect } from 'chai';
import type { AppConfig } from '../../../../src/config';
import { PAYMENT } from '../../../../src/payment/payment.tokens';
import { SHARED } from '../../../../src/shared/shared.tokens';
import type { PaymentRepository } from '../../../../src/payment/application/payment-repository.port';
import type { Payment } from '../../../../src/payment/domain/payment.entity';
import { aPayment } from '../../../support/builders/payment.builder';
import type { ApiClient, HttpHarness } from '../../../support/http-app';
import { rawRequest } from '../../../support/raw-http';
import { checkoutAndPay, expectError, type HarnessFactory } from './harness';

const ADMIN_TOKEN = 'console-admin-token-0123456789abcdef';
const EVIL = 'https://evil.example';

/** An operator's browser: logs in to the console once and keeps its cookie. */
async function operator(h: HttpHarness, name = 'alice'): Promise<ApiClient> {
  const client = h.client();
  const res = await client.post('/api/console/session', { token: ADMIN_TOKEN, operator: name });
  expect(res.status, res.text).to.equal(200);
  return client;
}

async function paidPurchase(h: HttpHarness) {
  const buyer = h.client();
  const { email } = await buyer.signUp();
  const paid = await checkoutAndPay(h, buyer);
  const validation = await buyer.post('/api/payment/validation', { imp_uid: paid.gatewayPaymentId, merchant_uid: paid.merchantUid });
  expect(validation.status, validation.text).to.equal(200);
  return { buyer, email: email as string, ...paid, amount: paid.checkout.body.amount as number };
}

/** DESIGN §6 "Operator console": the console's JSON API behind its own session, over the real app. */
export function consoleSuite(start: HarnessFactory): void {
  describe('operator console API', function () {
    this.timeout(60_000);
    let h: HttpHarness;
    afterEach(async () => { await h?.close(); });

    it('does not exist without ADMIN_TOKEN: the page, its files and its API answer 404 under any spelling', async () => {
      h = await start();
      for (const path of ['/admin', '/admin/', '/admin/index.html', '/admin/console.js', '/admin/vendor/uplot.js', '/%61dmin/', '/x/../admin/console.js',
        '/api/console/session', '/api/console/overview', '/api/console/payments']) {
        const res = await rawRequest(h.url, { method: 'GET', path });
        expect(res.status, `${path}: ${res.text}`).to.equal(404);
      }
      const login = await h.client().post('/api/console/session', { token: 'anything' });
      expectError(login, 404, 'not_found');
    });

    it('serves the page and uPlot from our own origin, under a CSP that allows same-origin scripts only for it', async () => {
      h = await start({ env: { ADMIN_TOKEN } });
      const page = await h.client().get('/admin');
      expect(page.status).to.equal(200);
      expect(page.headers.get('content-type')).to.match(/^text\/html/);
      expect(page.text).to.include('src="/admin/vendor/uplot.js"').and.include('src="/admin/console.js"');
      expect(page.text).not.to.match(/https?:\/\//);
      const csp = page.headers.get('content-security-policy') ?? '';
      expect(csp).to.match(/script-src 'self'/);
      expect(csp).not.to.include("'unsafe-inline' https"); // no inline scripts allowed
      expect(csp.split(';').find((d) => d.trim().startsWith('script-src'))).not.to.include('unsafe-inline');
      const uplot = await h.client().get('/admin/vendor/uplot.js');
      expect(uplot.status).to.equal(200);
      expect(uplot.headers.get('content-type')).to.match(/^text\/javascript/);
      expect(uplot.text).to.include('uPlot');
      expect((await h.client().get('/admin/vendor/uplot.css')).status).to.equal(200);
    });

    it('asks for the console session: no cookie, a wrong token or the bearer token alone answer 401', async () => {
      h = await start({ env: { ADMIN_TOKEN } });
      expectError(await h.client().get('/api/console/overview'), 401, 'unauthenticated');
      expectError(await h.client().post('/api/console/session', { token: 'wrong-token' }), 401, 'unauthenticated');
      expectError(await h.client().get('/api/console/payments', { Authorization: `Bearer ${ADMIN_TOKEN}` }), 401, 'unauthenticated');
      const forged = h.client();
      forged.cookies.set('memberpay.console', 'made-up-session-id');
      expectError(await forged.get('/api/console/overview'), 401, 'unauthenticated');
      expect((await h.client().get('/api/console/session')).body).to.include({ signed_in: false });
    });

    it('logs in once with its own httpOnly, SameSite=Strict, expiring cookie, and logs out', async () => {
      h = await start({ env: { ADMIN_TOKEN } });
      const client = h.client();
      const login = await client.request('POST', '/api/console/session', { json: { token: ADMIN_TOKEN, operator: 'alice' } });
      expect(login.status, login.text).to.equal(200);
      expect(login.body).to.include({ signed_in: true, operator: 'alice' });
      expect(login.text).not.to.include(ADMIN_TOKEN);
      const cookie = login.headers.getSetCookie().find((c) => c.startsWith('memberpay.console='));
      expect(cookie).to.match(/httponly/i).and.match(/samesite=strict/i).and.match(/expires=/i).and.match(/path=\//i);
      expect(new Date(/expires=([^;]+)/i.exec(cookie!)![1]).getTime() - Date.now()).to.be.within(7 * 3600_000, 8 * 3600_000 + 60_000);
      expect((await client.get('/api/console/overview')).status).to.equal(200);
      expect((await client.get('/api/console/session')).body).to.include({ signed_in: true, operator: 'alice' });
      expect((await client.post('/api/console/logout')).status).to.equal(204);
      expectError(await client.get('/api/console/overview'), 401, 'unauthenticated');
    });

    it('limits wrong tokens per client address: the 11th try within 15 minutes is 429, even with the right token', async () => {
      h = await start({ env: { ADMIN_TOKEN } });
      const client = h.client('203.0.113.7');
      for (let i = 0; i < 10; i += 1) expectError(await client.post('/api/console/session', { token: `wrong-${i}` }), 401, 'unauthenticated');
      expectError(await client.post('/api/console/session', { token: ADMIN_TOKEN }), 429, 'too_many_attempts');
      expect((await h.client('203.0.113.8').post('/api/console/session', { token: ADMIN_TOKEN })).status).to.equal(200);
    });

    it('takes writes from our own origin only: another Origin gets 403 forbidden_origin and nothing is refunded', async () => {
      h = await start({ env: { ADMIN_TOKEN } });
      const { merchantUid } = await paidPurchase(h);
      const console = await operator(h);
      const refund = await console.post(`/api/console/payments/${merchantUid}/refund`, { amount: 1000, reason: 'x' }, { Origin: EVIL });
      expectError(refund, 403, 'forbidden_origin');
      expectError(await console.get('/api/console/overview', { Origin: EVIL }), 403, 'forbidden_origin');
      expectError(await h.client().post('/api/console/session', { token: ADMIN_TOKEN }, { Origin: EVIL }), 403, 'forbidden_origin');
      expect((await h.parts.payments.findByMerchantUid(merchantUid))!.cancelledAmount).to.equal(0);
      const ours = await console.post(`/api/console/payments/${merchantUid}/refund`, { amount: 1000, reason: 'x' }, { Origin: new URL(h.container.get<AppConfig>(SHARED.Config).publicUrl).origin });
      expect(ours.status, ours.text).to.equal(200);
    });

    it('refunds part of a payment through the admin refund, shows it on the payment, the overview and the audit record; a repeated Idempotency-Key refunds once', async () => {
      h = await start({ env: { ADMIN_TOKEN } });
      const { merchantUid, amount, email } = await paidPurchase(h);
      const console = await operator(h, 'alice');
      const before = await console.get('/api/console/overview');
      expect(before.body.today).to.deep.equal({ revenue: amount, refunds: 0, net: amount });
      expect(before.body.active_members.now).to.equal(1);

      const view = await console.get(`/api/console/payments/${merchantUid}`);
      expect(view.status, view.text).to.equal(200);
      expect(view.body.refundable).to.equal(amount);
      expect(view.body.policy_quote).to.include({ refundable: amount, rule: 'withdrawal_period' });
      expect(view.body.buyer.email).to.equal(email);

      const headers = { 'Idempotency-Key': 'refund-once-1' };
      const refund = await console.post(`/api/console/payments/${merchantUid}/refund`, { amount: 3000, reason: 'goodwill' }, headers);
      expect(refund.status, refund.text).to.equal(200);
      expect(refund.body.refund).to.deep.equal({ amount: 3000, status: 'refunded' });
      const again = await console.post(`/api/console/payments/${merchantUid}/refund`, { amount: 3000, reason: 'goodwill' }, headers);
      expect(again.status).to.equal(200);
      expect(again.headers.get('idempotent-replayed')).to.equal('true');
      expect((await h.parts.payments.findByMerchantUid(merchantUid))!.cancelledAmount).to.equal(3000);

      const after = await console.get(`/api/console/payments/${merchantUid}`);
      expect(after.body.payment.refunds).to.have.length(1);
      expect(after.body.payment.refunds[0]).to.include({ amount: 3000, status: 'refunded', reason: 'goodwill', requested_by: 'admin' });
      expect(after.body.refundable).to.equal(amount - 3000);
      expect(after.body.events.map((e: { type: string }) => e.type)).to.include('PaymentPaid');

      const overview = await console.get('/api/console/overview');
      expect(overview.body.today).to.deep.equal({ revenue: amount, refunds: 3000, net: amount - 3000 });
      expect(overview.body.last30_days).to.deep.equal({ revenue: amount, refunds: 3000, net: amount - 3000 });
      const charts = await console.get('/api/console/charts');
      expect(charts.body.days).to.have.length(30);
      expect(charts.body.days.at(-1)).to.equal('2026-11-25');
      expect(charts.body.revenue.at(-1)).to.equal(amount);
      expect(charts.body.refunds.at(-1)).to.equal(3000);
      expect(charts.body.active_members.at(-1)).to.equal(1);
      expect(charts.body.active_members[0]).to.equal(0);
      expect(charts.body.months).to.have.length(12);

      const audit = await console.get('/api/console/audit');
      const refunds = audit.body.entries.filter((e: { action: string }) => e.action === 'POST /api/console/payments/:merchant_uid/refund');
      expect(refunds).to.have.length(2);
      expect(refunds[0]).to.include({ actor: 'console:alice', target: `merchant_uid=${merchantUid}`, status_code: 200 });
      expect(JSON.parse(refunds[0].request)).to.deep.equal({ amount: 3000, reason: 'goodwill' });
      const login = audit.body.entries.find((e: { action: string }) => e.action === 'POST /api/console/session');
      expect(login.actor).to.equal('console:alice');
      expect(login.request).not.to.include(ADMIN_TOKEN);
    });

    it('records the bearer admin API writes in the same audit record', async () => {
      h = await start({ env: { ADMIN_TOKEN } });
      const reconcile = await h.client().post('/api/admin/reconcile', {}, { Authorization: `Bearer ${ADMIN_TOKEN}` });
      expect(reconcile.status).to.equal(200);
      const audit = await (await operator(h)).get('/api/console/audit');
      expect(audit.body.entries.find((e: { action: string }) => e.action === 'POST /api/admin/reconcile')).to.include({ actor: 'admin_token', status_code: 200 });
    });

    it('pages payments by keyset (newest first, ties broken by id): every payment exactly once, in order, under every filter', async () => {
      h = await start({ env: { ADMIN_TOKEN } });
      const payments = h.container.get<PaymentRepository>(PAYMENT.PaymentRepository);
      const base = Date.parse('2026-11-20T00:00:00.000Z');
      const saved: Payment[] = [];
      for (let i = 0; i < 23; i += 1) {
        // Groups of three share a millisecond: the id must break the tie, or a page boundary inside a group loses or repeats one.
        const builder = aPayment().forUser(`user_${i % 2}`).createdAt(new Date(base + Math.floor(i / 3) * 3_600_000)).with({ pg: i % 4 === 0 ? 'tosspayments' : 'html5_inicis' });
        if (i % 3 === 0) builder.paid(new Date(base + Math.floor(i / 3) * 3_600_000 + 1000));
        const payment = builder.build();
        await payments.save(payment);
        saved.push(payment);
      }
      const expected = (keep: (p: Payment) => boolean) => saved.filter(keep)
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (b.id < a.id ? -1 : 1)).map((p) => p.merchantUid);
      const console = await operator(h);
      const walk = async (query: string) => {
        const seen: string[] = [];
        let cursor: string | null = null;
        for (let pages = 0; pages < 20; pages += 1) {
          const res = await console.get(`/api/console/payments?limit=4${query}${cursor ? `&cursor=${cursor}` : ''}`);
          expect(res.status, res.text).to.equal(200);
          expect(res.body.payments.length).to.be.at.most(4);
          seen.push(...res.body.payments.map((p: { merchant_uid: string }) => p.merchant_uid));
          cursor = res.body.next;
          if (!cursor) break;
        }
        return seen;
      };
      expect(await walk('')).to.deep.equal(expected(() => true));
      expect(await walk('&status=paid')).to.deep.equal(expected((p) => p.status === 'paid'));
      expect(await walk('&pg=tosspayments')).to.deep.equal(expected((p) => p.toProps().pg === 'tosspayments'));
      const from = new Date(base + 2 * 3_600_000).toISOString();
      const to = new Date(base + 5 * 3_600_000).toISOString();
      expect(await walk(`&from=${from}&to=${to}`)).to.deep.equal(expected((p) => p.createdAt.getTime() >= Date.parse(from) && p.createdAt.getTime() < Date.parse(to)));
      const target = saved[6];
      expect(await walk(`&q=${target.merchantUid}`)).to.deep.equal([target.merchantUid]);
      expect(await walk(`&q=${target.gatewayPaymentId}`)).to.deep.equal([target.merchantUid]);
      expectError(await console.get('/api/console/payments?cursor=bm90LWEtY3Vyc29y'), 400, 'invalid_request');
      expectError(await console.get('/api/console/payments?status=refunded'), 400, 'invalid_request');
    });

    it("finds payments by the buyer's e-mail, and the member with their membership and masked card", async () => {
      h = await start({ env: { ADMIN_TOKEN } });
      const buyer = h.client();
      const { email } = await buyer.signUp();
      const paid = await checkoutAndPay(h, buyer, 'paid', { plan: 'monthly', auto_renew: true });
      expect((await buyer.post('/api/payment/validation', { imp_uid: paid.gatewayPaymentId, merchant_uid: paid.merchantUid })).status).to.equal(200);
      await paidPurchase(h); // someone else's
      const console = await operator(h);
      const found = await console.get(`/api/console/payments?q=${encodeURIComponent(email.toUpperCase())}`);
      expect(found.body.payments.map((p: { merchant_uid: string }) => p.merchant_uid)).to.deep.equal([paid.merchantUid]);
      const member = await console.get(`/api/console/members?q=${encodeURIComponent(email)}`);
      expect(member.status, member.text).to.equal(200);
      const [membership] = member.body.member.memberships;
      expect(membership).to.include({ plan: 'monthly', status: 'active', period_no: 1, auto_renew: true });
      const key = paid.checkout.body.customer_uid as string;
      expect(membership.card_on_file).to.match(/^•+.{4}$/).and.not.include(key.slice(0, -4));
      expect(membership.card_on_file.slice(-4)).to.equal(key.slice(-4));
      expectError(await console.get('/api/console/members?q=nobody@example.com'), 404, 'member_not_found');

      const cancel = await console.post(`/api/console/members/${member.body.member.user.id}/cancel`, { refund: true });
      expect(cancel.status, cancel.text).to.equal(200);
      expect(cancel.body.membership.status).to.equal('cancelled');
      expect(cancel.body.refund.amount).to.equal(paid.checkout.body.amount);
      expect((await buyer.get('/api/me')).body.payment_status).to.equal('off');
    });

    it('lists webhook receipts by outcome with keyset paging, and replays one or a range', async () => {
      h = await start({ env: { ADMIN_TOKEN } });
      const { merchantUid, gatewayPaymentId } = await paidPurchase(h);
      for (let i = 0; i < 3; i += 1) {
        expect((await h.client().post('/api/payment/webhook', { imp_uid: gatewayPaymentId, merchant_uid: merchantUid, status: 'paid' })).status).to.equal(200);
      }
      expect((await h.client().post('/api/payment/webhook', { imp_uid: 'imp_unknown', merchant_uid: 'mp_unknown', status: 'paid' })).status).to.equal(200);
      const console = await operator(h);
      const first = await console.get('/api/console/webhooks?limit=3');
      expect(first.body.receipts).to.have.length(3);
      const second = await console.get(`/api/console/webhooks?limit=3&cursor=${first.body.next}`);
      expect(second.body.receipts).to.have.length(1);
      expect(second.body.next).to.equal(null);
      const ids = [...first.body.receipts, ...second.body.receipts].map((r: { id: string }) => r.id);
      expect(new Set(ids).size).to.equal(4);
      const ignored = await console.get('/api/console/webhooks?outcome=ignored');
      expect(ignored.body.receipts.map((r: { merchant_uid: string }) => r.merchant_uid)).to.deep.equal(['mp_unknown']);
      const mine = await console.get(`/api/console/webhooks?merchant_uid=${merchantUid}`);
      expect(mine.body.receipts).to.have.length(3);

      const replay = await console.post(`/api/console/webhooks/${mine.body.receipts[0].id}/replay`);
      expect(replay.status, replay.text).to.equal(200);
      expect(replay.body).to.include({ receipt_id: mine.body.receipts[0].id, outcome: 'applied' });
      expectError(await console.post('/api/console/webhooks/no_such_receipt/replay'), 404, 'receipt_not_found');
      const range = await console.post('/api/console/webhooks/replay', { since: '2026-11-25T00:00:00Z' });
      expect(range.status, range.text).to.equal(200);
      expect(range.body).to.deep.include({ replayed: 4, outcomes: { applied: 3, ignored: 1 } });
      const none = await console.post('/api/console/webhooks/replay', { since: '2026-11-24T00:00:00Z', until: '2026-11-25T00:00:00Z' });
      expect(none.body.replayed).to.equal(0);
      expect((await h.parts.payments.findByMerchantUid(merchantUid))!.status).to.equal('paid');
    });

    it('shows open problems: an await payment past the TTL, and reconciles that one payment', async () => {
      h = await start({ env: { ADMIN_TOKEN } });
      const buyer = h.client();
      await buyer.signUp();
      const checkout = await buyer.post('/api/payment/checkout', { plan: 'monthly' });
      const merchantUid = checkout.body.merchant_uid as string;
      h.parts.clock.freezeAt(new Date(Date.parse('2026-11-25T09:00:00.000Z') + 31 * 60_000));
      const console = await operator(h);
      expect((await console.get('/api/console/overview')).body.problems).to.include({ payments_await_past_ttl: 1, refunds_pending: 0, refunds_rejected: 0 });
      const reconcile = await console.post(`/api/console/payments/${merchantUid}/reconcile`);
      expect(reconcile.status, reconcile.text).to.equal(200);
      expect(reconcile.body).to.deep.include({ settled: true });
      expect(reconcile.body.payment).to.include({ status: 'failed', failure_code: 'expired' });
      expect((await console.get('/api/console/overview')).body.problems.payments_await_past_ttl).to.equal(0);
      expectError(await console.post('/api/console/payments/mp_nope/reconcile'), 404, 'payment_not_found');
    });

    it("shows the next 7 days' charges and runs renewals with the test clock only", async () => {
      h = await start({ env: { ADMIN_TOKEN } });
      const buyer = h.client();
      await buyer.signUp();
      const paid = await checkoutAndPay(h, buyer, 'paid', { plan: 'monthly', auto_renew: true });
      await buyer.post('/api/payment/validation', { imp_uid: paid.gatewayPaymentId, merchant_uid: paid.merchantUid });
      const console = await operator(h);
      expect((await console.get('/api/console/renewals')).body.due_soon_count).to.equal(0);
      h.parts.clock.freezeAt(new Date('2026-12-20T00:00:00.000Z'));
      const queues = await console.get('/api/console/renewals');
      expect(queues.body.due_soon_count).to.equal(1);
      expect(queues.body.due_soon[0]).to.include({ plan: 'monthly', status: 'active' });
      h.parts.clock.freezeAt(new Date('2026-12-26T00:00:00.000Z'));
      const run = await console.post('/api/console/renewals/run');
      expect(run.status, run.text).to.equal(200);
      expect(run.body).to.include({ due: 1, charged: 1 });
      const charts = await console.get('/api/console/charts');
      expect(charts.body.renewals_charged.reduce((a: number, b: number) => a + b, 0)).to.equal(1);
      expect((await console.get('/api/console/overview')).body.renewal_success_rate).to.equal(1);
    });

    it('refuses "run now" without the test clock (400 test_clock_disabled)', async () => {
      h = await start({ env: { ADMIN_TOKEN, TEST_CLOCK: 'off' } });
      expectError(await (await operator(h)).post('/api/console/renewals/run'), 400, 'test_clock_disabled');
    });
  });
}
