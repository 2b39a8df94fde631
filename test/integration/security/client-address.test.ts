import { expect } from 'chai';
import { type HttpHarness, startHttpHarness, uniqueEmail } from '../../support/http-app';
import { rawRequest } from '../../support/raw-http';

/**
 * DESIGN §6 "Security rules", client address: TRUST_PROXY_HOPS (default 0) decides how much of
 * X-Forwarded-For is believed. The client writes every entry left of what our proxies appended,
 * so rotating those entries must neither escape the login limit nor pass the webhook allow-list.
 */
describe('security: the client address is what our proxies saw, never what the client wrote', function () {
  this.timeout(30_000);
  let h: HttpHarness;
  afterEach(async () => { await h?.close(); });

  async function loginAttempts(count: number, forwardedFor: (i: number) => string): Promise<number[]> {
    const statuses: number[] = [];
    const email = uniqueEmail('victim');
    for (let i = 0; i < count; i += 1) {
      const res = await rawRequest(h.url, {
        method: 'POST', path: '/api/auth/login', body: JSON.stringify({ email, password: 'wrong password' }),
        headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': forwardedFor(i) },
      });
      statuses.push(res.status);
    }
    return statuses;
  }

  it('TRUST_PROXY_HOPS=0 (the default): 25 wrong logins with a rotating X-Forwarded-For hit the limit after 10', async () => {
    h = await startHttpHarness({ persistence: 'sqlite', env: { TRUST_PROXY_HOPS: '0' } });
    const statuses = await loginAttempts(25, (i) => `10.0.${i}.1`);
    expect(statuses.slice(0, 10)).to.deep.equal(Array(10).fill(401));
    expect(statuses.slice(10)).to.deep.equal(Array(15).fill(429));
  });

  it('TRUST_PROXY_HOPS=1: entries the client prepends are ignored, the address our proxy appended counts', async () => {
    h = await startHttpHarness({ persistence: 'sqlite', env: { TRUST_PROXY_HOPS: '1' } });
    const statuses = await loginAttempts(25, (i) => `10.0.${i}.1, 198.51.100.7`);
    expect(statuses.slice(0, 10)).to.deep.equal(Array(10).fill(401));
    expect(statuses.slice(10)).to.deep.equal(Array(15).fill(429));
  });

  it('TRUST_PROXY_HOPS=1: two different clients behind the proxy have limits of their own', async () => {
    h = await startHttpHarness({ persistence: 'sqlite', env: { TRUST_PROXY_HOPS: '1' } });
    const email = uniqueEmail('shared');
    const attempt = (client: string) => rawRequest(h.url, {
      method: 'POST', path: '/api/auth/login', body: JSON.stringify({ email, password: 'wrong password' }),
      headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': client },
    });
    for (let i = 0; i < 10; i += 1) expect((await attempt('198.51.100.7')).status).to.equal(401);
    expect((await attempt('198.51.100.7')).status).to.equal(429);
    expect((await attempt('203.0.113.9')).status).to.equal(401);
  });

  for (const route of ['/api/payment/webhook', '/api/payment/webhook/toss']) {
    const notice = route.endsWith('toss')
      ? { eventType: 'PAYMENT_STATUS_CHANGED', createdAt: '2026-11-25T18:00:00.000', data: { paymentKey: 'pk_unknown', orderId: 'mp_unknown', status: 'DONE' } }
      : { imp_uid: 'imp_unknown', merchant_uid: 'mp_unknown', status: 'paid' };
    const post = (forwardedFor?: string) => rawRequest(h.url, {
      method: 'POST', path: route, body: JSON.stringify(notice),
      headers: { 'Content-Type': 'application/json', ...(forwardedFor ? { 'X-Forwarded-For': forwardedFor } : {}) },
    });

    it(`${route}: WEBHOOK_ALLOW_IPS is not passed by prepending an allowed address (TRUST_PROXY_HOPS=1)`, async () => {
      h = await startHttpHarness({ persistence: 'sqlite', env: { TRUST_PROXY_HOPS: '1', WEBHOOK_ALLOW_IPS: '1.2.3.4' } });
      const forged = await post('1.2.3.4, 5.6.7.8');
      expect(forged.status, forged.text).to.equal(403);
      expect(forged.body.error.code).to.equal('forbidden_sender');
      const real = await post('5.6.7.8, 1.2.3.4');
      expect(real.status, real.text).to.equal(200);
    });

    it(`${route}: with TRUST_PROXY_HOPS=0 X-Forwarded-For is ignored: the socket's address decides`, async () => {
      h = await startHttpHarness({ persistence: 'sqlite', env: { TRUST_PROXY_HOPS: '0', WEBHOOK_ALLOW_IPS: '1.2.3.4' } });
      expect((await post('1.2.3.4')).status).to.equal(403);
      expect((await post()).status).to.equal(403);
      await h.close();
      h = await startHttpHarness({ persistence: 'sqlite', env: { TRUST_PROXY_HOPS: '0', WEBHOOK_ALLOW_IPS: '127.0.0.1' } });
      expect((await post('1.2.3.4')).status).to.equal(200);
    });
  }
});
