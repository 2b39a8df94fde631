import { expect } from 'chai';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../../src/config';
import { buildContainer } from '../../../src/app/container';
import { createHttpApp } from '../../../src/app/http-app';
import { silentLogger } from '../../../src/shared/infrastructure/logger';
import { ApiClient, type HttpHarness, startHttpHarness } from '../../support/http-app';
import { rawRequest } from '../../support/raw-http';
import { checkoutAndPay, expectError, expectNoStack } from '../http/suites/harness';

const ADMIN_TOKEN = 'operations-admin-token-0123456789';
const METRICS_TOKEN = 'operations-metrics-token-0123456789';
const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };

/** The app on memory persistence with the configured (real) PG adapter. */
async function startConfiguredApp(env: Record<string, string>) {
  const container = buildContainer(loadConfig({ LOG_LEVEL: 'silent', ...env }), { logger: silentLogger(), persistence: 'memory', gateway: 'configured' });
  const server = createServer(createHttpApp(container, { staticDir: null }).callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** DESIGN §6 "Security rules": admin OPTIONS/HEAD, bounded test-clock times, 5xx bodies without internals, METRICS_TOKEN. */
describe('security: admin methods, the test clock\'s range, 5xx bodies, /metrics', function () {
  this.timeout(30_000);
  let h: HttpHarness;
  afterEach(async () => { await h?.close(); });

  it('OPTIONS and HEAD on admin paths answer 404 without ADMIN_TOKEN, and list no methods', async () => {
    h = await startHttpHarness({ persistence: 'sqlite' });
    for (const method of ['OPTIONS', 'HEAD', 'GET', 'POST', 'PUT', 'DELETE']) {
      const res = await rawRequest(h.url, { method, path: '/api/admin/payments' });
      expect(res.status, `${method}: ${res.text}`).to.equal(404);
      expect(res.headers.allow).to.equal(undefined);
    }
  });

  it('with ADMIN_TOKEN, OPTIONS/HEAD/PUT without the token answer 401 like the other methods; with it, OPTIONS lists the methods', async () => {
    h = await startHttpHarness({ persistence: 'sqlite', env: { ADMIN_TOKEN } });
    for (const method of ['OPTIONS', 'HEAD', 'PUT', 'DELETE', 'PATCH']) {
      const res = await rawRequest(h.url, { method, path: '/api/admin/payments' });
      expect(res.status, `${method}: ${res.text}`).to.equal(401);
      expect(res.headers.allow).to.equal(undefined);
    }
    const options = await rawRequest(h.url, { method: 'OPTIONS', path: '/api/admin/payments', headers: admin });
    expect(options.status).to.equal(204);
    expect(options.headers.allow).to.equal('HEAD, GET, OPTIONS');
    const put = await rawRequest(h.url, { method: 'PUT', path: '/api/admin/payments', headers: admin });
    expect(put.status).to.equal(405);
    expect(put.body.error.code).to.equal('method_not_allowed');
  });

  for (const [path, field, value] of [
    ['/api/admin/renewals/run', 'as_of', '+047000-01-01T00:00:00.000Z'],
    ['/api/admin/renewals/run', 'as_of', '2100-01-01T00:00:00.001Z'],
    ['/api/admin/renewals/run', 'as_of', '1999-12-31T23:59:59.999Z'],
    ['/api/admin/clock', 'now', '+047000-01-01T00:00:00.000Z'],
    ['/api/admin/clock', 'now', '1970-01-01T00:00:00.000Z'],
  ] as const) {
    it(`POST ${path} {${field}: ${value}} -> 400 invalid_request, and no membership expires`, async () => {
      h = await startHttpHarness({ persistence: 'sqlite', env: { ADMIN_TOKEN } });
      const buyer = h.client();
      await buyer.signUp();
      const { merchantUid, gatewayPaymentId } = await checkoutAndPay(h, buyer);
      await buyer.post('/api/payment/validation', { merchant_uid: merchantUid, imp_uid: gatewayPaymentId });
      const before = (await buyer.get('/api/me')).body;
      const clockBefore = h.parts.clock.now().toISOString();
      const res = await h.client().post(path, { [field]: value }, admin);
      expectError(res, 400, 'invalid_request');
      expect((await buyer.get('/api/me')).body).to.deep.equal(before);
      expect(h.parts.clock.now().toISOString()).to.equal(clockBefore);
    });
  }

  it('the test clock still takes times inside 2000..2100', async () => {
    h = await startHttpHarness({ persistence: 'sqlite', env: { ADMIN_TOKEN } });
    const res = await h.client().post('/api/admin/clock', { now: '2099-12-31T00:00:00.000Z' }, admin);
    expect(res.status, res.text).to.equal(200);
  });

  it('a 503 says the gateway did not answer, without the host, path or library error behind it', async () => {
    h = await startHttpHarness({ persistence: 'sqlite' });
    const buyer = h.client();
    await buyer.signUp();
    h.parts.gateway.scriptNext('prepare', 'unknown', 'iamport could not be reached for POST https://api.iamport.kr/users/getToken (ENOTFOUND)');
    const res = await buyer.post('/api/payment/checkout', { plan: 'monthly' });
    expectError(res, 503, 'gateway_unavailable');
    expect(res.text).not.to.match(/iamport\.kr|getToken|ENOTFOUND|https?:\/\//);
    expectNoStack(res);
  });

  it('the real Iamport adapter, its API unreachable: checkout answers 503 with no address, path or error code of the attempt', async () => {
    const app = await startConfiguredApp({ IAMPORT_API_URL: 'http://127.0.0.1:1/iamport-behind-the-scenes', GATEWAY_TIMEOUT_MS: '500' });
    try {
      const buyer = new ApiClient(app.url);
      await buyer.signUp();
      const res = await buyer.post('/api/payment/checkout', { plan: 'monthly' });
      expectError(res, 503, 'gateway_unavailable');
      expect(res.text).not.to.match(/127\.0\.0\.1|:1\b|iamport-behind-the-scenes|getToken|ECONNREFUSED/);
    } finally {
      await app.close();
    }
  });

  it('METRICS_TOKEN: /metrics answers 401 without the bearer token and Prometheus text with it', async () => {
    h = await startHttpHarness({ persistence: 'sqlite', env: { METRICS_TOKEN } });
    expectError(await h.client().get('/metrics'), 401, 'unauthenticated');
    expect((await rawRequest(h.url, { method: 'GET', path: '/Metrics' })).status).to.equal(404);
    const ok = await h.client().get('/metrics', { Authorization: `Bearer ${METRICS_TOKEN}` });
    expect(ok.status).to.equal(200);
    expect(ok.text).to.include('memberpay_http_request_duration_seconds');
  });

  it('without METRICS_TOKEN /metrics stays open (the operator\'s network policy guards it)', async () => {
    h = await startHttpHarness({ persistence: 'sqlite' });
    expect((await h.client().get('/metrics')).status).to.equal(200);
  });
});
