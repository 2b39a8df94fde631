// The HTTP API with PAYMENT_GATEWAY=toss: the real app over HTTP, knex on SQLite, the real
// TossGateway against the in-process Toss sandbox. What Toss changes (checkout's answer, the
// payment_key / billing auth_key validations, confirm with the server's amount, cancels, the
// PAYMENT_STATUS_CHANGED route) and what it must not (DESIGN §6's codes).
import { expect } from 'chai';
import type { AppConfig } from '../../../src/config';
import type { ApiClient } from '../../support/http-app';
import { startTossHttpApp, TOSS_ADMIN_TOKEN, type TossHttpApp } from '../../support/toss-http-app';
import { expectError } from './suites/harness';

describe('HTTP API over real HTTP with Toss Payments (SQLite, TossGateway against the Toss sandbox)', function () {
  this.timeout(20_000);
  let app: TossHttpApp;
  let buyer: ApiClient;

  beforeEach(async () => {
    app = await startTossHttpApp();
    buyer = app.client();
    await buyer.signUp({ name: 'Kim Buyer' });
  });
  afterEach(async () => {
    await app.close();
  });

  const tossPaymentOf = (orderId: string) => [...app.toss.store.payments.values()].map((r) => r.payment).filter((p) => p.orderId === orderId);

  async function checkout(body: object = { plan: 'monthly' }, client = buyer) {
    const res = await client.post('/api/payment/checkout', body);
    expect(res.status, res.text).to.equal(201);
    return res.body;
  }

  /** Checkout, then Toss's window with `card`: answers the order and the success redirect's paymentKey. */
  async function checkoutAndAuthorise(card: 'success' | 'declined' | 'insufficient' = 'success', client = buyer) {
    const order = await checkout({ plan: 'monthly' }, client);
    const window = await app.pay({ orderId: order.merchant_uid, amount: order.amount, orderName: order.order_name }, card);
    expect(window.type).to.equal('success');
    expect(window.query).to.include({ orderId: order.merchant_uid, amount: '9900' });
    return { order, paymentKey: window.query.paymentKey };
  }

  async function paidMembership() {
    const { order, paymentKey } = await checkoutAndAuthorise();
    const res = await buyer.post('/api/payment/validation', { merchant_uid: order.merchant_uid, payment_key: paymentKey });
    expect(res.status, res.text).to.equal(200);
    return { order, paymentKey };
  }

  describe('POST /api/payment/checkout', () => {
    it('answers gateway toss with client_key and order_name, priced by the server, and no customer_key without auto_renew', async () => {
      const res = await buyer.post('/api/payment/checkout', { plan: 'monthly', amount: 1 });
      expect(res.status).to.equal(201);
      expect(res.body).to.include({ works: true, gateway: 'toss', client_key: 'test_ck_sandbox', order_name: '월간 멤버십', amount: 9900, buyer_name: 'Kim Buyer' });
      // DESIGN §6 lists imp_code in every checkout answer: Toss has none.
      expect(res.body).to.have.property('imp_code', null);
      expect(res.body).not.to.have.any.keys('customer_key', 'customer_uid');
      // Toss has no prepare: nothing exists at Toss until the window authenticates a card.
      expect(tossPaymentOf(res.body.merchant_uid)).to.deep.equal([]);
      const [payment] = (await buyer.get('/api/payments')).body.payments;
      expect(payment).to.include({ merchant_uid: res.body.merchant_uid, status: 'await', amount: 9900 });
    });

    it('answers a customer_key for requestBillingAuth with auto_renew', async () => {
      const res = await buyer.post('/api/payment/checkout', { plan: 'monthly', auto_renew: true });
      expect(res.status).to.equal(201);
      expect(res.body.customer_key).to.be.a('string').and.match(/^[a-zA-Z0-9\-_=.,@]{2,300}$/);
    });

    it('keeps the PG-independent codes: 401 logged out, 400 unknown_plan', async () => {
      expectError(await app.client().post('/api/payment/checkout', { plan: 'monthly' }), 401, 'unauthenticated');
      expectError(await buyer.post('/api/payment/checkout', { plan: 'lifetime' }), 400, 'unknown_plan');
    });
  });

  describe('POST /api/payment/validation with a payment_key (requestPayment)', () => {
    it('confirms at Toss with the server\'s amount: 200 paid, the membership active, /api/me on', async () => {
      const { order, paymentKey } = await checkoutAndAuthorise();
      expect(tossPaymentOf(order.merchant_uid)[0].status).to.equal('IN_PROGRESS');

      const res = await buyer.post('/api/payment/validation', { merchant_uid: order.merchant_uid, payment_key: paymentKey, amount: 1, status: 'paid' });
      expect(res.status, res.text).to.equal(200);
      expect(res.body).to.include({ works: true, status: 'paid' });
      expect(res.body.payment).to.include({ merchant_uid: order.merchant_uid, imp_uid: paymentKey, status: 'paid', amount: 9900 });
      expect(res.body.membership).to.include({ plan: 'monthly', status: 'active', auto_renew: false });
      expect(tossPaymentOf(order.merchant_uid)[0]).to.include({ status: 'DONE', totalAmount: 9900 });
      const me = await buyer.get('/api/me');
      expect(me.body.payment_status).to.equal('on');

      // The same validation again (a reload, a double click) answers paid and changes nothing.
      const again = await buyer.post('/api/payment/validation', { merchant_uid: order.merchant_uid, payment_key: paymentKey });
      expect(again.status).to.equal(200);
      expect((await buyer.get('/api/me')).body.membership).to.deep.equal(me.body.membership);
    });

    it('cannot be confirmed for another amount than the order\'s: a window opened for ₩1 is refused at Toss and nothing is paid', async () => {
      const order = await checkout();
      // A tampered page asks Toss's window for ₩1 under the real orderId.
      const window = await app.pay({ orderId: order.merchant_uid, amount: 1 });
      expect(window.type).to.equal('success');
      const res = await buyer.post('/api/payment/validation', { merchant_uid: order.merchant_uid, payment_key: window.query.paymentKey, amount: 1 });
      // The server confirmed with its own ₩9,900; Toss refuses the mismatch (INVALID_REQUEST): not paid, as DESIGN §6 says.
      expectError(res, 422, 'payment_not_paid');
      expect(res.body.status).to.equal('failed');
      expect(res.body.error.details).to.deep.equal({ gateway_code: 'INVALID_REQUEST' });
      expect(tossPaymentOf(order.merchant_uid)[0].status).not.to.equal('DONE');
      const [payment] = (await buyer.get('/api/payments')).body.payments;
      // Nothing was charged, so the order stays await (it expires by TTL) rather than failed amount_mismatch as with Iamport.
      expect(payment.status).to.equal('await');
      expect((await buyer.get('/api/me')).body.payment_status).to.equal('off');
    });

    it('answers 422 payment_not_paid with failure_code card_declined when the card company declines at confirm', async () => {
      const { order, paymentKey } = await checkoutAndAuthorise('declined');
      const res = await buyer.post('/api/payment/validation', { merchant_uid: order.merchant_uid, payment_key: paymentKey });
      expectError(res, 422, 'payment_not_paid');
      expect(res.body.status).to.equal('failed');
      expect(res.body.payment).to.include({ status: 'failed', failure_code: 'card_declined' });
      expect(tossPaymentOf(order.merchant_uid)[0].status).to.equal('ABORTED');
    });

    it('keeps DESIGN §6 codes: 404 unknown or another user\'s merchant_uid, 422 unknown or foreign payment_key, 400 two proofs', async () => {
      const { order, paymentKey } = await checkoutAndAuthorise();
      expectError(await buyer.post('/api/payment/validation', { merchant_uid: 'mp_unknown_000000', payment_key: paymentKey }), 404, 'payment_not_found');
      const other = app.client();
      await other.signUp();
      expectError(await other.post('/api/payment/validation', { merchant_uid: order.merchant_uid, payment_key: paymentKey }), 404, 'payment_not_found');
      expectError(await buyer.post('/api/payment/validation', { merchant_uid: order.merchant_uid, payment_key: 'tviva_unknown_key' }), 422, 'payment_not_paid');
      // The paymentKey of another order of the same buyer changes nothing.
      const second = await checkout();
      expectError(await buyer.post('/api/payment/validation', { merchant_uid: second.merchant_uid, payment_key: paymentKey }), 422, 'payment_not_paid');
      expectError(await buyer.post('/api/payment/validation', { merchant_uid: order.merchant_uid, payment_key: paymentKey, imp_uid: 'imp_1' }), 400, 'invalid_request');
      expectError(await buyer.post('/api/payment/validation', { merchant_uid: order.merchant_uid, auth_key: 'bln_x' }), 400, 'invalid_request');
      expectError(await app.client().post('/api/payment/validation', { merchant_uid: order.merchant_uid, payment_key: paymentKey }), 401, 'unauthenticated');
      const payments = (await buyer.get('/api/payments')).body.payments;
      expect(payments.map((p: any) => p.status)).to.deep.equal(['await', 'await']);
    });
  });

  describe('POST /api/payment/failure', () => {
    it('records a fail redirect (no paymentKey) as window_closed and a report for an unknown order as 404', async () => {
      const order = await checkout();
      const window = await app.pay({ orderId: order.merchant_uid, amount: order.amount }, 'success', 'cancel');
      expect(window).to.deep.include({ type: 'fail' });
      expect(window.query.code).to.equal('PAY_PROCESS_CANCELED');
      const res = await buyer.post('/api/payment/failure', { merchant_uid: order.merchant_uid, error_code: window.query.code, error_msg: window.query.message });
      expect(res.status, res.text).to.equal(200);
      expect(res.body.status).to.equal('failed');
      expect(res.body.payment).to.include({ status: 'failed', failure_code: 'window_closed' });
      expectError(await buyer.post('/api/payment/failure', { merchant_uid: 'mp_unknown_000000' }), 404, 'payment_not_found');
    });

    it('asks Toss first when a payment_key comes with the report: a payment Toss holds as paid stays paid', async () => {
      const { order, paymentKey } = await paidMembership();
      const res = await buyer.post('/api/payment/failure', { merchant_uid: order.merchant_uid, payment_key: paymentKey, error_code: 'X', error_msg: 'the page thinks it failed' });
      expect(res.status).to.equal(200);
      expect(res.body.status).to.equal('paid');
      expect((await buyer.get('/api/me')).body.payment_status).to.equal('on');
    });
  });

  describe('billing: POST /api/payment/validation with auth_key + customer_key (requestBillingAuth)', () => {
    it('issues the billing key, charges period 1, keeps the Toss handle, and a renewal run charges period 2 through Toss', async () => {
      const order = await checkout({ plan: 'monthly', auto_renew: true });
      const window = await app.billingAuth(order.customer_key);
      expect(window.type).to.equal('success');
      expect(window.query.customerKey).to.equal(order.customer_key);

      const res = await buyer.post('/api/payment/validation', { merchant_uid: order.merchant_uid, auth_key: window.query.authKey, customer_key: window.query.customerKey });
      expect(res.status, res.text).to.equal(200);
      expect(res.body.status).to.equal('paid');
      expect(res.body.membership).to.include({ status: 'active', auto_renew: true });
      expect(res.body.membership.next_charge_at).to.equal(res.body.membership.current_period_end);
      expect(res.body.payment).to.include({ gateway: 'toss', status: 'paid' });
      const [first] = tossPaymentOf(order.merchant_uid);
      expect(first).to.include({ status: 'DONE', totalAmount: 9900, type: 'BILLING' });

      const me = (await buyer.get('/api/me')).body;
      const record = await app.memberships.findLatestByUserId(me.user.id);
      const [customerKey, billingKey] = String(record?.billingKey).split(':');
      expect(customerKey).to.equal(order.customer_key);
      expect(app.toss.store.billingKeysOf(customerKey)).to.deep.equal([billingKey]);
      // The auth key is single use: the same validation again is answered from what is saved.
      const again = await buyer.post('/api/payment/validation', { merchant_uid: order.merchant_uid, auth_key: window.query.authKey, customer_key: window.query.customerKey });
      expect(again.status, again.text).to.equal(200);
      expect(tossPaymentOf(order.merchant_uid)).to.have.length(1);

      const periodEnd = new Date(res.body.membership.current_period_end);
      const clock = await app.admin('/api/admin/clock', { now: new Date(periodEnd.getTime() + 60_000).toISOString() });
      expect(clock.status, clock.text).to.equal(200);
      const run = await app.admin('/api/admin/renewals/run', {});
      expect(run.status, run.text).to.equal(200);
      expect(run.body).to.include({ due: 1, charged: 1, failed: 0 });

      const renewalUid = `renewal-${record?.id}-2`;
      const [renewal] = tossPaymentOf(renewalUid);
      expect(renewal).to.include({ status: 'DONE', totalAmount: 9900, type: 'BILLING' });
      // Checked on the server side: the buyer's 7-day session ended with the month's jump of the clock.
      const after = await app.memberships.findLatestByUserId(me.user.id);
      expect(after?.toProps().periodNo).to.equal(2);
      expect(after?.status).to.equal('active');
      // A second run charges nothing twice.
      const second = await app.admin('/api/admin/renewals/run', {});
      expect(second.body.charged).to.equal(0);
      expect(tossPaymentOf(renewalUid)).to.have.length(1);

      // Recorded as charged through Toss, not under Iamport's IMP_PG.
      const recorded = await app.database.database.knex('payments').whereIn('merchant_uid', [order.merchant_uid, renewalUid]).orderBy('created_at').select('merchant_uid', 'gateway', 'pg');
      expect(recorded).to.deep.equal([
        { merchant_uid: order.merchant_uid, gateway: 'toss', pg: 'tosspayments' },
        { merchant_uid: renewalUid, gateway: 'toss', pg: 'tosspayments' },
      ]);
    });

    it('refuses a billing validation whose customer_key is not the one the auth was for (nothing charged)', async () => {
      const order = await checkout({ plan: 'monthly', auto_renew: true });
      const window = await app.billingAuth(order.customer_key);
      const res = await buyer.post('/api/payment/validation', { merchant_uid: order.merchant_uid, auth_key: window.query.authKey, customer_key: 'cu_someone_else' });
      // The order issued its own customer key: a browser naming another is refused before Toss is asked.
      expectError(res, 422, 'payment_not_paid');
      expect(res.body.error.message).to.match(/another customer key/);
      expect(tossPaymentOf(order.merchant_uid)).to.deep.equal([]);
      expect((await buyer.get('/api/me')).body.payment_status).to.equal('off');
    });
  });

  describe('the stored card (DESIGN §6 "Auto-renew and the stored card")', () => {
    /** requestBillingAuth, then the validation that issues the billing key and charges period 1. */
    async function renewingMember() {
      const order = await checkout({ plan: 'monthly', auto_renew: true });
      const window = await app.billingAuth(order.customer_key);
      const res = await buyer.post('/api/payment/validation', { merchant_uid: order.merchant_uid, auth_key: window.query.authKey, customer_key: window.query.customerKey });
      expect(res.status, res.text).to.equal(200);
      const userId = (await buyer.get('/api/me')).body.user.id as string;
      const stored = (await app.memberships.findLatestByUserId(userId))?.billingKey as string;
      const [customerKey, billingKey] = stored.split(':');
      expect(app.toss.store.billingKeysOf(customerKey)).to.deep.equal([billingKey]);
      return { userId, customerKey, billingKey, membership: res.body.membership };
    }

    it('auto-renew off and on again: 200 both times, the same Toss billing key, no new card', async () => {
      const { customerKey, billingKey } = await renewingMember();
      const off = await buyer.post('/api/membership/auto-renew', { enabled: false });
      expect(off.status, off.text).to.equal(200);
      expect(off.body.membership).to.include({ auto_renew: false, next_charge_at: null });
      expect(app.toss.store.billingKeysOf(customerKey), 'kept at Toss').to.deep.equal([billingKey]);
      const on = await buyer.post('/api/membership/auto-renew', { enabled: true });
      expect(on.status, on.text).to.equal(200);
      expect(on.body.membership).to.include({ auto_renew: true });
      expect(app.toss.store.billingKeysOf(customerKey)).to.deep.equal([billingKey]);
    });

    it('DELETE /api/membership/card: 200, the billing key deleted at Toss; a second delete 409 no_billing_key', async () => {
      const { customerKey } = await renewingMember();
      const res = await buyer.request('DELETE', '/api/membership/card');
      expect(res.status, res.text).to.equal(200);
      expect(res.body.membership).to.include({ auto_renew: false, next_charge_at: null, status: 'active' });
      expect(app.toss.store.billingKeysOf(customerKey), 'gone at Toss').to.deep.equal([]);
      expectError(await buyer.request('DELETE', '/api/membership/card'), 409, 'no_billing_key');
      expectError(await buyer.post('/api/membership/auto-renew', { enabled: true }), 409, 'no_billing_key');
    });

    it('a membership that ends deletes its kept billing key at Toss: auto-renew off, then expired at the period end', async () => {
      const { userId, customerKey, membership } = await renewingMember();
      expect((await buyer.post('/api/membership/auto-renew', { enabled: false })).status).to.equal(200);
      await app.admin('/api/admin/clock', { now: new Date(new Date(membership.current_period_end).getTime() + 60_000).toISOString() });
      const run = await app.admin('/api/admin/renewals/run', {});
      expect(run.body).to.include({ charged: 0, ended: 1 });
      expect((await app.memberships.findLatestByUserId(userId))?.status).to.equal('expired');
      expect(app.toss.store.billingKeysOf(customerKey)).to.deep.equal([]);
    });

    it('a membership cancelled now deletes its billing key at Toss', async () => {
      const { customerKey } = await renewingMember();
      const res = await buyer.post('/api/membership/cancel', { refund: true });
      expect(res.status, res.text).to.equal(200);
      expect(res.body.membership.status).to.equal('cancelled');
      expect(app.toss.store.billingKeysOf(customerKey)).to.deep.equal([]);
    });
  });

  describe('free trials: requestBillingAuth stores the card, POST /api/membership/trial/confirm {auth_key} issues the key (issue 21)', () => {
    const withTrial = (config: AppConfig): AppConfig => ({ ...config, plans: config.plans.map((p) => (p.id === 'monthly' ? { ...p, trialDays: 14 } : p)) });
    const billingCharges = () => [...app.toss.store.payments.values()].map((r) => r.payment);

    beforeEach(async () => {
      await app.close();
      app = await startTossHttpApp({}, withTrial);
      // Frozen so the offer's trial_ends_at is the trial's own.
      app.clock.freezeAt(app.clock.now());
      buyer = app.client();
      await buyer.signUp({ name: 'Kim Buyer' });
    });

    /** The offer, Toss's window for its customer_key, and the confirm with the redirect's authKey. */
    async function startTrial() {
      const offer = await buyer.post('/api/membership/trial', { plan: 'monthly' });
      expect(offer.status, offer.text).to.equal(200);
      expect(offer.body).to.include({ gateway: 'toss', amount: 0, trial_days: 14 });
      expect(offer.body.client).to.include({ client_key: 'test_ck_sandbox', customer_key: offer.body.customer_uid });
      const window = await app.billingAuth(offer.body.client.customer_key);
      expect(window.type).to.equal('success');
      const started = await buyer.post('/api/membership/trial/confirm', { plan: 'monthly', auth_key: window.query.authKey });
      expect(started.status, started.text).to.equal(201);
      const userId = (await buyer.get('/api/me')).body.user.id as string;
      return { offer: offer.body, membership: started.body.membership, authKey: window.query.authKey, userId };
    }

    it('stores the card without a charge, and the renewal at the trial\'s end charges the plan price once with the consent', async () => {
      expectError(await buyer.post('/api/membership/trial/confirm', { plan: 'monthly' }), 409, 'card_not_stored');
      expectError(await buyer.post('/api/membership/trial/confirm', { plan: 'monthly', auth_key: 'bln_forged' }), 502, 'gateway_rejected');
      expectError(await buyer.post('/api/membership/trial/confirm', { plan: 'monthly', auth_key: 'a', billing_key: 'b' }), 400, 'invalid_request');

      const { offer, membership, authKey, userId } = await startTrial();
      expect(membership).to.include({ status: 'active', auto_renew: true, trial_ends_at: offer.trial_ends_at });
      expect(billingCharges(), 'nothing charged at Toss').to.deep.equal([]);
      const [customerKey, billingKey] = String((await app.memberships.findLatestByUserId(userId))?.billingKey).split(':');
      expect(customerKey).to.equal(offer.customer_uid);
      expect(app.toss.store.billingKeysOf(customerKey)).to.deep.equal([billingKey]);
      // Eligibility is checked before Toss is asked: a resend issues no second key.
      expectError(await buyer.post('/api/membership/trial/confirm', { plan: 'monthly', auth_key: authKey }), 409, 'membership_exists');
      expect(app.toss.store.billingKeysOf(customerKey)).to.deep.equal([billingKey]);

      expect((await app.admin('/api/admin/renewals/run', {})).body.charged).to.equal(0);
      const [consent] = (await buyer.get('/api/membership/consents')).body.consents;
      expect(consent).to.include({ old_amount: 0, new_amount: 9900, effective_at: offer.trial_ends_at });
      expect((await buyer.post(`/api/membership/consents/${consent.id}`, { accept: true })).status).to.equal(200);

      await app.admin('/api/admin/clock', { now: new Date(new Date(offer.trial_ends_at).getTime() + 60_000).toISOString() });
      const run = await app.admin('/api/admin/renewals/run', {});
      expect(run.status, run.text).to.equal(200);
      expect(run.body).to.include({ charged: 1, failed: 0 });
      expect((await app.admin('/api/admin/renewals/run', {})).body.charged).to.equal(0);
      const charged = billingCharges();
      expect(charged).to.have.length(1);
      expect(charged[0]).to.include({ status: 'DONE', totalAmount: 9900, type: 'BILLING' });
      expect((await app.memberships.findLatestByUserId(userId))?.status).to.equal('active');
    });

    it('one trial per member per plan: declined, the trial ends uncharged, and a second offer is 409 trial_used', async () => {
      const { offer, userId } = await startTrial();
      await app.admin('/api/admin/renewals/run', {});
      const [consent] = (await buyer.get('/api/membership/consents')).body.consents;
      expect((await buyer.post(`/api/membership/consents/${consent.id}`, { accept: false })).status).to.equal(200);
      await app.admin('/api/admin/clock', { now: new Date(new Date(offer.trial_ends_at).getTime() + 60_000).toISOString() });
      await app.admin('/api/admin/renewals/run', {});
      expect(billingCharges()).to.deep.equal([]);
      expect((await app.memberships.findLatestByUserId(userId))?.isLive).to.equal(false);
      const again = await relogin((await app.database.database.knex('users').where({ id: userId }).first('email')).email);
      expectError(await again.post('/api/membership/trial', { plan: 'monthly' }), 409, 'trial_used');
    });
  });

  describe('refunds', () => {
    it('POST /api/membership/cancel {refund:true} cancels the whole amount at Toss and ends the membership', async () => {
      const { order } = await paidMembership();
      const quote = await buyer.get('/api/membership/refund-quote');
      expect(quote.body.refundable).to.equal(9900);
      const res = await buyer.post('/api/membership/cancel', { refund: true });
      expect(res.status, res.text).to.equal(200);
      expect(res.body.refund).to.deep.equal({ amount: 9900, status: 'refunded' });
      expect(res.body.membership.status).to.equal('cancelled');
      const [record] = tossPaymentOf(order.merchant_uid);
      expect(record).to.include({ status: 'CANCELED', balanceAmount: 0 });
      expect(record.cancels?.map((c) => c.cancelAmount)).to.deep.equal([9900]);
      const [payment] = (await buyer.get('/api/payments')).body.payments;
      expect(payment).to.include({ status: 'cancelled', cancelled_amount: 9900 });
      expect((await buyer.get('/api/me')).body.payment_status).to.equal('off');
      expectError(await buyer.post('/api/membership/cancel', { refund: true }), 409, 'no_active_membership');
    });

    it('a pro-rata refund after the 7-day window cancels that part at Toss', async () => {
      const { order } = await paidMembership();
      const me = (await buyer.get('/api/me')).body;
      const start = new Date(me.membership.current_period_start);
      // 10 days in; keep the session alive by moving the clock and logging in again if it ended.
      await app.admin('/api/admin/clock', { now: new Date(start.getTime() + 10 * 86_400_000).toISOString() });
      const quote = await buyer.get('/api/membership/refund-quote');
      const client = quote.status === 401 ? await relogin(me.user.email) : buyer;
      const q = (await client.get('/api/membership/refund-quote')).body;
      expect(q.refundable).to.be.greaterThan(0).and.lessThan(9900);
      const res = await client.post('/api/membership/cancel', { refund: true });
      expect(res.body.refund).to.deep.equal({ amount: q.refundable, status: 'refunded' });
      const [record] = tossPaymentOf(order.merchant_uid);
      expect(record).to.include({ status: 'PARTIAL_CANCELED', balanceAmount: 9900 - q.refundable });
    });
  });

  describe('refund outcomes (DESIGN §6)', () => {
    it('Toss refuses the cancel (it forgot the payment): 502 gateway_rejected, the membership still active, the refund rejected', async () => {
      const { order } = await paidMembership();
      app.toss.reset();
      const res = await buyer.post('/api/membership/cancel', { refund: true });
      expectError(res, 502, 'gateway_rejected');
      const me = (await buyer.get('/api/me')).body;
      expect(me.payment_status).to.equal('on');
      expect(me.membership).to.include({ status: 'active', ended_at: null });
      const [payment] = (await buyer.get('/api/payments')).body.payments;
      expect(payment).to.include({ merchant_uid: order.merchant_uid, status: 'paid', cancelled_amount: 0 });
      expect(payment.refunds.map((r: { status: string }) => r.status)).to.deep.equal(['rejected']);
      const listed = await app.client().get('/api/admin/refunds?status=rejected', { authorization: `Bearer ${TOSS_ADMIN_TOKEN}` });
      expect(listed.body.refunds.map((r: { merchant_uid: string }) => r.merchant_uid)).to.deep.equal([order.merchant_uid]);
    });

    it('Toss answers 5xx: 202 pending and access ends; once Toss answers, the reconciler settles it to refunded', async () => {
      const { order } = await paidMembership();
      app.toss.setFaults({ errorRate: 1 });
      const res = await buyer.post('/api/membership/cancel', { refund: true });
      expect(res.status, res.text).to.equal(202);
      expect(res.body).to.include({ works: false });
      expect(res.body.refund).to.deep.equal({ amount: 9900, status: 'pending' });
      expect(res.body.membership.status).to.equal('cancelled');
      app.toss.setFaults({ errorRate: 0 });
      expect((await app.admin('/api/admin/reconcile')).status).to.equal(200);
      const [payment] = (await buyer.get('/api/payments')).body.payments;
      expect(payment).to.include({ status: 'cancelled', cancelled_amount: 9900 });
      expect(payment.refunds.map((r: { status: string }) => r.status)).to.deep.equal(['refunded']);
      expect(tossPaymentOf(order.merchant_uid)[0]).to.include({ status: 'CANCELED', balanceAmount: 0 });
    });
  });

  async function relogin(email: string): Promise<ApiClient> {
    const client = app.client();
    const res = await client.post('/api/auth/login', { email, password: 'correct horse' });
    expect(res.status, res.text).to.equal(200);
    return client;
  }

  describe('POST /api/payment/webhook/toss (PAYMENT_STATUS_CHANGED)', () => {
    it('re-fetches the payment: a DONE notice for a confirmed-at-Toss payment marks it paid, and again changes nothing', async () => {
      const { order, paymentKey } = await checkoutAndAuthorise();
      // The page never came back (closed tab); the payment was confirmed at Toss (e.g. by another path).
      const confirmed = await fetch(`${app.url}/sandbox/toss/v1/payments/confirm`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from('test_sk_sandbox:').toString('base64')}` },
        body: JSON.stringify({ paymentKey, orderId: order.merchant_uid, amount: 9900 }),
      });
      expect(confirmed.status).to.equal(200);
      const notice = { paymentKey, orderId: order.merchant_uid, status: 'DONE' };
      const first = await app.notify(notice);
      expect(first.status, first.text).to.equal(200);
      const afterFirst = (await buyer.get('/api/me')).body;
      expect(afterFirst.membership).to.include({ status: 'active' });
      for (let i = 0; i < 3; i += 1) expect((await app.notify(notice)).status).to.equal(200);
      const afterMore = (await buyer.get('/api/me')).body;
      expect(afterMore.membership).to.deep.equal(afterFirst.membership);
      const events = await app.database.database.knex('domain_events').where({ type: 'PaymentPaid' }).count({ n: '*' });
      expect(Number(events[0].n)).to.equal(1);
    });

    it('trusts Toss, not the notice: a forged DONE for an unconfirmed payment leaves it await', async () => {
      const { order, paymentKey } = await checkoutAndAuthorise();
      const res = await app.notify({ paymentKey, orderId: order.merchant_uid, status: 'DONE' });
      expect(res.status, res.text).to.equal(200);
      const [payment] = (await buyer.get('/api/payments')).body.payments;
      expect(payment.status).to.equal('await');
      expect((await buyer.get('/api/me')).body.payment_status).to.equal('off');
    });

    it('answers 200 {ignored:true} for an unknown order and 400 for a malformed event', async () => {
      const unknown = await app.notify({ paymentKey: 'tviva_unknown', orderId: 'mp_unknown_000000', status: 'DONE' });
      expect(unknown.status).to.equal(200);
      expect(unknown.body).to.include({ works: true, ignored: true });
      expectError(await app.client().post('/api/payment/webhook/toss', { eventType: 'DEPOSIT_CALLBACK', data: {} }), 400, 'invalid_request');
      expectError(await app.client().post('/api/payment/webhook/toss', { eventType: 'PAYMENT_STATUS_CHANGED', data: { paymentKey: 'x', orderId: 'y', status: 'done!' } }), 400, 'invalid_request');
    });
  });

  describe('PG-independent answers (DESIGN §6)', () => {
    it('keeps its codes: 409 no_active_membership, 409 no_billing_key, 401 logged out; healthz and readyz (a Toss key check) answer 200', async () => {
      expectError(await buyer.get('/api/membership/refund-quote'), 409, 'no_active_membership');
      expectError(await buyer.post('/api/membership/cancel', { refund: true }), 409, 'no_active_membership');
      await paidMembership();
      expectError(await buyer.post('/api/membership/auto-renew', { enabled: true }), 409, 'no_billing_key');
      expectError(await app.client().get('/api/me'), 401, 'unauthenticated');
      expectError(await app.client().get('/api/payments'), 401, 'unauthenticated');
      const healthz = await app.client().get('/healthz');
      expect(healthz.status).to.equal(200);
      const readyz = await app.client().get('/readyz');
      expect(readyz.status, readyz.text).to.equal(200);
    });
  });
});
