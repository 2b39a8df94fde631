import { expect } from 'chai';
import { createHttpApp } from '../../../src/app/http-app';
import { API_OPERATIONS } from '../../../src/app/openapi';
import type { ApiOperation } from '../../../src/shared/http/openapi-from-joi';
import { type MountedRoute, mountedRoutes } from '../../../src/shared/http/routing';
import type { HttpHarness } from '../../support/http-app';
import { memoryApp } from '../../support/memory-container';
import { fillPath, pathVariants, rawRequest, staticSegmentsOf } from '../../support/raw-http';
import { checkoutAndPay, type HarnessFactory, snapshot } from '../http/suites/harness';

export const ADMIN_TOKEN = 'security-admin-token-0123456789';

/** The credential a mounted route wants, as the API document declares it. */
function authOf(route: MountedRoute): ApiOperation['auth'] {
  const op = API_OPERATIONS.find((o) => o.method.toUpperCase() === route.method && o.path === route.path);
  if (!op) throw new Error(`${route.method} ${route.path} is mounted but not in the API document`);
  return op.auth;
}

/** Every route the app mounts with ADMIN_TOKEN set, read from its routers. */
function guardedRoutes(): Array<MountedRoute & { auth: 'session' | 'admin' | 'console' }> {
  const app = createHttpApp(memoryApp({ ADMIN_TOKEN }).container);
  return mountedRoutes(app)
    .map((route) => ({ ...route, auth: authOf(route) }))
    .filter((route): route is MountedRoute & { auth: 'session' | 'admin' | 'console' } => route.auth !== 'none');
}

const LIVE_WITHOUT_ADMIN_TOKEN = {
  IAMPORT_MODE: 'live', IMP_KEY: 'live_key', IMP_SECRET: 'live_secret', IMP_CODE: 'imp12345678',
  PUBLIC_URL: 'http://127.0.0.1:1', SESSION_SECRET: 'a-live-session-secret-0123456789',
};

/**
 * DESIGN §6 "Security rules": no spelling of a path reaches a guarded handler without its credential.
 * The routes are generated from the mounted routers; a paid payment exists, so a refund or a listing
 * that got through would show in the database or at the gateway.
 */
export function routeVariantsSuite(start: HarnessFactory): void {
  describe('route spellings never reach a guarded handler without its credential', function () {
    this.timeout(120_000);
    let h: HttpHarness;
    afterEach(async () => { await h?.close(); });

    it('the routes under test are the mounted ones: every admin and session route, more than a dozen', () => {
      const routes = guardedRoutes();
      expect(routes.filter((r) => r.auth === 'admin').length).to.be.greaterThan(5);
      expect(routes.filter((r) => r.auth === 'session').length).to.be.greaterThan(5);
      expect(routes.filter((r) => r.auth === 'console').length).to.be.greaterThan(10);
    });

    it('POST /API/admin/payments/:uid/refund with no token refunds nothing (the reported attack)', async () => {
      h = await start({ env: { ADMIN_TOKEN } });
      const buyer = h.client();
      await buyer.signUp();
      const { merchantUid, gatewayPaymentId } = await checkoutAndPay(h, buyer);
      await buyer.post('/api/payment/validation', { imp_uid: gatewayPaymentId, merchant_uid: merchantUid });
      const before = await snapshot(h);
      for (const prefix of ['/API/admin', '/Api/Admin', '/api/Admin', '/api/ADMIN', '/aPi/admin']) {
        const res = await rawRequest(h.url, {
          method: 'POST', path: `${prefix}/payments/${merchantUid}/refund`, headers: { 'Content-Type': 'application/json' }, body: '{"reason":"x"}',
        });
        expect(res.status, `${prefix}: ${res.text}`).to.be.oneOf([401, 404]);
        const list = await rawRequest(h.url, { method: 'GET', path: `${prefix}/payments` });
        expect(list.status, `${prefix}/payments: ${list.text}`).to.be.oneOf([401, 404]);
        expect(list.text).not.to.include(merchantUid);
      }
      expect(await snapshot(h)).to.equal(before);
    });

    it('every variant of every guarded route, every method, answers 401 or 404 without the credential, and nothing changes', async () => {
      h = await start({ env: { ADMIN_TOKEN } });
      const buyer = h.client();
      await buyer.signUp();
      const { merchantUid, gatewayPaymentId } = await checkoutAndPay(h, buyer);
      await buyer.post('/api/payment/validation', { imp_uid: gatewayPaymentId, merchant_uid: merchantUid });
      const before = await snapshot(h);
      const gatewayCalls = h.parts.gateway.calls.length;
      let requests = 0;
      for (const route of guardedRoutes()) {
        const canonical = fillPath(route.path, { merchant_uid: merchantUid });
        const body = route.method === 'GET' ? undefined : '{"reason":"x","refund":true,"plan":"monthly","enabled":true,"now":null}';
        const headers: Record<string, string> = body ? { 'Content-Type': 'application/json' } : {};
        const exact = await rawRequest(h.url, { method: route.method, path: canonical, headers, body });
        expect(exact.status, `${route.method} ${canonical}: ${exact.text}`).to.equal(401);
        for (const path of pathVariants(canonical, staticSegmentsOf(route.path))) {
          for (const method of [route.method, 'HEAD', 'OPTIONS']) {
            const res = await rawRequest(h.url, { method, path, headers, body: method === route.method ? body : undefined });
            requests += 1;
            expect(res.status, `${method} ${path} (${route.auth}): ${res.text}`).to.be.oneOf([401, 404]);
          }
        }
        for (const method of ['HEAD', 'OPTIONS']) {
          const res = await rawRequest(h.url, { method, path: canonical });
          expect(res.status, `${method} ${canonical} (${route.auth})`).to.be.oneOf(route.auth === 'admin' ? [401] : [401, 404, 204, 200, 405]);
        }
      }
      expect(requests).to.be.greaterThan(500);
      expect(await snapshot(h)).to.equal(before);
      expect(h.parts.gateway.calls.length).to.equal(gatewayCalls);
    });

    it('with the credential, the canonical spelling works (the sweep above is not vacuous)', async () => {
      h = await start({ env: { ADMIN_TOKEN } });
      const res = await rawRequest(h.url, { method: 'GET', path: '/api/admin/payments', headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(res.status, res.text).to.equal(200);
      const buyer = h.client();
      await buyer.signUp();
      expect((await buyer.get('/api/me')).status).to.equal(200);
    });

    it('a live instance without ADMIN_TOKEN has no admin API and no console API under any spelling or method', async () => {
      h = await start({ env: LIVE_WITHOUT_ADMIN_TOKEN });
      for (const route of guardedRoutes().filter((r) => r.auth === 'admin' || r.auth === 'console')) {
        const canonical = fillPath(route.path, { merchant_uid: 'mp_01JX0000000000000000000000' });
        for (const path of [canonical, ...pathVariants(canonical, staticSegmentsOf(route.path))]) {
          for (const method of [route.method, 'HEAD', 'OPTIONS']) {
            const res = await rawRequest(h.url, {
              method, path, headers: { 'Content-Type': 'application/json', Authorization: 'Bearer anything-at-all-0123456789' }, body: method === 'POST' ? '{"reason":"x"}' : undefined,
            });
            expect(res.status, `${method} ${path}: ${res.text}`).to.equal(404);
            expect(res.headers.allow, `${method} ${path} must not list methods`).to.equal(undefined);
          }
        }
      }
    });
  });
}
