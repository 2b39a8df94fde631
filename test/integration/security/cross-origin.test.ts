import { expect } from 'chai';
import { createHttpApp } from '../../../src/app/http-app';
import { mountedRoutes } from '../../../src/shared/http/routing';
import type { ApiClient, HttpHarness } from '../../support/http-app';
import { startHttpHarness } from '../../support/http-app';
import { memoryApp } from '../../support/memory-container';
import { fillPath, rawRequest } from '../../support/raw-http';
import { checkoutAndPay, snapshot } from '../http/suites/harness';

const ADMIN_TOKEN = 'cross-origin-admin-token-0123456789';
const PAGE = 'https://pay.example.com';
const EVIL = 'https://evil.example';
const SIBLING = 'https://evil.pay.example.com';

/** Every state-changing route the app mounts, read from its routers. */
function stateChangingRoutes() {
  return mountedRoutes(createHttpApp(memoryApp({ ADMIN_TOKEN }).container)).filter((r) => r.method !== 'GET');
}
const isWebhook = (path: string) => path.startsWith('/api/payment/webhook');
const isAdmin = (path: string) => path.startsWith('/api/admin/');

/** A form a hostile page makes the buyer's browser post: every field a route could read. */
const FORM = 'email=victim%40example.com&password=attacker-pass&name=x&plan=monthly&refund=true&enabled=false&merchant_uid=mp_x&imp_uid=imp_x&reason=x';

/**
 * DESIGN §6 "Security rules": state-changing routes take JSON only (415 otherwise; the webhooks also
 * take forms), and a route that uses the session answers an `Origin` other than PUBLIC_URL's with
 * 403 `forbidden_origin`. Checked on every state-changing route, as a logged-in buyer's browser would
 * send it, and nothing may change.
 */
describe('security: cross-origin and form-encoded writes', function () {
  this.timeout(60_000);
  let h: HttpHarness;
  let buyer: ApiClient;
  let cookie: string;
  let merchantUid: string;
  beforeEach(async () => {
    h = await startHttpHarness({ persistence: 'sqlite', env: { PUBLIC_URL: PAGE, ADMIN_TOKEN } });
    buyer = h.client();
    await buyer.signUp();
    ({ merchantUid } = await checkoutAndPay(h, buyer, 'paid', { plan: 'monthly', auto_renew: true }));
    const paid = await buyer.post('/api/payment/validation', { merchant_uid: merchantUid, imp_uid: h.parts.gateway.allPayments()[0].gatewayPaymentId });
    expect(paid.status, paid.text).to.equal(200);
    cookie = [...buyer.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  });
  afterEach(async () => { await h.close(); });

  it('covers the mounted state-changing routes (more than ten, webhooks and admin among them)', () => {
    const routes = stateChangingRoutes();
    expect(routes.length).to.be.greaterThan(10);
    expect(routes.some((r) => isWebhook(r.path))).to.equal(true);
    expect(routes.some((r) => isAdmin(r.path))).to.equal(true);
  });

  it('a form post from another site (or a sibling subdomain, or an opaque origin) changes nothing on any session route', async () => {
    const before = await snapshot(h);
    const me = (await buyer.get('/api/me')).body;
    const gatewayCalls = h.parts.gateway.calls.length;
    for (const route of stateChangingRoutes().filter((r) => !isWebhook(r.path) && !isAdmin(r.path))) {
      for (const origin of [EVIL, SIBLING, 'null']) {
        for (const [type, body] of [['application/x-www-form-urlencoded', FORM], ['text/plain', '{"plan":"monthly"}'], ['application/json', '{"plan":"monthly","refund":true,"enabled":false}']]) {
          const res = await rawRequest(h.url, { method: route.method, path: fillPath(route.path, {}), headers: { Cookie: cookie, Origin: origin, 'Content-Type': type }, body });
          expect(res.status, `${route.method} ${route.path} from ${origin} as ${type}: ${res.text}`).to.equal(403);
          expect(res.body.error.code).to.equal('forbidden_origin');
          expect(res.headers['set-cookie'], 'no session is started or changed').to.equal(undefined);
        }
      }
    }
    expect(await snapshot(h)).to.equal(before);
    expect((await buyer.get('/api/me')).body).to.deep.equal(me);
    expect(h.parts.gateway.calls.length).to.equal(gatewayCalls);
  });

  it('even from our own page, every state-changing route but the webhooks refuses a form or text body with 415', async () => {
    const before = await snapshot(h);
    for (const route of stateChangingRoutes().filter((r) => !isWebhook(r.path))) {
      for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x']) {
        const res = await rawRequest(h.url, {
          method: route.method, path: fillPath(route.path, { merchant_uid: merchantUid }),
          headers: { Cookie: cookie, Origin: PAGE, 'Content-Type': type, Authorization: `Bearer ${ADMIN_TOKEN}` }, body: FORM,
        });
        expect(res.status, `${route.method} ${route.path} as ${type}: ${res.text}`).to.equal(415);
        expect(res.body.error.code).to.equal('unsupported_media_type');
      }
    }
    expect(await snapshot(h)).to.equal(before);
  });

  it('login CSRF: a cross-site login form sets no session', async () => {
    const res = await rawRequest(h.url, { method: 'POST', path: '/api/auth/login', headers: { Origin: EVIL, 'Content-Type': 'application/x-www-form-urlencoded' }, body: FORM });
    expect(res.status).to.equal(403);
    expect(res.headers['set-cookie']).to.equal(undefined);
  });

  it('our own page (PUBLIC_URL origin) and clients that send no Origin work as before', async () => {
    const fromPage = await rawRequest(h.url, { method: 'POST', path: '/api/payment/checkout', headers: { Cookie: cookie, Origin: PAGE, 'Content-Type': 'application/json' }, body: '{"plan":"monthly"}' });
    expect(fromPage.status, fromPage.text).to.equal(201);
    const noOrigin = await rawRequest(h.url, { method: 'POST', path: '/api/payment/checkout', headers: { Cookie: cookie, 'Content-Type': 'application/json; charset=utf-8' }, body: '{"plan":"monthly"}' });
    expect(noOrigin.status, noOrigin.text).to.equal(201);
    const bare = await rawRequest(h.url, { method: 'POST', path: '/api/auth/logout', headers: { Cookie: cookie, Origin: PAGE } });
    expect(bare.status, bare.text).to.equal(204);
  });

  it('the webhooks take forms and JSON from anywhere (the PG uses no cookie), and the admin API, with its token, any Origin', async () => {
    const form = await rawRequest(h.url, { method: 'POST', path: '/api/payment/webhook', headers: { Origin: EVIL, 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'imp_uid=imp_nobody&merchant_uid=mp_nobody&status=paid' });
    expect(form.status, form.text).to.equal(200);
    const admin = await rawRequest(h.url, { method: 'POST', path: '/api/admin/reconcile', headers: { Origin: EVIL, Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' }, body: '{}' });
    expect(admin.status, admin.text).to.equal(200);
  });
});

describe('security: a loopback PUBLIC_URL accepts the other loopback names of the same port', () => {
  let h: HttpHarness;
  afterEach(async () => { await h.close(); });

  it('http://localhost:3000 and http://127.0.0.1:3000 are the same page; another port is not', async () => {
    h = await startHttpHarness({ persistence: 'sqlite', env: { PUBLIC_URL: 'http://127.0.0.1:3000' } });
    const signUp = (origin: string, email: string) => rawRequest(h.url, {
      method: 'POST', path: '/api/auth/signup', headers: { Origin: origin, 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password: 'correct horse', name: 'Kim' }),
    });
    expect((await signUp('http://127.0.0.1:3000', 'a@example.com')).status).to.equal(201);
    expect((await signUp('http://localhost:3000', 'b@example.com')).status).to.equal(201);
    expect((await signUp('http://localhost:3001', 'c@example.com')).status).to.equal(403);
    expect((await signUp('https://localhost:3000', 'd@example.com')).status).to.equal(403);
  });
});
