import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { startSandboxServer, type SandboxServer } from '../../../src/sandbox/iamport/sandbox-server.js';
import { createIamportSandbox } from '../../../src/sandbox/iamport/iamport-sandbox.js';
import type { Notice } from '../../../src/sandbox/iamport/sandbox-notifier.js';

interface Envelope<T = any> {
  code: number;
  message: string | null;
  response: T;
}
interface Answer<T = any> {
  status: number;
  body: T;
}

const KEY = 'sandbox_imp_key';
const SECRET = 'sandbox_imp_secret';
const START = new Date('2026-11-25T09:00:00.000Z');

describe('Iamport sandbox over HTTP', function () {
  this.timeout(5000);
  let sb: SandboxServer;
  let clock: Date;
  let hooks: Server;
  let hooksUrl: string;
  let received: Array<{ path: string; body: Notice }>;

  async function call<T = Envelope>(method: string, path: string, opts: { body?: unknown; form?: Record<string, string>; auth?: string; timeoutMs?: number } = {}): Promise<Answer<T>> {
    const headers: Record<string, string> = {};
    let body: string | undefined;
    if (opts.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(opts.form).toString();
    } else if (opts.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    if (opts.auth) headers.authorization = opts.auth;
    const res = await fetch(sb.url + path, { method, headers, body, signal: AbortSignal.timeout(opts.timeoutMs ?? 3000) });
    const text = await res.text();
    const json = res.headers.get('content-type')?.includes('json') && text;
    return { status: res.status, body: (json ? JSON.parse(text) : text) as T };
  }

  async function token(): Promise<string> {
    const r = await call('POST', '/users/getToken', { body: { imp_key: KEY, imp_secret: SECRET } });
    return r.body.response.access_token;
  }
  async function api<T = any>(method: string, path: string, body?: unknown): Promise<Answer<Envelope<T>>> {
    return call<Envelope<T>>(method, path, { body, auth: `Bearer ${await token()}` });
  }
  /** What the SDK's window posts when the buyer presses pay (or cancel) with a test card. */
  async function pay(params: Record<string, unknown>, card = 'success', action = 'pay'): Promise<any> {
    const r = await call<{ rsp: any }>('POST', '/__sandbox/pay', { body: { imp_code: 'imp_sandbox', params, card, action } });
    expect(r.status).to.equal(200);
    return r.body.rsp;
  }
  async function waitFor(pred: () => boolean, ms = 1500): Promise<void> {
    const until = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > until) throw new Error('condition not met in time');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  before(async () => {
    received = [];
    hooks = createServer((req, res) => {
      let data = '';
      req.on('data', (c) => (data += c));
      req.on('end', () => {
        received.push({ path: req.url ?? '', body: JSON.parse(data) });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', () => r()));
    hooksUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}`;
    clock = START;
    sb = await startSandboxServer({ env: {}, now: () => clock, webhookUrl: `${hooksUrl}/api/payment/webhook` });
  });
  after(async () => {
    await sb.close();
    hooks.closeAllConnections();
    await new Promise((r) => hooks.close(r));
  });
  beforeEach(() => {
    sb.sandbox.reset();
    clock = START;
    received.length = 0;
  });

  describe('token', () => {
    it('refuses a wrong secret with 401 and the envelope', async () => {
      const r = await call('POST', '/users/getToken', { body: { imp_key: KEY, imp_secret: 'nope' } });
      expect(r.status).to.equal(401);
      expect(r.body).to.include({ response: null }).and.have.property('code').not.equal(0);
    });

    it('issues a 30-minute token and returns the same one until it expires', async () => {
      const a = await call('POST', '/users/getToken', { body: { imp_key: KEY, imp_secret: SECRET } });
      expect(a.status).to.equal(200);
      expect(a.body.code).to.equal(0);
      const { access_token, now, expired_at } = a.body.response;
      expect(now).to.equal(START.getTime() / 1000);
      expect(expired_at - now).to.equal(1800);
      clock = new Date(START.getTime() + 10 * 60_000);
      const b = await call('POST', '/users/getToken', { body: { imp_key: KEY, imp_secret: SECRET } });
      expect(b.body.response).to.include({ access_token, expired_at });
      clock = new Date(START.getTime() + 31 * 60_000);
      expect((await call('GET', '/payments/imp_000000000000', { auth: `Bearer ${access_token}` })).status).to.equal(401);
      const c = await call('POST', '/users/getToken', { body: { imp_key: KEY, imp_secret: SECRET } });
      expect(c.body.response.access_token).to.not.equal(access_token);
    });

    it('extends the token by 5 minutes when asked in its last minute', async () => {
      const a = (await call('POST', '/users/getToken', { body: { imp_key: KEY, imp_secret: SECRET } })).body.response;
      clock = new Date(START.getTime() + 29.5 * 60_000);
      const b = (await call('POST', '/users/getToken', { body: { imp_key: KEY, imp_secret: SECRET } })).body.response;
      expect(b.access_token).to.equal(a.access_token);
      expect(b.expired_at).to.equal(a.expired_at + 300);
    });

    it('answers 401 with the envelope without a token or with a wrong one', async () => {
      for (const auth of [undefined, 'Bearer nope']) {
        const r = await call('GET', '/payments/imp_000000000000', { auth });
        expect(r.status).to.equal(401);
        expect(r.body).to.have.keys('code', 'message', 'response');
      }
    });

    it("accepts an existing client library's shapes: form-encoded getToken and the bare token", async () => {
      const t = await call('POST', '/users/getToken', { form: { imp_key: KEY, imp_secret: SECRET } });
      expect(t.status).to.equal(200);
      const bare = t.body.response.access_token as string;
      const rsp = await pay({ merchant_uid: 'lib-1', amount: 5000, name: 'lib' });
      const got = await call('GET', `/payments/${rsp.imp_uid}`, { auth: bare });
      expect(got.status).to.equal(200);
      expect(got.body.response.status).to.equal('paid');
      const cancel = await call('POST', '/payments/cancel', { auth: bare, form: { imp_uid: rsp.imp_uid, amount: '1000', checksum: '5000', reason: 'form' } });
      expect(cancel.body.code).to.equal(0);
      expect(cancel.body.response.cancel_amount).to.equal(1000);
    });
  });

  describe('prepare, browser payment and lookups', () => {
    it('prepares once, reads it back, edits it with PUT, and 404s an unknown one', async () => {
      expect((await api('POST', '/payments/prepare', { merchant_uid: 'p-1', amount: 9900 })).body).to.deep.include({ code: 0, response: { merchant_uid: 'p-1', amount: 9900, currency: null } });
      const again = await api('POST', '/payments/prepare', { merchant_uid: 'p-1', amount: 9900 });
      expect(again.status).to.equal(200);
      expect(again.body.code).to.equal(1);
      expect((await api('PUT', '/payments/prepare', { merchant_uid: 'p-1', amount: 19900 })).body.response.amount).to.equal(19900);
      expect((await api('GET', '/payments/prepare/p-1')).body.response.amount).to.equal(19900);
      const unknown = await api('GET', '/payments/prepare/nope');
      expect(unknown.status).to.equal(404);
      expect(unknown.body.message).to.equal('사전등록된 결제정보가 존재하지 않습니다.');
    });

    it('pays a prepared order and finds it by imp_uid and merchant_uid', async () => {
      await api('POST', '/payments/prepare', { merchant_uid: 'order-1', amount: 9900 });
      const open = await call<any>('POST', '/__sandbox/pay/open', { body: { imp_code: 'imp_sandbox', params: { merchant_uid: 'order-1', amount: 9900, name: '월간 멤버십' } } });
      expect(open.body.ok).to.equal(true);
      expect(open.body.window.title).to.match(/이니시스/);
      const rsp = await pay({ merchant_uid: 'order-1', amount: 9900, name: '월간 멤버십', pg: 'html5_inicis', pay_method: 'card', buyer_name: '홍길동', buyer_email: 'a@b.kr' });
      expect(rsp).to.include({ success: true, merchant_uid: 'order-1', paid_amount: 9900, status: 'paid', pay_method: 'card', pg_provider: 'html5_inicis', error_code: null, buyer_name: '홍길동' });
      expect(rsp.imp_uid).to.match(/^imp_\d{12}$/);

      const byImp = await api('GET', `/payments/${rsp.imp_uid}`);
      expect(byImp.body.response).to.include({ imp_uid: rsp.imp_uid, merchant_uid: 'order-1', amount: 9900, cancel_amount: 0, currency: 'KRW', status: 'paid', buyer_email: 'a@b.kr', failed_at: 0, cancelled_at: 0, sandbox: true });
      expect(byImp.body.response.paid_at).to.equal(START.getTime() / 1000);
      expect((await api('GET', '/payments/find/order-1')).body.response.imp_uid).to.equal(rsp.imp_uid);
      expect((await api('GET', '/payments/find/order-1/paid')).body.response.imp_uid).to.equal(rsp.imp_uid);
      expect((await api('GET', '/payments/find/order-1/failed')).status).to.equal(404);
      expect((await api('GET', '/payments/find/order-1/bogus')).status).to.equal(400);
      const missing = await api('GET', '/payments/imp_000000000000');
      expect(missing.status).to.equal(404);
      expect(missing.body).to.deep.equal({ code: 1, message: '존재하지 않는 결제정보입니다.', response: null });
    });

    it('records declines and buyer cancels as failed attempts that may share a merchant_uid, newest first', async () => {
      const declined = await pay({ merchant_uid: 'order-2', amount: 9900 }, 'declined');
      expect(declined).to.include({ success: false, status: 'failed', error_code: 'F2001' });
      expect(declined.error_msg).to.contain('거절');
      const limit = await pay({ merchant_uid: 'order-2', amount: 9900 }, 'limit exceeded');
      expect(limit.error_msg).to.contain('한도초과');
      const balance = await pay({ merchant_uid: 'order-2', amount: 9900 }, 'insufficient');
      expect(balance.error_msg).to.contain('잔액부족');
      const cancelled = await pay({ merchant_uid: 'order-2', amount: 9900 }, 'success', 'cancel');
      expect(cancelled.imp_uid).to.match(/^imp_\d{12}$/);
      expect(cancelled.error_msg).to.contain('취소');
      expect((await api('GET', `/payments/${cancelled.imp_uid}`)).body.response).to.include({ status: 'failed', fail_reason: '사용자가 결제를 취소하였습니다' });

      const paid = await pay({ merchant_uid: 'order-2', amount: 9900 });
      expect(paid.success).to.equal(true);
      expect((await api('GET', '/payments/find/order-2')).body.response.imp_uid).to.equal(paid.imp_uid);
      expect((await api('GET', '/payments/find/order-2/failed')).body.response.imp_uid).to.equal(cancelled.imp_uid);
      const all = await api('GET', '/payments/findAll/order-2');
      expect(all.body.response.total).to.equal(5);
      expect(all.body.response.list[0].imp_uid).to.equal(paid.imp_uid);

      const reuse = await pay({ merchant_uid: 'order-2', amount: 9900 });
      expect(reuse).to.include({ success: false, imp_uid: null });
      expect((await api('GET', '/payments/findAll/order-2')).body.response.total).to.equal(5);
    });

    it('refuses an amount other than the prepared one without creating a record', async () => {
      await api('POST', '/payments/prepare', { merchant_uid: 'order-3', amount: 9900 });
      const open = await call<any>('POST', '/__sandbox/pay/open', { body: { imp_code: 'imp_sandbox', params: { merchant_uid: 'order-3', amount: 100 } } });
      expect(open.body.ok).to.equal(false);
      expect(open.body.rsp).to.include({ imp_uid: null, success: false });
      const rsp = await pay({ merchant_uid: 'order-3', amount: 100 });
      expect(rsp.imp_uid).to.equal(null);
      expect(rsp.error_msg).to.contain('다릅니다');
      expect((await api('GET', '/payments/findAll/order-3')).status).to.equal(404);
    });
  });

  describe('cancel', () => {
    it('cancels partly with a checksum, refuses a wrong checksum and an over-refund, then cancels the rest', async () => {
      const { imp_uid } = await pay({ merchant_uid: 'c-1', amount: 10000 });
      const wrongSum = await api('POST', '/payments/cancel', { imp_uid, amount: 1000, checksum: 9000 });
      expect(wrongSum.status).to.equal(200);
      expect(wrongSum.body.code).to.equal(1);
      expect((await api('GET', `/payments/${imp_uid}`)).body.response.cancel_amount).to.equal(0);

      clock = new Date(START.getTime() + 60_000);
      const part = await api('POST', '/payments/cancel', { imp_uid, amount: 1000, checksum: 10000, reason: '부분환불' });
      expect(part.body.code).to.equal(0);
      expect(part.body.response).to.include({ status: 'cancelled', cancel_amount: 1000, cancel_reason: '부분환불', cancelled_at: START.getTime() / 1000 + 60 });
      expect(part.body.response.cancel_history).to.have.length(1);
      expect(part.body.response.cancel_history[0]).to.include({ amount: 1000, reason: '부분환불', cancelled_at: START.getTime() / 1000 + 60 });
      expect(part.body.response.cancel_history[0]).to.have.keys('pg_tid', 'amount', 'cancelled_at', 'reason', 'receipt_url', 'cancellation_id');

      const over = await api('POST', '/payments/cancel', { imp_uid, amount: 9001 });
      expect(over.body.code).to.equal(1);
      expect((await api('GET', `/payments/${imp_uid}`)).body.response.cancel_amount).to.equal(1000);

      const rest = await api('POST', '/payments/cancel', { merchant_uid: 'c-1', checksum: 9000 });
      expect(rest.body.response).to.include({ cancel_amount: 10000, status: 'cancelled' });
      expect(rest.body.response.cancel_history).to.have.length(2);
      const twice = await api('POST', '/payments/cancel', { imp_uid });
      expect(twice.body).to.deep.equal({ code: 1, message: '이미 전액취소된 주문입니다.', response: null });
    });

    it('refuses to cancel an unknown or unpaid payment', async () => {
      expect((await api('POST', '/payments/cancel', { imp_uid: 'imp_000000000000' })).body.code).to.equal(1);
      const failed = await pay({ merchant_uid: 'c-2', amount: 10000 }, 'declined');
      expect((await api('POST', '/payments/cancel', { imp_uid: failed.imp_uid })).body.code).to.equal(1);
      expect((await api('POST', '/payments/cancel', {})).body.code).to.equal(1);
    });
  });

  describe('billing keys', () => {
    it('stores the card of a window payment with customer_uid and charges it again', async () => {
      const first = await pay({ merchant_uid: 'sub-1', amount: 9900, customer_uid: 'cu-1', buyer_name: '홍길동' });
      expect(first).to.include({ success: true, customer_uid: 'cu-1' });
      const key = await api('GET', '/subscribe/customers/cu-1');
      expect(key.body.response).to.include({ customer_uid: 'cu-1', customer_name: '홍길동', card_number: '424242******4242' });

      const charge = await api('POST', '/subscribe/payments/again', { customer_uid: 'cu-1', merchant_uid: 'renewal-1', amount: 9900, name: '갱신' });
      expect(charge.body.code).to.equal(0);
      expect(charge.body.response).to.include({ status: 'paid', customer_uid: 'cu-1', customer_uid_usage: 'payment', amount: 9900 });
      const dup = await api('POST', '/subscribe/payments/again', { customer_uid: 'cu-1', merchant_uid: 'renewal-1', amount: 9900, name: '갱신' });
      expect(dup.body.code).to.equal(1);
    });

    it('issues a billing key from a window with amount 0 (a trial) without taking money, and charges it later', async () => {
      const issued = await pay({ merchant_uid: 'trial-1', amount: 0, customer_uid: 'cu-trial', buyer_name: '홍길동' });
      expect(issued).to.include({ success: true, customer_uid: 'cu-trial', paid_amount: 0 });
      const key = await api('GET', '/subscribe/customers/cu-trial');
      expect(key.body.response).to.include({ customer_uid: 'cu-trial', card_number: '424242******4242' });
      const record = await api('GET', `/payments/${issued.imp_uid}`);
      expect(record.body.response).to.include({ amount: 0, cancel_amount: 0, customer_uid: 'cu-trial', customer_uid_usage: 'issue' });

      const charge = await api('POST', '/subscribe/payments/again', { customer_uid: 'cu-trial', merchant_uid: 'renewal-trial-1', amount: 9900, name: '갱신' });
      expect(charge.body.response).to.include({ status: 'paid', amount: 9900, customer_uid_usage: 'payment' });
    });

    it('declines a key set to decline with code 0 and status failed, and charges the same merchant_uid later', async () => {
      await pay({ merchant_uid: 'sub-2', amount: 9900, customer_uid: 'cu-2' });
      const set = await call<any>('POST', '/__sandbox/customers/cu-2/card', { body: { card: 'limit' } });
      expect(set.status).to.equal(200);
      const declined = await api('POST', '/subscribe/payments/again', { customer_uid: 'cu-2', merchant_uid: 'renewal-2', amount: 9900, name: '갱신' });
      expect(declined.body.code).to.equal(0);
      expect(declined.body.response.status).to.equal('failed');
      expect(declined.body.response.fail_reason).to.contain('한도초과');
      await call('POST', '/__sandbox/customers/cu-2/card', { body: { card: 'success' } });
      const retry = await api('POST', '/subscribe/payments/again', { customer_uid: 'cu-2', merchant_uid: 'renewal-2', amount: 9900, name: '갱신' });
      expect(retry.body.response.status).to.equal('paid');
    });

    it('refuses an unknown key, registers one from card data and deletes it', async () => {
      const unknown = await api('POST', '/subscribe/payments/again', { customer_uid: 'nobody', merchant_uid: 'x-1', amount: 1000, name: 'n' });
      expect(unknown.body).to.deep.equal({ code: -1, message: '등록되지 않은 구매자입니다.', response: null });
      const made = await api('POST', '/subscribe/customers/cu-3', { card_number: '4000-0000-0000-0002', expiry: '2030-12', birth: '900101' });
      expect(made.body.response.customer_uid).to.equal('cu-3');
      const charge = await api('POST', '/subscribe/payments/again', { customer_uid: 'cu-3', merchant_uid: 'x-2', amount: 1000, name: 'n' });
      expect(charge.body.response.status).to.equal('failed');
      expect((await api('DELETE', '/subscribe/customers/cu-3')).body.response.customer_uid).to.equal('cu-3');
      const gone = await api('GET', '/subscribe/customers/cu-3');
      expect(gone.status).to.equal(404);
      expect(gone.body.message).to.contain('cu-3');
    });
  });

  describe('notices', () => {
    it('posts {imp_uid, merchant_uid, status} after paid, failed and cancelled', async () => {
      const paid = await pay({ merchant_uid: 'n-1', amount: 1000 });
      await waitFor(() => received.length === 1);
      expect(received[0]).to.deep.equal({ path: '/api/payment/webhook', body: { imp_uid: paid.imp_uid, merchant_uid: 'n-1', status: 'paid' } });
      await pay({ merchant_uid: 'n-2', amount: 1000 }, 'declined');
      await api('POST', '/payments/cancel', { imp_uid: paid.imp_uid });
      await waitFor(() => received.length === 3);
      expect(received.map((r) => r.body.status).sort()).to.deep.equal(['cancelled', 'failed', 'paid']);
    });

    it("sends to the payment's notice_url instead of the default", async () => {
      await pay({ merchant_uid: 'n-3', amount: 1000, notice_url: `${hooksUrl}/custom` });
      await waitFor(() => received.length === 1);
      expect(received[0].path).to.equal('/custom');
    });

    it('duplicates, drops and reorders notices by knob', async () => {
      sb.sandbox.setFaults({ webhook: { duplicate: 1 } });
      await pay({ merchant_uid: 'n-4', amount: 1000 });
      await waitFor(() => received.length === 2);
      expect(received[0]).to.deep.equal(received[1]);

      received.length = 0;
      await call('POST', '/__sandbox/control', { body: { webhook: { duplicate: 0, drop: 1 } } });
      await pay({ merchant_uid: 'n-5', amount: 1000 });
      await waitFor(() => sb.sandbox.notifier.log.some((e) => e.notice.merchant_uid === 'n-5' && e.outcome === 'dropped'));
      await new Promise((r) => setTimeout(r, 50));
      expect(received).to.have.length(0);

      sb.sandbox.setFaults({ webhook: { drop: 0, reorder: true } });
      await pay({ merchant_uid: 'n-6', amount: 1000 });
      await pay({ merchant_uid: 'n-7', amount: 1000 });
      await waitFor(() => received.length === 2);
      expect(received.map((r) => r.body.merchant_uid)).to.deep.equal(['n-7', 'n-6']);
    });

    it('never blocks the answer on a slow or missing receiver', async () => {
      sb.sandbox.setFaults({ webhook: { delayMs: 2000 } });
      const t0 = Date.now();
      await pay({ merchant_uid: 'n-8', amount: 1000 });
      expect(Date.now() - t0).to.be.below(500);
      expect(received).to.have.length(0);
    });
  });

  describe('fault knobs', () => {
    it('answers the next n REST calls with 500, getToken included, but not the control and sdk routes', async () => {
      await call('POST', '/__sandbox/control', { body: { failNext: 2 } });
      const sdk = await call<string>('GET', '/sdk.js');
      expect(sdk.status).to.equal(200);
      expect(sdk.body).to.contain('window.IMP');
      const t = await call('POST', '/users/getToken', { body: { imp_key: KEY, imp_secret: SECRET } });
      expect(t.status).to.equal(500);
      expect((await call('GET', '/payments/imp_000000000000')).status).to.equal(500);
      expect((await api('GET', '/payments/imp_000000000000')).status).to.equal(404);
    });

    it('answers every REST call 500 at errorRate 1', async () => {
      sb.sandbox.setFaults({ errorRate: 1 });
      expect((await call('POST', '/users/getToken', { body: { imp_key: KEY, imp_secret: SECRET } })).status).to.equal(500);
      expect((await pay({ merchant_uid: 'f-1', amount: 1000 })).success).to.equal(true);
    });

    it('hangs the next call past a short client timeout, then answers normally', async () => {
      const auth = `Bearer ${await token()}`;
      sb.sandbox.setFaults({ hangNext: 1 });
      let error: unknown;
      await call('GET', '/payments/imp_000000000000', { auth, timeoutMs: 200 }).catch((e) => (error = e));
      expect((error as Error)?.name).to.equal('TimeoutError');
      expect((await call('GET', '/payments/imp_000000000000', { auth })).status).to.equal(404);
    });

    it('adds latency to REST calls', async () => {
      sb.sandbox.setFaults({ latencyMs: 150 });
      const t0 = Date.now();
      await call('POST', '/users/getToken', { body: { imp_key: KEY, imp_secret: SECRET } });
      expect(Date.now() - t0).to.be.at.least(140);
    });

    it('reads SANDBOX_LATENCY_MS, SANDBOX_ERROR_RATE and SANDBOX_TIMEOUT_RATE, under options.faults', () => {
      const s = createIamportSandbox({ env: { SANDBOX_LATENCY_MS: '25', SANDBOX_ERROR_RATE: '0.5', SANDBOX_TIMEOUT_RATE: '0.1' }, faults: { errorRate: 0.2 } });
      expect(s.faults.current).to.include({ latencyMs: 25, errorRate: 0.2, timeoutRate: 0.1 });
      s.close();
    });

    it('resets state and knobs with POST /__sandbox/reset', async () => {
      sb.sandbox.setFaults({ errorRate: 1 });
      await pay({ merchant_uid: 'r-1', amount: 1000 });
      expect((await call('POST', '/__sandbox/reset')).status).to.equal(204);
      const state = await call<any>('GET', '/__sandbox/state');
      expect(state.body.payments).to.have.length(0);
      expect(state.body.faults.errorRate).to.equal(0);
    });
  });
});

describe('Iamport sandbox mounted in another Koa app', () => {
  it('serves its routes under the prefix, behind the host app\'s own body parser', async () => {
    const { default: Koa } = await import('koa');
    const { bodyParser } = await import('@koa/bodyparser');
    const sandbox = createIamportSandbox({ prefix: '/sandbox/iamport', env: {} });
    const app = new Koa();
    app.use(bodyParser()).use(sandbox.router.routes());
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sandbox/iamport`;
    try {
      const t = await fetch(`${base}/users/getToken`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `imp_key=${KEY}&imp_secret=${SECRET}`,
      });
      expect(t.status).to.equal(200);
      expect((await fetch(`${base}/sdk.js`)).status).to.equal(200);
      expect((await fetch(`${base.replace('/sandbox/iamport', '')}/users/getToken`, { method: 'POST' })).status).to.equal(404);
    } finally {
      sandbox.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
