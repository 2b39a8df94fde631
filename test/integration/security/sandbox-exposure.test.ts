import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import { expect } from 'chai';
import type { Context } from 'koa';
import { loadConfig } from '../../../src/config';
import { startSandboxServer, type SandboxServer } from '../../../src/sandbox/iamport/sandbox-server';
import { isLocalRequest } from '../../../src/sandbox/shared/sandbox-routes';
import { AppProcess, freePort } from '../../support/app-process';
import { rawRequest } from '../../support/raw-http';

/** An address of this machine that is not loopback, if it has one. */
function externalAddress(): string | null {
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) if (entry.family === 'IPv4' && !entry.internal) return entry.address;
  }
  return null;
}

function fakeContext(remote: string, local: string, headers: Record<string, string> = {}): Context {
  const socket = { remoteAddress: remote, localAddress: local } as Socket;
  return { req: { socket }, get: (name: string) => headers[name.toLowerCase()] ?? '' } as unknown as Context;
}

/** Someone relayed by a proxy on this machine: the socket is loopback, the request is not. */
const RELAYED = { 'X-Forwarded-For': '203.0.113.50' };

/**
 * DESIGN §6 "Security rules": HOST (loopback by default in sandbox mode), the sandboxes' control routes
 * and REST API for this machine only, and notices only to PUBLIC_URL's origin.
 */
describe('security: the sandbox is closed to everyone but this machine', function () {
  this.timeout(60_000);

  it('HOST defaults to 127.0.0.1 in sandbox mode and 0.0.0.0 in live mode, and is configurable', () => {
    expect(loadConfig({}).host).to.equal('127.0.0.1');
    expect(loadConfig({ PAYMENT_GATEWAY: 'toss' }).host).to.equal('127.0.0.1');
    const live = { IAMPORT_MODE: 'live', IMP_KEY: 'k', IMP_SECRET: 's', IMP_CODE: 'imp12345678', PUBLIC_URL: 'https://pay.example.com', SESSION_SECRET: 'x'.repeat(32) };
    expect(loadConfig(live).host).to.equal('0.0.0.0');
    expect(loadConfig({ HOST: '0.0.0.0' }).host).to.equal('0.0.0.0');
    expect(() => loadConfig({ HOST: 'not a host!' })).to.throw(/^config error: HOST/);
  });

  it('a request is local only from a loopback peer (or this machine\'s own address) with no proxy header', () => {
    expect(isLocalRequest(fakeContext('127.0.0.1', '127.0.0.1'))).to.equal(true);
    expect(isLocalRequest(fakeContext('::1', '::1'))).to.equal(true);
    expect(isLocalRequest(fakeContext('::ffff:127.0.0.1', '::ffff:127.0.0.1'))).to.equal(true);
    expect(isLocalRequest(fakeContext('10.0.0.5', '10.0.0.5'))).to.equal(true);
    expect(isLocalRequest(fakeContext('10.0.0.9', '10.0.0.5'))).to.equal(false);
    expect(isLocalRequest(fakeContext('203.0.113.50', '0.0.0.0'))).to.equal(false);
    expect(isLocalRequest(fakeContext('127.0.0.1', '127.0.0.1', { 'x-forwarded-for': '203.0.113.50' }))).to.equal(false);
    expect(isLocalRequest(fakeContext('127.0.0.1', '127.0.0.1', { forwarded: 'for=203.0.113.50' }))).to.equal(false);
    expect(isLocalRequest(fakeContext('127.0.0.1', '127.0.0.1', { 'x-real-ip': '203.0.113.50' }))).to.equal(false);
  });

  describe('npm start in sandbox mode', () => {
    let app: AppProcess;
    let url: string;
    let port: number;
    before(async () => {
      port = await freePort();
      url = `http://127.0.0.1:${port}`;
      app = new AppProcess({ PORT: String(port), DATABASE_URL: 'sqlite::memory:', PUBLIC_URL: url });
      await app.start();
    });
    after(async () => { await app.stop(); });

    it('listens on loopback only', async function () {
      const external = externalAddress();
      if (!external) this.skip(); // a machine with loopback only has nothing else to bind
      expect((await rawRequest(url, { method: 'GET', path: '/healthz' })).status).to.equal(200);
      const outside = await rawRequest(`http://${external}:${port}`, { method: 'GET', path: '/healthz' }).then((r) => r.status, (error: NodeJS.ErrnoException) => error.code);
      expect(outside).to.equal('ECONNREFUSED');
    });

    for (const [method, path] of [
      ['GET', '/sandbox/iamport/__sandbox/state'],
      ['GET', '/sandbox/iamport/__sandbox/control'],
      ['POST', '/sandbox/iamport/__sandbox/control'],
      ['POST', '/sandbox/iamport/__sandbox/reset'],
      ['POST', '/sandbox/iamport/__sandbox/customers/cu_x/card'],
      ['POST', '/sandbox/iamport/users/getToken'],
      ['POST', '/sandbox/iamport/payments/cancel'],
    ] as const) {
      it(`${method} ${path}: 403 to a relayed (remote) client, and it does nothing`, async () => {
        const body = path.endsWith('getToken') ? '{"imp_key":"sandbox_imp_key","imp_secret":"sandbox_imp_secret"}' : '{"errorRate":1,"failNext":100}';
        const res = await rawRequest(url, { method, path, headers: { ...RELAYED, 'Content-Type': 'application/json' }, body: method === 'POST' ? body : undefined });
        expect(res.status, res.text).to.equal(403);
        expect(res.text).not.to.match(/access_token|imp_uid|faults/);
      });
    }

    it('a relayed client cannot turn every checkout into a 503, and this machine still can read the knobs', async () => {
      await rawRequest(url, { method: 'POST', path: '/sandbox/iamport/__sandbox/control', headers: { ...RELAYED, 'Content-Type': 'application/json' }, body: '{"errorRate":1,"failNext":100}' });
      const knobs = await rawRequest(url, { method: 'GET', path: '/sandbox/iamport/__sandbox/control' });
      expect(knobs.status).to.equal(200);
      expect(knobs.body.faults).to.include({ errorRate: 0, failNext: 0 });
    });

    it('the sandbox routes match exactly: a capitalised control path is an unknown route', async () => {
      const res = await rawRequest(url, { method: 'GET', path: '/sandbox/iamport/__SANDBOX/state' });
      expect(res.status).to.equal(404);
      const prefix = await rawRequest(url, { method: 'GET', path: '/Sandbox/iamport/__sandbox/state' });
      expect(prefix.status).to.equal(404);
    });
  });

  describe('notices go to the app only', () => {
    let sb: SandboxServer;
    let app: Server;
    let elsewhere: Server;
    const appHits: string[] = [];
    const elsewhereHits: string[] = [];
    const listen = async (hits: string[]): Promise<{ server: Server; url: string }> => {
      const server = createServer((req, res) => { hits.push(req.url ?? ''); res.end('ok'); });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
    };
    before(async () => {
      const a = await listen(appHits);
      const e = await listen(elsewhereHits);
      app = a.server;
      elsewhere = e.server;
      sb = await startSandboxServer({ env: {}, webhookUrl: `${a.url}/api/payment/webhook` });
      (sb as unknown as { elsewhereUrl: string }).elsewhereUrl = e.url;
    });
    after(async () => {
      await sb.close();
      for (const server of [app, elsewhere]) {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    });

    it('a notice_url on another origin is never called (no SSRF); the notice goes to the app', async () => {
      const elsewhereUrl = (sb as unknown as { elsewhereUrl: string }).elsewhereUrl;
      const res = await fetch(`${sb.url}/__sandbox/pay`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ imp_code: 'imp_sandbox', card: 'success', params: { merchant_uid: 'ssrf-1', amount: 1000, notice_url: `${elsewhereUrl}/internal/admin` } }),
      });
      expect(res.status).to.equal(200);
      const until = Date.now() + 1500;
      while (appHits.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 200));
      expect(elsewhereHits).to.deep.equal([]);
      expect(appHits).to.deep.equal(['/api/payment/webhook']);
    });
  });
});
