import { expect } from 'chai';
import sinon from 'sinon';
import type { ApiClient, HttpHarness } from '../../../support/http-app';
import { expectError, type HarnessFactory, startWithBuyer } from './harness';

export function idempotencySuite(start: HarnessFactory): void {
  describe('Idempotency-Key', () => {
    let h: HttpHarness;
    let buyer: ApiClient;
    beforeEach(async () => {
      ({ h, buyer } = await startWithBuyer(start));
    });
    afterEach(async () => {
      sinon.restore();
      await h.close();
    });

    const countPayments = async (client: ApiClient) => (await client.get('/api/payments')).body.payments.length;

    it('replays the first answer, status and body, with Idempotent-Replayed: true; one payment only', async () => {
      const key = { 'Idempotency-Key': 'checkout-1' };
      const first = await buyer.post('/api/payment/checkout', { plan: 'monthly' }, key);
      expect(first.status).to.equal(201);
      expect(first.headers.get('Idempotent-Replayed')).to.equal(null);
      const again = await buyer.post('/api/payment/checkout', { plan: 'monthly' }, key);
      expect(again.status).to.equal(201);
      expect(again.body).to.deep.equal(first.body);
      expect(again.headers.get('Idempotent-Replayed')).to.equal('true');
      expect(await countPayments(buyer)).to.equal(1);
    });

    it('compares bodies as parsed JSON after aliases: key order and `type` vs `pay_method` do not matter', async () => {
      const key = { 'Idempotency-Key': 'checkout-2' };
      const first = await buyer.request('POST', '/api/payment/checkout', { raw: '{"plan":"monthly","type":"card"}', headers: key });
      const again = await buyer.request('POST', '/api/payment/checkout', { raw: '{ "pay_method": "card",  "plan": "monthly" }', headers: key });
      expect(again.headers.get('Idempotent-Replayed')).to.equal('true');
      expect(again.body).to.deep.equal(first.body);
    });

    it('refuses the same key with another body: 422 idempotency_key_reused', async () => {
      const key = { 'Idempotency-Key': 'checkout-3' };
      await buyer.post('/api/payment/checkout', { plan: 'monthly' }, key);
      expectError(await buyer.post('/api/payment/checkout', { plan: 'annual' }, key), 422, 'idempotency_key_reused');
      expect(await countPayments(buyer)).to.equal(1);
    });

    it('refuses the same key while the first request is still running: 409 idempotency_key_in_use', async () => {
      const gateway = h.parts.gateway;
      const prepare = gateway.prepare.bind(gateway);
      let release!: () => void;
      const held = new Promise<void>((resolve) => { release = resolve; });
      sinon.stub(gateway, 'prepare').callsFake(async (request) => { await held; return prepare(request); });
      const key = { 'Idempotency-Key': 'checkout-4' };
      const first = buyer.post('/api/payment/checkout', { plan: 'monthly' }, key);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expectError(await buyer.post('/api/payment/checkout', { plan: 'monthly' }, key), 409, 'idempotency_key_in_use');
      release();
      expect((await first).status).to.equal(201);
      expect((await buyer.post('/api/payment/checkout', { plan: 'monthly' }, key)).headers.get('Idempotent-Replayed')).to.equal('true');
      expect(await countPayments(buyer)).to.equal(1);
    });

    it('lets exactly one of eight concurrent requests with one key run', async () => {
      const key = { 'Idempotency-Key': 'race-1' };
      const answers = await Promise.all(Array.from({ length: 8 }, () => buyer.post('/api/payment/checkout', { plan: 'monthly' }, key)));
      const ran = answers.filter((a) => a.status === 201 && a.headers.get('Idempotent-Replayed') === null);
      expect(ran).to.have.length(1);
      for (const other of answers.filter((a) => !ran.includes(a))) {
        if (other.status === 201) expect(other.body).to.deep.equal(ran[0].body);
        else expectError(other, 409, 'idempotency_key_in_use');
      }
      expect(await countPayments(buyer)).to.equal(1);
    });

    it('stores and replays 4xx answers', async () => {
      const key = { 'Idempotency-Key': 'checkout-5' };
      expectError(await buyer.post('/api/payment/checkout', { plan: 'lifetime' }, key), 400, 'unknown_plan');
      const again = await buyer.post('/api/payment/checkout', { plan: 'lifetime' }, key);
      expectError(again, 400, 'unknown_plan');
      expect(again.headers.get('Idempotent-Replayed')).to.equal('true');
    });

    it('does not store 5xx answers: the same key may try again', async () => {
      const key = { 'Idempotency-Key': 'checkout-6' };
      h.parts.gateway.scriptNext('prepare', 'unknown');
      expectError(await buyer.post('/api/payment/checkout', { plan: 'monthly' }, key), 503, 'gateway_unavailable');
      const retry = await buyer.post('/api/payment/checkout', { plan: 'monthly' }, key);
      expect(retry.status).to.equal(201);
      expect(retry.headers.get('Idempotent-Replayed')).to.equal(null);
    });

    it('scopes keys to the user and the route', async () => {
      const key = { 'Idempotency-Key': 'shared-key' };
      const mine = await buyer.post('/api/payment/checkout', { plan: 'monthly' }, key);
      const other = h.client();
      await other.signUp();
      const theirs = await other.post('/api/payment/checkout', { plan: 'monthly' }, key);
      expect(theirs.status).to.equal(201);
      expect(theirs.headers.get('Idempotent-Replayed')).to.equal(null);
      expect(theirs.body.merchant_uid).not.to.equal(mine.body.merchant_uid);
      const elsewhere = await buyer.post('/api/payment/failure', { merchant_uid: mine.body.merchant_uid }, key);
      expect(elsewhere.status).to.equal(200);
      expect(elsewhere.headers.get('Idempotent-Replayed')).to.equal(null);
    });

    it('keeps answers 24 hours', async () => {
      const key = { 'Idempotency-Key': 'checkout-7' };
      await buyer.post('/api/payment/checkout', { plan: 'monthly' }, key);
      h.parts.clock.advance(23 * 60 * 60 * 1000);
      expect((await buyer.post('/api/payment/checkout', { plan: 'monthly' }, key)).headers.get('Idempotent-Replayed')).to.equal('true');
      h.parts.clock.advance(60 * 60 * 1000 + 1000);
      const fresh = await buyer.post('/api/payment/checkout', { plan: 'monthly' }, key);
      expect(fresh.status).to.equal(201);
      expect(fresh.headers.get('Idempotent-Replayed')).to.equal(null);
    });

    it('works for anonymous POSTs (the webhook), scoped by address', async () => {
      const key = { 'Idempotency-Key': 'notice-1' };
      const body = { imp_uid: 'imp_x', merchant_uid: 'mp_nobody', status: 'paid' };
      await h.client('10.1.0.1').post('/api/payment/webhook', body, key);
      expect((await h.client('10.1.0.1').post('/api/payment/webhook', body, key)).headers.get('Idempotent-Replayed')).to.equal('true');
      expect((await h.client('10.1.0.2').post('/api/payment/webhook', body, key)).headers.get('Idempotent-Replayed')).to.equal(null);
    });

    it('refuses a key over 255 characters with 400 invalid_request', async () => {
      expectError(await buyer.post('/api/payment/checkout', { plan: 'monthly' }, { 'Idempotency-Key': 'k'.repeat(256) }), 400, 'invalid_request');
      expect(await countPayments(buyer)).to.equal(0);
    });

    it('without a key, every checkout makes a new payment', async () => {
      await buyer.post('/api/payment/checkout', { plan: 'monthly' });
      await buyer.post('/api/payment/checkout', { plan: 'monthly' });
      expect(await countPayments(buyer)).to.equal(2);
    });
  });
}
