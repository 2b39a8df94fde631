// The V2 sandbox as a server: what the official SDK needs of it (JSON from text/plain bodies, a typed
// error for every non-2xx), who may call it, the signed notices and their fault knobs, and the
// page-facing router the app mounts on its own port.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import Koa from 'koa';
import { Webhook } from '@portone/server-sdk';
import { createPortOneBrowserRouter } from '../../../src/sandbox/portone/portone-sandbox';
import { startPortOneSandboxServer, type PortOneSandboxServer } from '../../../src/sandbox/portone/portone-sandbox-server';
import { PortOneSandboxGatewayDriver } from '../../support/gateway-drivers';
import { rawRequest } from '../../support/raw-http';

const RELAYED = { 'X-Forwarded-For': '203.0.113.50' };

interface Hit {
  path: string;
  body: string;
  headers: IncomingHttpHeaders;
  at: number;
}

async function listen(hits: Hit[]): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      hits.push({ path: req.url ?? '', body, headers: req.headers, at: Date.now() });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

async function until(check: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

describe('PortOne V2 sandbox server', function () {
  this.timeout(10_000);
  let running: PortOneSandboxServer;
  let auth: Record<string, string>;
  let driver: PortOneSandboxGatewayDriver;
  let app: { server: Server; url: string };
  let elsewhere: { server: Server; url: string };
  let appHits: Hit[];
  let elsewhereHits: Hit[];

  beforeEach(async () => {
    appHits = [];
    elsewhereHits = [];
    app = await listen(appHits);
    elsewhere = await listen(elsewhereHits);
    running = await startPortOneSandboxServer({ port: 0, webhookUrl: `${app.url}/api/payment/webhook/portone` });
    const { apiSecret, storeId, channelKey } = running.sandbox.options;
    auth = { Authorization: `PortOne ${apiSecret}` };
    driver = new PortOneSandboxGatewayDriver(running.url, { storeId, channelKey });
  });
  afterEach(async () => {
    await running.close();
    await stop(app.server);
    await stop(elsewhere.server);
  });

  describe('the REST surface', () => {
    it('reads a JSON body whatever its content type (the SDK sends text/plain), and answers a non-JSON one with 400 INVALID_REQUEST', async () => {
      for (const type of ['text/plain;charset=UTF-8', 'application/json', undefined]) {
        const res = await rawRequest(running.url, {
          method: 'POST', path: `/payments/order-${type?.length ?? 0}/pre-register`,
          headers: { ...auth, ...(type ? { 'Content-Type': type } : {}) }, body: '{"totalAmount":9900,"currency":"KRW"}',
        });
        expect(res.status, `${type}: ${res.text}`).to.equal(200);
      }
      expect(running.sandbox.store.preRegistrations.get('order-24')).to.deep.equal({ totalAmount: 9900, currency: 'KRW' });
      const bad = await rawRequest(running.url, { method: 'POST', path: '/payments/order-1/pre-register', headers: { ...auth, 'Content-Type': 'text/plain' }, body: 'totalAmount=9900' });
      expect(bad.status).to.equal(400);
      expect(bad.body).to.include({ type: 'INVALID_REQUEST' });
      const form = await rawRequest(running.url, { method: 'POST', path: '/payments/order-1/pre-register', headers: { ...auth, 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'totalAmount=1' });
      expect(form.status).to.equal(400);
      expect(running.sandbox.store.preRegistrations.get('order-1')).to.equal(undefined);
    });

    it('answers 401 UNAUTHORIZED without `PortOne <secret>` (a Bearer token of the secret is not it)', async () => {
      for (const headers of [{}, { Authorization: `Bearer ${running.sandbox.options.apiSecret}` }, { Authorization: 'PortOne wrong' }] as Array<Record<string, string>>) {
        const res = await rawRequest(running.url, { method: 'GET', path: '/payments/order-1', headers });
        expect(res.status).to.equal(401);
        expect(res.body).to.deep.equal({ type: 'UNAUTHORIZED', message: res.body.message });
      }
    });

    it('gives every other path, spelling or method a JSON {type, message} 404, never a text page', async () => {
      const paid = 'order-known';
      await driver.buyerPays({ merchantUid: paid, amount: 1000 });
      for (const [method, path] of [
        ['GET', '/nope'], ['GET', `/Payments/${paid}`], ['GET', `/payments/${paid}/`], ['GET', `//payments/${paid}`],
        ['POST', `/payments/${paid}/CANCEL`], ['PUT', `/payments/${paid}`], ['GET', `/%70ayments/${paid}`], ['GET', '/v2/payments/x'],
      ] as const) {
        const res = await rawRequest(running.url, { method, path, headers: auth });
        expect(res.status, `${method} ${path}`).to.equal(404);
        expect(res.body, `${method} ${path}`).to.include({ type: 'NOT_FOUND' });
      }
      expect((await rawRequest(running.url, { method: 'GET', path: `/payments/${paid}`, headers: auth })).body).to.include({ id: paid, status: 'PAID' });
    });

    it('reads an escaped paymentId as the paymentId', async () => {
      await driver.buyerPays({ merchantUid: 'order/with space', amount: 1000 });
      const res = await rawRequest(running.url, { method: 'GET', path: '/payments/order%2Fwith%20space', headers: auth });
      expect(res.body).to.include({ id: 'order/with space' });
    });

    it('answers another store than the secret\'s own with 403 FORBIDDEN, in the body or the query', async () => {
      const inBody = await rawRequest(running.url, { method: 'POST', path: '/payments/o-1/pre-register', headers: auth, body: '{"storeId":"store-other","totalAmount":1}' });
      const inQuery = await rawRequest(running.url, { method: 'GET', path: '/payments/o-1?storeId=store-other', headers: auth });
      expect([inBody.status, inQuery.status]).to.deep.equal([403, 403]);
      expect(inBody.body).to.include({ type: 'FORBIDDEN' });
    });

    it('injects 500 and hangs through the control knobs, with V2-shaped bodies', async () => {
      await fetch(`${running.url}/__sandbox/control`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"failNext":1,"hangNext":1,"hangMs":150}' });
      const hung = await rawRequest(running.url, { method: 'GET', path: '/payments/o-1', headers: auth });
      expect(hung.status).to.equal(504);
      expect(hung.body).to.include({ type: 'GATEWAY_TIMEOUT' });
      const failed = await rawRequest(running.url, { method: 'GET', path: '/payments/o-1', headers: auth });
      expect(failed.status).to.equal(500);
      expect(failed.body).to.include({ type: 'INTERNAL_SERVER_ERROR' });
      expect((await rawRequest(running.url, { method: 'GET', path: '/payments/o-1', headers: auth })).body).to.include({ type: 'PAYMENT_NOT_FOUND' });
    });
  });

  describe('this machine only', () => {
    for (const [method, path, body] of [
      ['GET', '/payments/o-1', undefined],
      ['POST', '/payments/o-1/pre-register', '{"totalAmount":1}'],
      ['DELETE', '/billing-keys/billing-key-1', undefined],
      ['GET', '/__sandbox/state', undefined],
      ['GET', '/__sandbox/control', undefined],
      ['POST', '/__sandbox/control', '{"errorRate":1,"failNext":100}'],
      ['POST', '/__sandbox/reset', undefined],
      ['POST', '/__sandbox/billing-keys/billing-key-1/card', '{"card":"declined"}'],
    ] as const) {
      it(`${method} ${path}: 403 to a relayed (remote) client, and it does nothing`, async () => {
        await driver.buyerPays({ merchantUid: 'order-kept', amount: 1000, customerUid: 'member-kept' });
        const res = await rawRequest(running.url, { method, path, headers: { ...auth, ...RELAYED, 'Content-Type': 'application/json' }, body });
        expect(res.status, res.text).to.equal(403);
        expect(res.text).to.not.match(/faults|payments|billingKey/);
        expect(running.sandbox.faults.current).to.include({ errorRate: 0, failNext: 0 });
        expect(running.sandbox.store.preRegistrations.size).to.equal(0);
        expect(running.sandbox.store.paymentOf('order-kept')?.status).to.equal('PAID');
        expect([...running.sandbox.store.billingKeys.values()].map((k) => [k.info.status, k.card])).to.deep.equal([['ISSUED', 'success']]);
      });
    }
  });

  describe('not from web pages', () => {
    for (const [method, path, type, body] of [
      ['POST', '/__sandbox/reset', 'application/x-www-form-urlencoded', 'x=1'],
      ['POST', '/__sandbox/control', 'text/plain', '{"failNext":100}'],
      ['POST', '/__sandbox/billing-keys/KEY/card', 'text/plain', '{"card":"declined"}'],
      ['GET', '/__sandbox/state', undefined, undefined],
    ] as const) {
      it(`${method} ${path} from a page of another site (Origin set) is refused, and changes nothing`, async () => {
        await driver.buyerPays({ merchantUid: 'order-kept', amount: 1000, customerUid: 'member-kept' });
        const billingKey = driver.billingKeyOf('member-kept') as string;
        const res = await rawRequest(running.url, {
          method, path: path.replace('KEY', billingKey), headers: { Origin: 'https://evil.example', ...(type ? { 'Content-Type': type } : {}) }, body,
        });
        expect(res.status, res.text).to.equal(403);
        expect(running.sandbox.store.paymentOf('order-kept')?.status).to.equal('PAID');
        expect(running.sandbox.faults.current.failNext).to.equal(0);
        expect(running.sandbox.store.billingKeys.get(billingKey)?.card).to.equal('success');
      });
    }

    it('still lets the page open the window cross-origin (CORS), as the real SDK talks to PortOne from any site', async () => {
      const preflight = await rawRequest(running.url, { method: 'OPTIONS', path: '/__sandbox/window/open', headers: { Origin: 'http://127.0.0.1:3000', 'Access-Control-Request-Method': 'POST' } });
      expect(preflight.status).to.equal(204);
      expect(preflight.headers['access-control-allow-origin']).to.equal('*');
    });
  });

  describe('signed notices', () => {
    const verify = (hit: Hit) => Webhook.verify(running.sandbox.options.webhookSecret, hit.body, hit.headers as Record<string, string>);

    it('signs each notice for the app\'s webhook route; V2 times in the body come from the sandbox clock, the signature\'s from the wall clock', async () => {
      await running.close();
      const testClock = new Date('2031-05-01T00:00:00Z');
      running = await startPortOneSandboxServer({ port: 0, webhookUrl: `${app.url}/api/payment/webhook/portone`, now: () => testClock });
      const { storeId, channelKey } = running.sandbox.options;
      await new PortOneSandboxGatewayDriver(running.url, { storeId, channelKey }).buyerPays({ merchantUid: 'order-n1', amount: 1000 });
      await until(() => appHits.length === 1);
      expect(appHits[0].path).to.equal('/api/payment/webhook/portone');
      const event = await verify(appHits[0]) as { type: string; timestamp: string; data: Record<string, string> };
      expect(event).to.include({ type: 'Transaction.Paid', timestamp: '2031-05-01T00:00:00.000Z' });
      expect(event.data).to.include({ paymentId: 'order-n1', storeId });
    });

    it('sends billing-key events too (issued, deleted)', async () => {
      await driver.buyerPays({ merchantUid: 'order-b1', amount: 1000, customerUid: 'member-1' });
      const billingKey = driver.billingKeyOf('member-1') as string;
      await rawRequest(running.url, { method: 'DELETE', path: `/billing-keys/${billingKey}`, headers: auth });
      await until(() => appHits.length === 3);
      const types = await Promise.all(appHits.map(async (h) => ((await verify(h)) as { type: string }).type));
      expect(types).to.deep.equal(['BillingKey.Issued', 'Transaction.Paid', 'BillingKey.Deleted']);
    });

    it('honours noticeUrls on the app\'s origin only: another origin is never called (no SSRF)', async () => {
      const { storeId, channelKey } = running.sandbox.options;
      const pay = (paymentId: string, noticeUrls: string[]) => fetch(`${running.url}/__sandbox/window/submit`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ transactionType: 'PAYMENT', card: 'success', request: { storeId, channelKey, paymentId, orderName: 'x', totalAmount: 1000, currency: 'KRW', payMethod: 'CARD', noticeUrls } }),
      });
      await pay('order-s1', [`${elsewhere.url}/internal/admin`]);
      await pay('order-s2', [`${app.url}/hooks/portone-v2`]);
      await until(() => appHits.length === 2);
      await new Promise((r) => setTimeout(r, 150));
      expect(elsewhereHits).to.deep.equal([]);
      expect(appHits.map((h) => h.path).sort()).to.deep.equal(['/api/payment/webhook/portone', '/hooks/portone-v2']);
    });

    it('drops a notice when told to, and logs it', async () => {
      running.sandbox.setFaults({ webhook: { drop: 1 } });
      await driver.buyerPays({ merchantUid: 'order-d1', amount: 1000 });
      await new Promise((r) => setTimeout(r, 150));
      expect(appHits).to.deep.equal([]);
      expect(running.sandbox.notifier.log.map((l) => l.outcome)).to.deep.equal(['dropped']);
    });

    it('duplicates a notice as a retry: the same webhook-id and body, each copy signed', async () => {
      running.sandbox.setFaults({ webhook: { duplicate: 1 } });
      await driver.buyerPays({ merchantUid: 'order-u1', amount: 1000 });
      await until(() => appHits.length === 2);
      expect(appHits[0].headers['webhook-id']).to.equal(appHits[1].headers['webhook-id']);
      expect(appHits[0].body).to.equal(appHits[1].body);
      for (const hit of appHits) await verify(hit);
    });

    it('delays a notice, and sends a pair newest first when told to reorder', async () => {
      running.sandbox.setFaults({ webhook: { delayMs: 200 } });
      const startedAt = Date.now();
      await driver.buyerPays({ merchantUid: 'order-l1', amount: 1000 });
      await until(() => appHits.length === 1);
      expect(appHits[0].at - startedAt).to.be.at.least(190);

      appHits.length = 0;
      running.sandbox.setFaults({ webhook: { delayMs: 0, reorder: true } });
      await driver.buyerPays({ merchantUid: 'order-r1', amount: 1000 });
      await rawRequest(running.url, { method: 'POST', path: '/payments/order-r1/cancel', headers: auth, body: '{"reason":"r","amount":100}' });
      await until(() => appHits.length === 2);
      const types = await Promise.all(appHits.map(async (h) => ((await verify(h)) as { type: string }).type));
      expect(types).to.deep.equal(['Transaction.PartialCancelled', 'Transaction.Paid']);
    });

    it('forgets pending notices and the log on reset', async () => {
      running.sandbox.setFaults({ webhook: { delayMs: 300 } });
      await driver.buyerPays({ merchantUid: 'order-x1', amount: 1000 });
      await fetch(`${running.url}/__sandbox/reset`, { method: 'POST' });
      await new Promise((r) => setTimeout(r, 400));
      expect(appHits).to.deep.equal([]);
      expect(running.sandbox.store.payments.size).to.equal(0);
      expect(running.sandbox.faults.current.webhook.delayMs).to.equal(0);
    });
  });

  describe('the page-facing router on the app\'s port', () => {
    let page: Server;
    let pageUrl: string;
    beforeEach(async () => {
      const koa = new Koa();
      koa.use(createPortOneBrowserRouter(running.sandbox, { prefix: '/sandbox/portone' }).routes());
      page = createServer(koa.callback());
      await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
      pageUrl = `http://127.0.0.1:${(page.address() as AddressInfo).port}`;
    });
    afterEach(() => stop(page));

    it('serves sdk.js and the window under its prefix, on the same state as the REST port', async () => {
      const sdk = await fetch(`${pageUrl}/sandbox/portone/sdk.js`);
      expect(sdk.headers.get('content-type')).to.match(/javascript/);
      expect(await sdk.text()).to.include('window.PortOne');

      const { storeId, channelKey } = running.sandbox.options;
      const request = { storeId, channelKey, paymentId: 'order-p1', orderName: '월간 멤버십', totalAmount: 9900, currency: 'KRW', payMethod: 'CARD' };
      const opened = await (await fetch(`${pageUrl}/sandbox/portone/__sandbox/window/open`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ transactionType: 'PAYMENT', request }) })).json();
      expect(opened).to.deep.include({ ok: true });
      expect(opened.window).to.include({ orderName: '월간 멤버십', amount: 9900 });
      const { result } = await (await fetch(`${pageUrl}/sandbox/portone/__sandbox/window/submit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ transactionType: 'PAYMENT', request, card: 'success' }) })).json();
      expect(result).to.include({ transactionType: 'PAYMENT', paymentId: 'order-p1' });
      expect(result).to.not.have.property('code');
      expect((await rawRequest(running.url, { method: 'GET', path: '/payments/order-p1', headers: auth })).body).to.include({ status: 'PAID' });
    });

    it('keeps the REST API off the app\'s port, and its control routes for this machine only', async () => {
      expect((await fetch(`${pageUrl}/sandbox/portone/payments/order-p1`, { headers: auth })).status).to.equal(404);
      const relayed = await rawRequest(pageUrl, { method: 'GET', path: '/sandbox/portone/__sandbox/state', headers: RELAYED });
      expect(relayed.status).to.equal(403);
      expect((await rawRequest(pageUrl, { method: 'GET', path: '/sandbox/portone/__sandbox/state' })).status).to.equal(200);
    });
  });
});
