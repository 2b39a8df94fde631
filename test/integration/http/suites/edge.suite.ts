import { expect } from 'chai';
import type { ApiClient, ApiResponse, HttpHarness } from '../../../support/http-app';
import { checkoutAndPay, expectError, expectNoStack, type HarnessFactory, snapshot } from './harness';

/** Thirty bodies no endpoint should accept: wrong types, wrong shapes, hostile strings, broken encodings. */
function malformedBodies(): Array<{ raw: string; contentType?: string }> {
  const json = (v: unknown) => ({ raw: JSON.stringify(v) });
  return [
    { raw: '' },
    { raw: '{' },
    { raw: '{"plan":' },
    { raw: 'null' },
    { raw: '[]' },
    { raw: '"a string"' },
    { raw: '42' },
    { raw: 'true' },
    { raw: "{'single':'quotes'}" },
    { raw: '{"a":1,}' },
    { raw: '\u0000\u0001\u0002' },
    { raw: '<xml/>', contentType: 'application/xml' },
    { raw: 'plan=monthly', contentType: 'text/plain' },
    json({}),
    json({ plan: null, merchant_uid: null, imp_uid: null, email: null, password: null, status: null }),
    json({ plan: 123, merchant_uid: 123, imp_uid: 456, email: 1, password: 2, name: 3, status: 4 }),
    json({ plan: ['monthly'], merchant_uid: ['x'], imp_uid: ['y'], email: ['a'], password: ['b'], status: ['paid'] }),
    json({ plan: { $gt: '' }, merchant_uid: { $ne: null }, imp_uid: { a: 1 }, email: { a: 1 }, password: { a: 1 }, status: { a: 1 } }),
    json({ plan: '', merchant_uid: '', imp_uid: '', email: '', password: '', name: '', status: '' }),
    json({ plan: 'x'.repeat(5000), merchant_uid: 'm'.repeat(5000), imp_uid: 'i'.repeat(5000), email: `${'e'.repeat(5000)}@x.io`, status: 's'.repeat(5000) }),
    json({ plan: "monthly' OR '1'='1", merchant_uid: "' OR 1=1 --", imp_uid: '"; DROP TABLE payments; --', email: "a'@b.c", status: "paid'" }),
    json({ plan: '../../etc/passwd', merchant_uid: '../../etc/passwd', imp_uid: '..\\..\\', status: '../paid' }),
    json({ plan: 'monthly', pay_method: 'CARD!!', auto_renew: 'maybe', merchant_uid: ' ', imp_uid: '\t', status: 'PAID!' }),
    json({ plan: 'monthly', auto_renew: { nested: true }, merchant_uid: 'mp', imp_uid: 'x\u0000y', status: 'paid\n' }),
    json({ __proto__: { admin: true }, constructor: { prototype: { polluted: true } } }),
    json({ email: 'a@b.c', password: 'p'.repeat(500), name: 'n'.repeat(500), merchant_uid: 'mp\u00e9\u4e2d', imp_uid: '\u{1F4A9}', status: 'ready ready' }),
    json({ plan: 1e309, merchant_uid: -1, imp_uid: NaN, status: 0 }),
    json({ plan: true, merchant_uid: false, imp_uid: true, email: false, password: true, status: false }),
    { raw: '{"plan":"monthly","plan":{"x":1}}' },
    { raw: '\uFEFF{"plan": "\\ud800"}' },
  ];
}

export function edgeSuite(start: HarnessFactory): void {
  describe('edges: malformed bodies, limits, errors, headers, static files', () => {
    let h: HttpHarness;
    let buyer: ApiClient;
    beforeEach(async () => {
      h = await start();
      buyer = h.client();
      await buyer.signUp();
    });
    afterEach(async () => { await h.close(); });

    const postEndpoints = ['/api/auth/signup', '/api/auth/login', '/api/payment/checkout', '/api/payment/validation', '/api/payment/failure', '/api/payment/webhook'];

    it('has thirty distinct malformed bodies', () => {
      const bodies = malformedBodies();
      expect(bodies).to.have.length(30);
      expect(new Set(bodies.map((b) => `${b.contentType}|${b.raw}`)).size).to.equal(30);
    });

    for (const path of postEndpoints) {
      it(`answers 4xx, never 5xx, to 30 malformed bodies on ${path}, and nothing changes`, async () => {
        // A real order exists, so a malformed validation or webhook has something it could wrongly touch.
        await checkoutAndPay(h, buyer);
        const before = await snapshot(h);
        const me = (await buyer.get('/api/me')).body;
        for (const body of malformedBodies()) {
          const res = await buyer.request('POST', path, { raw: body.raw, contentType: body.contentType });
          expect(res.status, `${path} ${body.raw.slice(0, 60)} -> ${res.status} ${res.text}`).to.be.within(400, 499);
          expect(res.body?.works, res.text).to.equal(false);
          expect(res.body.error.code).to.be.a('string');
          expectNoStack(res);
        }
        expect(await snapshot(h)).to.equal(before);
        expect((await buyer.get('/api/me')).body).to.deep.equal(me);
      });
    }

    // Was a defect on PostgreSQL, whose text cannot hold U+0000: a name or a login email carrying
    // one answered 500 (the other engines stored it). Refused at the edge on every engine.
    it('answers 400 invalid_request to a NUL character in a text field otherwise valid, and signs up no one', async () => {
      const signup = await h.client().post('/api/auth/signup', { email: 'nul@example.com', password: 'correct horse', name: 'Kim\u0000Buyer' });
      expect(signup.status, signup.text).to.equal(400);
      expect(signup.body.error).to.deep.include({ code: 'invalid_request', details: [{ field: 'name', message: 'name must not contain the NUL character' }] });
      const login = await h.client().post('/api/auth/login', { email: 'kim\u0000@example.com', password: 'correct horse' });
      expect(login.status, login.text).to.equal(400);
      const nested = await buyer.post('/api/payment/checkout', { plan: 'monthly', extra: { deep: ['ok', 'no\u0000'] } });
      expect(nested.status, nested.text).to.equal(400);
      expect(nested.body.error.details).to.deep.equal([{ field: 'extra.deep.1', message: 'extra.deep.1 must not contain the NUL character' }]);
      const retry = await h.client().post('/api/auth/signup', { email: 'nul@example.com', password: 'correct horse', name: 'Kim Buyer' });
      expect(retry.status, 'the email is still free').to.equal(201);
    });

    it('answers 413 payload_too_large over the 32kb JSON limit', async () => {
      const res = await buyer.post('/api/payment/checkout', { plan: 'monthly', filler: 'x'.repeat(40 * 1024) });
      expectError(res, 413, 'payload_too_large');
    });

    it('answers 413 for an oversized form webhook too', async () => {
      const res = await h.client().request('POST', '/api/payment/webhook', { form: { imp_uid: 'i', merchant_uid: 'm', status: 'paid', filler: 'x'.repeat(40 * 1024) } });
      expectError(res, 413, 'payload_too_large');
    });

    it('answers 400 invalid_request to broken JSON', async () => {
      expectError(await buyer.request('POST', '/api/payment/checkout', { raw: '{"plan": mon' }), 400, 'invalid_request');
    });

    it('answers unknown routes 404 not_found and wrong methods 405', async () => {
      expectError(await buyer.get('/api/nothing-here'), 404, 'not_found');
      expectError(await buyer.post('/api/nothing-here', {}), 404, 'not_found');
      expectError(await buyer.get('/api/payment/checkout'), 405, 'method_not_allowed');
    });

    it('answers 500 internal_error with no stack and no detail when something unexpected breaks', async () => {
      const payments = h.parts.payments;
      payments.listByUser = async () => { throw new Error('database exploded at /srv/secret/path.ts:12'); };
      const res = await buyer.get('/api/payments');
      expectError(res, 500, 'internal_error');
      expect(res.text).not.to.include('exploded');
      expect(res.body.error).to.have.all.keys('code', 'message');
    });

    it('echoes a sane X-Request-Id and makes one otherwise', async () => {
      const given = await buyer.get('/api/plans', { 'X-Request-Id': 'abc-123' });
      expect(given.headers.get('X-Request-Id')).to.equal('abc-123');
      const made = await buyer.get('/api/plans', { 'X-Request-Id': 'bad id with spaces <script>' });
      expect(made.headers.get('X-Request-Id')).to.match(/^[0-9a-f-]{36}$/);
    });

    it('sends security headers', async () => {
      const res = await buyer.get('/api/plans');
      expect(res.headers.get('x-content-type-options')).to.equal('nosniff');
      expect(res.headers.get('content-security-policy')).to.include("default-src 'self'");
      expect(res.headers.get('x-frame-options')).to.equal('SAMEORIGIN');
      expect(res.headers.get('x-powered-by')).to.equal(null);
    });

    it('answers /healthz and /readyz with {works, db, gateway}', async () => {
      const live = await h.client().get('/healthz');
      expect(live.status).to.equal(200);
      expect(live.body).to.have.all.keys('works', 'db', 'gateway');
      const ready = await h.client().get('/readyz');
      expect(ready.status).to.equal(200);
      expect(ready.body).to.deep.equal({ works: true, db: 'ok', gateway: 'ok' });
    });

    it('answers /readyz 503 when the gateway cannot give a token', async () => {
      h.parts.gateway.scriptNext('ping', 'unknown');
      const ready = await h.client().get('/readyz');
      expect(ready.status).to.equal(503);
      expect(ready.body).to.deep.equal({ works: false, db: 'ok', gateway: 'down' });
    });

    it('serves the web page at / with its content types, and no file outside it', async () => {
      const index = await h.client().get('/');
      expect(index.status).to.equal(200);
      expect(index.headers.get('content-type')).to.equal('text/html; charset=utf-8');
      const script = await h.client().get('/app.js');
      expect(script.headers.get('content-type')).to.equal('text/javascript; charset=utf-8');
      // The configured PG's browser script, from its own folder, under the page's origin.
      const gateway = await h.client().get('/gateway.js');
      expect(gateway.status).to.equal(200);
      expect(gateway.headers.get('content-type')).to.equal('text/javascript; charset=utf-8');
      expect(gateway.text).to.include('export async function open(order, page)');
      for (const path of ['/../package.json', '/%2e%2e/package.json', '/..%2fpackage.json', '/%2e%2e%2f%2e%2e%2fetc%2fpasswd', '/web-page.ts', '/.git/config', '/app.js%00.html']) {
        const res: ApiResponse = await h.client().get(path);
        expect(res.status, path).to.equal(404);
        expect(res.text).not.to.include('"name": "memberpay"');
      }
    });
  });
}
