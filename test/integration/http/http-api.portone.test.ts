// The HTTP API with PAYMENT_GATEWAY=portone: the real app over HTTP, knex on SQLite, the real
// PortOneGateway against the V2 sandbox on its own port, the browser stand-in on the app's port.
// What V2 changes (checkout's `client`, validation by payment_id, the signed notice route) and what
// it must not (DESIGN §6's paths and codes).
import { createHmac } from 'node:crypto';
import { expect } from 'chai';
import type { MembershipRepository } from '../../../src/membership/application/membership-repository.port';
import { MEMBERSHIP } from '../../../src/membership/membership.tokens';
import { PAYMENT } from '../../../src/payment/payment.tokens';
import type { WebhookReceiptStore } from '../../../src/payment/application/webhook-receipt-store.port';
import { PORTONE_SANDBOX_DEFAULTS } from '../../../src/sandbox/portone/portone-sandbox';
import type { AppConfig } from '../../../src/config';
import type { ApiClient } from '../../support/http-app';
import { startPortOneHttpApp, type PortOneHttpApp } from '../../support/portone-http-app';
import { expectError } from './suites/harness';

/** A Standard Webhooks signature (`v1,<base64 HMAC-SHA256 of id.timestamp.body>`) under `secret`. */
function signed(body: string, secret: string = PORTONE_SANDBOX_DEFAULTS.webhookSecret, id = `msg_${Date.now()}`) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
}

describe('HTTP API over real HTTP with PortOne V2 (SQLite, PortOneGateway against the V2 sandbox)', function () {
  this.timeout(20_000);
  let app: PortOneHttpApp;
  let buyer: ApiClient;

  beforeEach(async () => {
    app = await startPortOneHttpApp();
    // The sandbox's own notices would race the assertions below; the webhook tests sign their own.
    app.portone.sandbox.setFaults({ webhook: { drop: 1 } });
    buyer = app.client();
    await buyer.signUp({ name: 'Kim Buyer' });
  });
  afterEach(async () => {
    await app.close();
  });

  async function checkout(body: object = { plan: 'monthly' }) {
    const res = await buyer.post('/api/payment/checkout', body);
    expect(res.status, res.text).to.equal(201);
    return res.body;
  }

  async function paidMembership() {
    const order = await checkout();
    const window = await app.pay(order.client);
    expect(window.code, JSON.stringify(window)).to.equal(undefined);
    const res = await buyer.post('/api/payment/validation', { payment_id: window.paymentId });
    expect(res.status, res.text).to.equal(200);
    return order;
  }

  const postWebhook = (body: string, headers: Record<string, string>) =>
    fetch(`${app.url}/api/payment/webhook/portone`, { method: 'POST', headers, body }).then(async (r) => ({ status: r.status, body: await r.json() as any }));

  describe('POST /api/payment/checkout', () => {
    it('answers gateway portone and a `client` for PortOne.requestPayment, the amount pre-registered at PortOne', async () => {
      const order = await checkout();
      expect(order).to.include({ works: true, gateway: 'portone', amount: 9900, name: '월간 멤버십', buyer_name: 'Kim Buyer', pay_method: 'card', imp_code: null });
      expect(order.client).to.deep.equal({
        sdk_url: '/sandbox/portone/sdk.js', store_id: PORTONE_SANDBOX_DEFAULTS.storeId, channel_key: PORTONE_SANDBOX_DEFAULTS.channelKey,
        payment_id: order.merchant_uid, order_name: '월간 멤버십', total_amount: 9900, currency: 'KRW', pay_method: 'CARD',
      });
      // Pre-registered: the window refuses any other amount.
      const tampered = await app.pay({ ...order.client, total_amount: 100 });
      expect(tampered.code).to.equal('AmountNotEqualToPredefined');
      const [payment] = (await buyer.get('/api/payments')).body.payments;
      expect(payment).to.include({ merchant_uid: order.merchant_uid, status: 'await', amount: 9900, gateway: 'portone' });
    });
  });

  describe('POST /api/payment/validation with payment_id', () => {
    it('re-fetches the payment at PortOne: 200 paid and the membership active', async () => {
      const order = await checkout();
      const window = await app.pay(order.client);
      const res = await buyer.post('/api/payment/validation', { payment_id: window.paymentId, amount: 1, status: 'paid' });
      expect(res.status, res.text).to.equal(200);
      expect(res.body).to.include({ works: true, status: 'paid' });
      expect(res.body.payment).to.include({ merchant_uid: order.merchant_uid, status: 'paid', amount: 9900, gateway: 'portone' });
      expect(res.body.membership).to.include({ status: 'active', plan: 'monthly' });
    });

    it('a declined card ends failed (422 payment_not_paid); an unknown payment_id is 404 payment_not_found', async () => {
      const order = await checkout();
      const window = await app.pay(order.client, 'declined');
      expect(window.code).to.equal('PGProviderError');
      const res = await buyer.post('/api/payment/validation', { payment_id: order.merchant_uid });
      expectError(res, 422, 'payment_not_paid');
      expect(res.body.payment).to.include({ status: 'failed', failure_code: 'card_declined' });
      expectError(await buyer.post('/api/payment/validation', { payment_id: 'no-such-order' }), 404, 'payment_not_found');
    });

    it('refuses a body with neither merchant_uid nor payment_id (400 invalid_request)', async () => {
      expectError(await buyer.post('/api/payment/validation', { billing_key: 'x' }), 400, 'invalid_request');
    });
  });

  describe('POST /api/payment/failure with payment_id', () => {
    it('asks PortOne: a card declined in the window is card_declined, the buyer\'s cancel user_cancelled, a closed window window_closed', async () => {
      for (const [card, action, expected] of [['declined', 'pay', 'card_declined'], ['success', 'cancel', 'user_cancelled']] as const) {
        const order = await checkout();
        const window = await app.pay(order.client, card, action);
        expect(window.code).to.equal('PGProviderError');
        const res = await buyer.post('/api/payment/failure', { merchant_uid: order.merchant_uid, payment_id: window.paymentId, error_code: window.code, error_msg: window.message });
        expect(res.status, res.text).to.equal(200);
        expect(res.body.payment).to.include({ status: 'failed', failure_code: expected });
      }
      const order = await checkout();
      const res = await buyer.post('/api/payment/failure', { merchant_uid: order.merchant_uid, payment_id: order.merchant_uid, error_code: 'PGProviderError', error_msg: 'closed' });
      expect(res.body.payment).to.include({ status: 'failed', failure_code: 'window_closed' });
    });
  });

  describe('auto-renew with a billing key (requestIssueBillingKey)', () => {
    it('charges the first period with the issued key, keeps it on the membership, and renews with it under renewal-<membershipId>-2', async () => {
      const order = await checkout({ plan: 'monthly', auto_renew: true });
      expect(order.client.customer_id).to.equal(order.customer_uid);
      const window = await app.issueBillingKey(order.client);
      expect(window.code, JSON.stringify(window)).to.equal(undefined);
      const res = await buyer.post('/api/payment/validation', { payment_id: order.client.payment_id, billing_key: window.billingKey, customer_key: order.client.customer_id });
      expect(res.status, res.text).to.equal(200);
      expect(res.body.membership).to.include({ status: 'active', auto_renew: true });
      const me = (await buyer.get('/api/me')).body;
      const record = await app.container.get<MembershipRepository>(MEMBERSHIP.MembershipRepository).findLatestByUserId(me.user.id);
      expect(record?.billingKey, 'the V2 billing key, not our customer id').to.equal(window.billingKey);

      await app.admin('/api/admin/clock', { now: new Date(new Date(me.membership.current_period_end).getTime() + 60_000).toISOString() });
      const run = await app.admin('/api/admin/renewals/run', {});
      expect(run.status, run.text).to.equal(200);
      expect(run.body).to.include({ charged: 1, failed: 0 });
      const renewal = [...app.portone.sandbox.store.payments.values()].map((r) => r.payment).find((p) => p.id.startsWith('renewal-'));
      expect(renewal?.id).to.match(/^renewal-.+-2$/);
      expect(renewal).to.include({ status: 'PAID', billingKey: window.billingKey });
    });

    it('refuses a billing key issued for another customer (422 payment_not_paid, the gateway code in details) and charges nothing', async () => {
      const order = await checkout({ plan: 'monthly', auto_renew: true });
      const window = await app.issueBillingKey({ ...order.client, customer_id: 'cu_someone_else' });
      const res = await buyer.post('/api/payment/validation', { payment_id: order.client.payment_id, billing_key: window.billingKey, customer_key: order.client.customer_id });
      expectError(res, 422, 'payment_not_paid');
      expect(res.body.error.details).to.deep.equal({ gateway_code: 'BILLING_KEY_OF_ANOTHER_CUSTOMER' });
      const [payment] = (await buyer.get('/api/payments')).body.payments;
      expect(payment.status).to.not.equal('paid');
      expect(app.portone.sandbox.store.payments.get(order.merchant_uid), 'nothing charged at PortOne').to.equal(undefined);
    });
  });

  describe('free trials: requestIssueBillingKey stores the card, POST /api/membership/trial/confirm {billing_key} checks it (issue 21)', () => {
    const withTrial = (config: AppConfig): AppConfig => ({ ...config, plans: config.plans.map((p) => (p.id === 'monthly' ? { ...p, trialDays: 14 } : p)) });
    const charges = () => [...app.portone.sandbox.store.payments.values()].map((r) => r.payment).filter((p) => p.status === 'PAID');
    const memberships = () => app.container.get<MembershipRepository>(MEMBERSHIP.MembershipRepository);

    beforeEach(async () => {
      await app.close();
      app = await startPortOneHttpApp({}, withTrial);
      app.portone.sandbox.setFaults({ webhook: { drop: 1 } });
      // Frozen so the offer's trial_ends_at is the trial's own.
      app.clock.freezeAt(app.clock.now());
      buyer = app.client();
      await buyer.signUp({ name: 'Kim Buyer' });
    });

    async function offerTrial() {
      const offer = await buyer.post('/api/membership/trial', { plan: 'monthly' });
      expect(offer.status, offer.text).to.equal(200);
      expect(offer.body).to.include({ gateway: 'portone', amount: 0, trial_days: 14 });
      expect(offer.body.client).to.include({ customer_id: offer.body.customer_uid, store_id: PORTONE_SANDBOX_DEFAULTS.storeId });
      return offer.body;
    }

    it('stores the card without a charge, and the renewal at the trial\'s end charges the plan price once with the consent', async () => {
      const offer = await offerTrial();
      expectError(await buyer.post('/api/membership/trial/confirm', { plan: 'monthly' }), 409, 'card_not_stored');
      expectError(await buyer.post('/api/membership/trial/confirm', { plan: 'monthly', billing_key: 'billing-key-nobody-knows' }), 409, 'card_not_stored');
      const foreign = await app.issueBillingKey({ ...offer.client, customer_id: 'cu_someone_else' });
      const refused = await buyer.post('/api/membership/trial/confirm', { plan: 'monthly', billing_key: foreign.billingKey });
      expectError(refused, 502, 'gateway_rejected');
      expect(refused.body.error.details).to.deep.equal({ gateway_code: 'BILLING_KEY_OF_ANOTHER_CUSTOMER' });

      const window = await app.issueBillingKey(offer.client);
      expect(window.code, JSON.stringify(window)).to.equal(undefined);
      const started = await buyer.post('/api/membership/trial/confirm', { plan: 'monthly', billing_key: window.billingKey });
      expect(started.status, started.text).to.equal(201);
      expect(started.body.membership).to.include({ status: 'active', auto_renew: true, trial_ends_at: offer.trial_ends_at });
      expect(charges(), 'nothing charged at PortOne').to.deep.equal([]);
      const userId = (await buyer.get('/api/me')).body.user.id as string;
      expect((await memberships().findLatestByUserId(userId))?.billingKey, 'the V2 billing key').to.equal(window.billingKey);

      await app.admin('/api/admin/renewals/run', {});
      const [consent] = (await buyer.get('/api/membership/consents')).body.consents;
      expect(consent).to.include({ old_amount: 0, new_amount: 9900, effective_at: offer.trial_ends_at });
      expect((await buyer.post(`/api/membership/consents/${consent.id}`, { accept: true })).status).to.equal(200);

      await app.admin('/api/admin/clock', { now: new Date(new Date(offer.trial_ends_at).getTime() + 60_000).toISOString() });
      const run = await app.admin('/api/admin/renewals/run', {});
      expect(run.status, run.text).to.equal(200);
      expect(run.body).to.include({ charged: 1, failed: 0 });
      expect((await app.admin('/api/admin/renewals/run', {})).body.charged).to.equal(0);
      const charged = charges();
      expect(charged).to.have.length(1);
      expect(charged[0]).to.include({ billingKey: window.billingKey });
      expect(charged[0].amount.paid).to.equal(9900);
      expect(charged[0].id).to.match(/^renewal-/);
      expect((await memberships().findLatestByUserId(userId))?.status).to.equal('active');
    });

    it('one trial per member per plan: a second trial of the plan is 409 (membership_exists while it runs)', async () => {
      const offer = await offerTrial();
      const window = await app.issueBillingKey(offer.client);
      expect((await buyer.post('/api/membership/trial/confirm', { plan: 'monthly', billing_key: window.billingKey })).status).to.equal(201);
      expectError(await buyer.post('/api/membership/trial/confirm', { plan: 'monthly', billing_key: window.billingKey }), 409, 'membership_exists');
      expectError(await buyer.post('/api/membership/trial', { plan: 'monthly' }), 409, 'membership_exists');
    });
  });

  describe('refunds', () => {
    it('POST /api/membership/cancel {refund:true} cancels the whole amount at PortOne and ends the membership', async () => {
      const order = await paidMembership();
      const res = await buyer.post('/api/membership/cancel', { refund: true });
      expect(res.status, res.text).to.equal(200);
      expect(res.body.refund).to.deep.equal({ amount: 9900, status: 'refunded' });
      expect(res.body.membership.status).to.equal('cancelled');
      const atPortOne = app.portone.sandbox.store.payments.get(order.merchant_uid);
      expect(atPortOne?.payment).to.include({ status: 'CANCELLED' });
    });
  });

  describe('POST /api/payment/webhook/portone (Standard Webhooks signature)', () => {
    it('answers 401 invalid_signature to an unsigned or badly signed notice and changes nothing', async () => {
      const order = await checkout();
      const window = await app.pay(order.client);
      expect(window.code).to.equal(undefined);
      const body = JSON.stringify({ type: 'Transaction.Paid', timestamp: new Date().toISOString(), data: { paymentId: order.merchant_uid, transactionId: window.txId } });
      const receipts = app.container.get<WebhookReceiptStore>(PAYMENT.WebhookReceiptStore);

      const unsigned = await postWebhook(body, { 'content-type': 'application/json' });
      expect(unsigned.status).to.equal(401);
      expect(unsigned.body).to.deep.include({ works: false });
      expect(unsigned.body.error.code).to.equal('invalid_signature');
      const wrongSecret = await postWebhook(body, signed(body, 'whsec_' + Buffer.from('not our secret').toString('base64')));
      expect(wrongSecret.status).to.equal(401);
      expect(wrongSecret.body.error.code).to.equal('invalid_signature');
      const headers = signed(body);
      const tampered = await postWebhook(body.replace('Transaction.Paid', 'Transaction.Cancelled'), headers);
      expect(tampered.status).to.equal(401);

      const [payment] = (await buyer.get('/api/payments')).body.payments;
      expect(payment.status, 'the payment is untouched').to.equal('await');
      expect(await receipts.listSince(new Date(0), 10), 'no receipt is stored').to.deep.equal([]);
    });

    it('stores a signed notice and applies what PortOne answers on re-fetch: a lost page still ends paid', async () => {
      const order = await checkout();
      await app.pay(order.client);
      const body = JSON.stringify({ type: 'Transaction.Paid', timestamp: new Date().toISOString(), data: { paymentId: order.merchant_uid, storeId: PORTONE_SANDBOX_DEFAULTS.storeId } });
      const res = await postWebhook(body, signed(body));
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body).to.deep.equal({ works: true, outcome: 'applied' });
      const [payment] = (await buyer.get('/api/payments')).body.payments;
      expect(payment.status).to.equal('paid');
      expect((await buyer.get('/api/me')).body.membership).to.include({ status: 'active' });
    });
  });
});
