// IamportGateway against a tiny local server that answers as Iamport's V1 API does
// (IAMPORT_V1.md: envelope, statuses, messages), one scripted route at a time.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { GatewayRejectedError, GatewayUnavailableError } from '../../../src/payment/application/payment-gateway.port';
import { IamportGateway } from '../../../src/payment/infrastructure/iamport/iamport.gateway';
import type { Logger } from '../../../src/shared/application/logger.port';
import { rejection } from '../../support/rejection';

const IMP_KEY = 'imp-key-4821937';
const IMP_SECRET = 'imp-secret-Zq8xWv3Lk0';
const TIMEOUT_MS = 200;

interface Received {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: any;
}
interface Reply {
  status?: number;
  /** JSON body; `raw` sends text as is. */
  body?: unknown;
  raw?: string;
  delayMs?: number;
}
type Handler = (req: Received, nth: number) => Reply;

const ok = (response: unknown): Reply => ({ status: 200, body: { code: 0, message: null, response } });
const envelope = (status: number, code: number, message: string | null): Reply => ({ status, body: { code, message, response: null } });

/** A payment as Iamport's GET /payments/{imp_uid} answers it (IAMPORT_V1.md §4). */
function iamportPayment(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    imp_uid: 'imp_448280090638', merchant_uid: 'order-1', amount: 9900, cancel_amount: 0, currency: 'KRW', status: 'paid',
    pay_method: 'card', channel: 'pc', pg_provider: 'html5_inicis', emb_pg_provider: null, pg_tid: 'StdpayCARDINIpayTest20261125',
    pg_id: 'INIpayTest', escrow: false, apply_num: '30012345', card_code: '366', card_name: '신한카드', card_quota: 0,
    card_number: '424242******4242', card_type: 0, name: 'Monthly membership', buyer_name: '홍길동', buyer_email: 'buyer@example.test',
    custom_data: null, user_agent: 'Mozilla/5.0', started_at: 1795597190, paid_at: 1795597200, failed_at: 0, cancelled_at: 0,
    fail_reason: null, cancel_reason: null, receipt_url: 'https://iniweb.inicis.com/receipt/1', cancel_history: [],
    cancel_receipt_urls: [], cash_receipt_issued: false, customer_uid: null, customer_uid_usage: null, sandbox: true,
    ...overrides,
  };
}

/** A fake Iamport: getToken answers by default; every other route is scripted by the test. */
class FakeIamport {
  readonly received: Received[] = [];
  private readonly routes = new Map<string, Handler>();
  private readonly counts = new Map<string, number>();
  private server!: Server;
  url = '';
  tokenSeq = 0;
  /** Server clock in unix seconds (deliberately not ours) and the token lifetime it grants. */
  serverNow = 1_000_000_000;
  tokenLifetimeS = 1800;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let data = '';
      req.on('data', (c) => (data += c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://fake');
        const received: Received = {
          method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers,
          body: data && req.headers['content-type']?.includes('json') ? JSON.parse(data) : data,
        };
        this.received.push(received);
        const key = `${received.method} ${received.path}`;
        const nth = (this.counts.get(key) ?? 0) + 1;
        this.counts.set(key, nth);
        const handler = this.routes.get(key) ?? (key === 'POST /users/getToken' ? () => this.issueToken(received) : () => envelope(404, 1, 'no route'));
        const reply = handler(received, nth);
        const send = () => {
          if (res.destroyed) return;
          res.statusCode = reply.status ?? 200;
          res.setHeader('content-type', reply.raw !== undefined ? 'text/html' : 'application/json');
          res.end(reply.raw ?? JSON.stringify(reply.body ?? null));
        };
        if (reply.delayMs) {
          const timer = setTimeout(send, reply.delayMs);
          res.on('close', () => clearTimeout(timer));
        } else send();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  on(method: string, path: string, handler: Handler | Reply): void {
    this.routes.set(`${method} ${path}`, typeof handler === 'function' ? handler : () => handler);
  }

  count(method: string, path: string): number {
    return this.received.filter((r) => r.method === method && r.path === path).length;
  }

  /** Only tokens issued here are valid; a route can call this to demand one. */
  authorised(req: Received): boolean {
    return /^Bearer tok-\d+$/.test(String(req.headers.authorization ?? ''));
  }

  private issueToken(req: Received): Reply {
    if (req.body?.imp_key !== IMP_KEY || req.body?.imp_secret !== IMP_SECRET) return envelope(401, -1, 'Unauthorized');
    this.tokenSeq += 1;
    return ok({ access_token: `tok-${this.tokenSeq}`, now: this.serverNow, expired_at: this.serverNow + this.tokenLifetimeS });
  }
}

function capturingLogger(lines: Array<{ level: string; fields: object; message?: string }>, bindings: object = {}): Logger {
  const at = (level: string) => (fields: object, message?: string) => lines.push({ level, fields: { ...bindings, ...fields }, message });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (b) => capturingLogger(lines, { ...bindings, ...b }) };
}

describe('IamportGateway against an Iamport-shaped server', function () {
  this.timeout(4000);
  let fake: FakeIamport;
  let gateway: IamportGateway;
  let logs: Array<{ level: string; fields: object; message?: string }>;

  const newGateway = (overrides: Partial<{ impSecret: string }> = {}) =>
    new IamportGateway({ apiUrl: fake.url, impKey: IMP_KEY, impSecret: overrides.impSecret ?? IMP_SECRET, timeoutMs: TIMEOUT_MS, logger: capturingLogger(logs) });

  beforeEach(async () => {
    fake = new FakeIamport();
    await fake.start();
    logs = [];
    gateway = newGateway();
  });
  afterEach(async () => {
    await fake.stop();
  });

  describe('token', () => {
    it('asks for a token once and sends it as a Bearer header while it is valid by the server clock', async () => {
      // The server's clock is decades away from ours: only expired_at - now counts.
      fake.on('GET', '/payments/imp_1', (req) => (fake.authorised(req) ? ok(iamportPayment({ imp_uid: 'imp_1' })) : envelope(401, -1, 'Unauthorized')));
      await gateway.getPayment('imp_1');
      await gateway.getPayment('imp_1');

      expect(fake.count('POST', '/users/getToken')).to.equal(1);
      const [tokenRequest] = fake.received;
      expect(tokenRequest.body).to.deep.equal({ imp_key: IMP_KEY, imp_secret: IMP_SECRET });
      expect(tokenRequest.headers.authorization).to.equal(undefined);
      expect(fake.received.filter((r) => r.path === '/payments/imp_1').map((r) => r.headers.authorization)).to.deep.equal(['Bearer tok-1', 'Bearer tok-1']);
    });

    it('fetches a new token when the last one expires within the minute', async () => {
      fake.tokenLifetimeS = 30;
      fake.on('GET', '/payments/imp_1', ok(iamportPayment({ imp_uid: 'imp_1' })));
      await gateway.getPayment('imp_1');
      await gateway.getPayment('imp_1');

      expect(fake.count('POST', '/users/getToken')).to.equal(2);
      expect(fake.received.filter((r) => r.path === '/payments/imp_1').map((r) => r.headers.authorization)).to.deep.equal(['Bearer tok-1', 'Bearer tok-2']);
    });

    it('on a 401 drops the token, fetches a new one and retries the call once', async () => {
      fake.on('GET', '/payments/imp_1', (req) => (req.headers.authorization === 'Bearer tok-1' ? envelope(401, -1, 'Unauthorized') : ok(iamportPayment({ imp_uid: 'imp_1' }))));
      expect(await gateway.getPayment('imp_1')).to.include({ gatewayPaymentId: 'imp_1', status: 'paid' });
      expect(fake.count('POST', '/users/getToken')).to.equal(2);
      expect(fake.count('GET', '/payments/imp_1')).to.equal(2);

      // The new token is kept.
      await gateway.getPayment('imp_1');
      expect(fake.count('POST', '/users/getToken')).to.equal(2);
    });

    it('retries a POST after a 401 too (Iamport did not act on it), but only once', async () => {
      fake.on('POST', '/payments/prepare', envelope(401, -1, 'Unauthorized'));
      expect(await rejection(gateway.prepare({ merchantUid: 'order-1', amount: 9900 }))).to.be.instanceOf(GatewayUnavailableError);
      expect(fake.count('POST', '/payments/prepare')).to.equal(2);
      expect(fake.count('POST', '/users/getToken')).to.equal(2);
    });

    it('lets concurrent callers share one getToken request', async () => {
      fake.on('POST', '/users/getToken', () => ({ ...ok({ access_token: 'tok-1', now: fake.serverNow, expired_at: fake.serverNow + 1800 }), delayMs: 50 }));
      fake.on('GET', '/payments/imp_1', ok(iamportPayment({ imp_uid: 'imp_1' })));
      const answers = await Promise.all(Array.from({ length: 5 }, () => gateway.getPayment('imp_1')));

      expect(answers.every((a) => a?.gatewayPaymentId === 'imp_1')).to.equal(true);
      expect(fake.count('POST', '/users/getToken')).to.equal(1);
      expect(fake.count('GET', '/payments/imp_1')).to.equal(5);
    });

    it('treats refused credentials as unavailable, not as a refusal of the payment call', async () => {
      const wrong = newGateway({ impSecret: 'wrong' });
      fake.on('GET', '/payments/imp_1', ok(iamportPayment()));
      expect(await rejection(wrong.getPayment('imp_1'))).to.be.instanceOf(GatewayUnavailableError);
      expect(await rejection(wrong.ping())).to.be.instanceOf(GatewayUnavailableError);
      expect(fake.count('GET', '/payments/imp_1')).to.equal(0);
    });

    it('ping obtains a token and keeps it', async () => {
      await gateway.ping();
      await gateway.ping();
      expect(fake.count('POST', '/users/getToken')).to.equal(1);
    });
  });

  describe('envelope', () => {
    it('rejects HTTP 200 with code -1, keeping Iamport\'s message and code', async () => {
      fake.on('POST', '/subscribe/payments/again', envelope(200, -1, '등록되지 않은 구매자입니다.'));
      const error = await rejection(gateway.chargeBillingKey({ customerUid: 'cust-1', merchantUid: 'renewal-1', amount: 9900, name: 'Monthly' }));

      expect(error).to.be.instanceOf(GatewayRejectedError);
      expect((error as GatewayRejectedError).message).to.equal('등록되지 않은 구매자입니다.');
      expect((error as GatewayRejectedError).gatewayCode).to.equal(-1);
    });

    it('rejects HTTP 200 with code 1 on a cancel', async () => {
      fake.on('POST', '/payments/cancel', envelope(200, 1, '이미 전액취소된 주문입니다.'));
      const error = await rejection(gateway.cancel({ gatewayPaymentId: 'imp_1', merchantUid: 'order-1', amount: 1000, checksum: 0, reason: 'again' }));

      expect(error).to.be.instanceOf(GatewayRejectedError);
      expect(error).to.include({ message: '이미 전액취소된 주문입니다.', gatewayCode: 1 });
    });

    it('rejects a 4xx that carries the envelope', async () => {
      fake.on('POST', '/payments/prepare', envelope(400, -1, 'merchant_uid, amount 는 필수입니다.'));
      const error = await rejection(gateway.prepare({ merchantUid: 'order-1', amount: 9900 }));
      expect(error).to.be.instanceOf(GatewayRejectedError);
      expect(error).to.include({ message: 'merchant_uid, amount 는 필수입니다.' });
    });

    it('answers null for a 404 lookup', async () => {
      fake.on('GET', '/payments/imp_404', envelope(404, 1, '존재하지 않는 결제정보입니다.'));
      fake.on('GET', '/payments/find/order-404', envelope(404, 1, '존재하지 않는 결제정보입니다.'));
      expect(await gateway.getPayment('imp_404')).to.equal(null);
      expect(await gateway.settle({ merchantUid: 'order-404', transactionId: 'imp_404', amount: 1 })).to.equal(null);
      expect(await gateway.findByMerchantUid('order-404')).to.equal(null);
    });

    it('reports a 500 as unknown, even with an envelope that says success', async () => {
      fake.on('POST', '/payments/cancel', { status: 500, body: { code: 0, message: null, response: iamportPayment({ status: 'cancelled', cancel_amount: 9900 }) } });
      fake.on('POST', '/payments/prepare', envelope(500, -1, 'internal error'));
      expect(await rejection(gateway.cancel({ gatewayPaymentId: 'imp_1', merchantUid: 'order-1', amount: 9900, checksum: 9900, reason: 'r' }))).to.be.instanceOf(GatewayUnavailableError);
      expect(await rejection(gateway.prepare({ merchantUid: 'order-1', amount: 9900 }))).to.be.instanceOf(GatewayUnavailableError);
    });

    it('reports a body that is not the envelope as unknown', async () => {
      fake.on('GET', '/payments/imp_1', { status: 200, raw: '<html>maintenance</html>' });
      fake.on('GET', '/payments/imp_2', { status: 404, raw: '<html>not here</html>' });
      fake.on('GET', '/payments/imp_3', ok({ imp_uid: 'imp_3', status: 'weird' }));
      for (const id of ['imp_1', 'imp_2', 'imp_3']) {
        expect(await rejection(gateway.getPayment(id)), id).to.be.instanceOf(GatewayUnavailableError);
      }
    });

    it('reports a call that hangs past timeoutMs as unknown, within a bounded time', async () => {
      await gateway.ping();
      fake.on('POST', '/payments/prepare', { ...ok({ merchant_uid: 'order-1', amount: 9900 }), delayMs: 2000 });
      const startedAt = Date.now();
      expect(await rejection(gateway.prepare({ merchantUid: 'order-1', amount: 9900 }))).to.be.instanceOf(GatewayUnavailableError);
      expect(Date.now() - startedAt).to.be.within(TIMEOUT_MS - 20, TIMEOUT_MS + 400);
      expect(fake.count('POST', '/payments/prepare')).to.equal(1);
    });

    it('reports a server that cannot be reached as unknown, after retrying a lookup twice', async () => {
      await gateway.ping();
      await fake.stop();
      expect(await rejection(gateway.getPayment('imp_1'))).to.be.instanceOf(GatewayUnavailableError);
      expect(await rejection(gateway.prepare({ merchantUid: 'order-1', amount: 9900 }))).to.be.instanceOf(GatewayUnavailableError);
      const outcomes = logs.map((l) => `${(l.fields as { method?: string }).method} ${(l.fields as { outcome?: string }).outcome}`);
      expect(outcomes.slice(-4)).to.deep.equal(['GET network_error_retrying', 'GET network_error_retrying', 'GET network_error', 'POST network_error']);
      await fake.start(); // afterEach stops it again
    });
  });

  describe('retries', () => {
    it('retries a lookup on 502 and answers when the server recovers', async () => {
      fake.on('GET', '/payments/imp_1', (_req, nth) => (nth <= 2 ? { status: 502, raw: 'Bad Gateway' } : ok(iamportPayment({ imp_uid: 'imp_1' }))));
      expect(await gateway.getPayment('imp_1')).to.include({ gatewayPaymentId: 'imp_1', status: 'paid' });
      expect(fake.count('GET', '/payments/imp_1')).to.equal(3);
    });

    it('gives a lookup up after two retries', async () => {
      fake.on('GET', '/payments/imp_1', { status: 502, raw: 'Bad Gateway' });
      expect(await rejection(gateway.getPayment('imp_1'))).to.be.instanceOf(GatewayUnavailableError);
      expect(fake.count('GET', '/payments/imp_1')).to.equal(3);
    });

    it('never repeats a POST on 502', async () => {
      fake.on('POST', '/payments/cancel', { status: 502, raw: 'Bad Gateway' });
      fake.on('POST', '/payments/prepare', { status: 502, raw: 'Bad Gateway' });
      fake.on('POST', '/subscribe/payments/again', { status: 502, raw: 'Bad Gateway' });
      expect(await rejection(gateway.cancel({ gatewayPaymentId: 'imp_1', merchantUid: 'order-1', amount: 100, checksum: 9900, reason: 'r' }))).to.be.instanceOf(GatewayUnavailableError);
      expect(await rejection(gateway.prepare({ merchantUid: 'order-1', amount: 9900 }))).to.be.instanceOf(GatewayUnavailableError);
      expect(await rejection(gateway.chargeBillingKey({ customerUid: 'c', merchantUid: 'm', amount: 1, name: 'n' }))).to.be.instanceOf(GatewayUnavailableError);
      expect(fake.count('POST', '/payments/cancel')).to.equal(1);
      expect(fake.count('POST', '/payments/prepare')).to.equal(1);
      expect(fake.count('POST', '/subscribe/payments/again')).to.equal(1);
    });
  });

  describe('operations', () => {
    it('prepares with merchant_uid and amount', async () => {
      fake.on('POST', '/payments/prepare', ok({ merchant_uid: 'order-1', amount: 9900, currency: null }));
      await gateway.prepare({ merchantUid: 'order-1', amount: 9900 });
      expect(fake.received.at(-1)?.body).to.deep.equal({ merchant_uid: 'order-1', amount: 9900 });
    });

    it('maps Iamport\'s payment: seconds to dates, 0 to null, cancel history, customer_uid', async () => {
      fake.on('GET', '/payments/imp_1', ok(iamportPayment({
        imp_uid: 'imp_1', status: 'cancelled', cancel_amount: 3000, cancelled_at: 1795600000, customer_uid: 'cust-1',
        cancel_history: [{ pg_tid: 'StdpayCARD1', amount: 3000, cancelled_at: 1795600000, reason: '부분환불', receipt_url: 'https://iniweb.inicis.com/receipt/c1', cancellation_id: 'c1' }],
      })));
      fake.on('GET', '/payments/imp_2', ok(iamportPayment({ imp_uid: 'imp_2', status: 'failed', paid_at: 0, failed_at: 1795597200, fail_reason: '[F2001] 카드사 승인 거절' })));

      expect(await gateway.getPayment('imp_1')).to.deep.equal({
        gatewayPaymentId: 'imp_1', merchantUid: 'order-1', amount: 9900, status: 'cancelled', cancelledAmount: 3000, failReason: null,
        paidAt: new Date(1795597200 * 1000), customerUid: 'cust-1', customerKey: 'cust-1',
        card: { approvalNumber: '30012345', maskedNumber: '424242******4242' },
        cancellations: [{ amount: 3000, reason: '부분환불', cancelledAt: new Date(1795600000 * 1000), receiptId: 'https://iniweb.inicis.com/receipt/c1' }],
      });
      expect(await gateway.getPayment('imp_2')).to.include({ status: 'failed', paidAt: null, failReason: '[F2001] 카드사 승인 거절', customerUid: null });
    });

    it('finds the paid attempt of a merchant_uid when the latest attempt is not the paid one', async () => {
      fake.on('GET', '/payments/find/order-1', ok(iamportPayment({ imp_uid: 'imp_late', status: 'ready', paid_at: 0 })));
      fake.on('GET', '/payments/findAll/order-1', ok({ total: 2, previous: 0, next: 0, list: [
        iamportPayment({ imp_uid: 'imp_late', status: 'ready', paid_at: 0 }), iamportPayment({ imp_uid: 'imp_paid' }),
      ] }));
      expect(await gateway.findByMerchantUid('order-1')).to.include({ gatewayPaymentId: 'imp_paid', status: 'paid' });
    });

    it('answers the latest attempt when no attempt was paid', async () => {
      fake.on('GET', '/payments/find/order-1', ok(iamportPayment({ imp_uid: 'imp_late', status: 'failed', paid_at: 0, fail_reason: '사용자가 결제를 취소하였습니다' })));
      fake.on('GET', '/payments/findAll/order-1', ok({ total: 1, previous: 0, next: 0, list: [iamportPayment({ imp_uid: 'imp_late', status: 'failed', paid_at: 0 })] }));
      expect(await gateway.findByMerchantUid('order-1')).to.include({ gatewayPaymentId: 'imp_late', status: 'failed' });
    });

    it('cancels with imp_uid, merchant_uid, amount, checksum and reason', async () => {
      fake.on('POST', '/payments/cancel', ok(iamportPayment({ status: 'cancelled', cancel_amount: 1000, cancel_history: [{ pg_tid: 't', amount: 1000, cancelled_at: 1795600000, reason: 'r', receipt_url: null }] })));
      const after = await gateway.cancel({ gatewayPaymentId: 'imp_448280090638', merchantUid: 'order-1', amount: 1000, checksum: 9900, reason: 'r' });
      expect(fake.received.at(-1)?.body).to.deep.equal({ imp_uid: 'imp_448280090638', merchant_uid: 'order-1', amount: 1000, checksum: 9900, reason: 'r' });
      expect(after).to.include({ cancelledAmount: 1000, status: 'cancelled' });
      expect(after.cancellations[0].receiptId).to.equal('t');
    });

    it('never sends a cancel of amount 0, which Iamport reads as "everything"', async () => {
      const error = await rejection(gateway.cancel({ gatewayPaymentId: 'imp_1', merchantUid: 'order-1', amount: 0, checksum: 9900, reason: 'r' }));
      expect(error).to.be.instanceOf(GatewayRejectedError);
      expect(fake.count('POST', '/payments/cancel')).to.equal(0);
    });

    it('answers a declined billing charge (code 0, status failed) instead of throwing', async () => {
      fake.on('POST', '/subscribe/payments/again', ok(iamportPayment({
        imp_uid: 'imp_9', merchant_uid: 'renewal-1', status: 'failed', paid_at: 0, failed_at: 1795597200,
        fail_reason: '[F2003] 카드 한도초과', customer_uid: 'cust-1', customer_uid_usage: 'payment', channel: 'api',
      })));
      const charged = await gateway.chargeBillingKey({ customerUid: 'cust-1', merchantUid: 'renewal-1', amount: 9900, name: 'Monthly', buyerName: '홍길동', buyerEmail: 'buyer@example.test' });

      expect(charged).to.include({ status: 'failed', failReason: '[F2003] 카드 한도초과', customerUid: 'cust-1', paidAt: null });
      expect(fake.received.at(-1)?.body).to.deep.equal({
        customer_uid: 'cust-1', merchant_uid: 'renewal-1', amount: 9900, name: 'Monthly', buyer_name: '홍길동', buyer_email: 'buyer@example.test',
      });
    });

    it('deletes a billing key, and takes an unknown one as already deleted', async () => {
      fake.on('DELETE', '/subscribe/customers/cust-1', ok({ customer_uid: 'cust-1' }));
      fake.on('DELETE', '/subscribe/customers/cust-404', envelope(404, 1, '요청하신 customer_uid(cust-404)로 등록된 정보를 찾을 수 없습니다.'));
      fake.on('DELETE', '/subscribe/customers/cust-200', envelope(200, 1, '요청하신 customer_uid(cust-200)로 등록된 정보를 찾을 수 없습니다.'));
      fake.on('DELETE', '/subscribe/customers/cust-busy', envelope(200, 1, '예약된 결제가 있어 삭제할 수 없습니다.'));
      await gateway.deleteBillingKey('cust-1');
      await gateway.deleteBillingKey('cust-404');
      await gateway.deleteBillingKey('cust-200');
      expect(await rejection(gateway.deleteBillingKey('cust-busy'))).to.be.instanceOf(GatewayRejectedError);
    });

    it('finds a stored card by customer_uid (a trial\'s key issued without a charge), and none for an unknown one', async () => {
      fake.on('GET', '/subscribe/customers/cust-1', ok({ customer_uid: 'cust-1', pg_provider: 'html5_inicis', card_name: '신한카드', card_number: '424242******4242' }));
      fake.on('GET', '/subscribe/customers/cust-404', envelope(404, 1, '요청하신 customer_uid(cust-404)로 등록된 정보를 찾을 수 없습니다.'));
      fake.on('GET', '/subscribe/customers/cust-200', envelope(200, 1, '요청하신 customer_uid(cust-200)로 등록된 정보를 찾을 수 없습니다.'));
      expect(await gateway.findBillingKey('cust-1')).to.deep.equal({ customerUid: 'cust-1', cardNumber: '424242******4242' });
      expect(await gateway.findBillingKey('cust-404')).to.equal(null);
      expect(await gateway.findBillingKey('cust-200')).to.equal(null);
    });
  });

  describe('logging', () => {
    it('logs one line per call with method, path, outcome and duration, and never the credentials or the token', async () => {
      fake.on('GET', '/payments/imp_1', (req, nth) => (nth === 1 ? envelope(401, -1, 'Unauthorized') : fake.authorised(req) ? ok(iamportPayment()) : envelope(401, -1, 'Unauthorized')));
      fake.on('POST', '/payments/cancel', envelope(200, 1, '취소할 결제건이 존재하지 않습니다.'));
      fake.on('POST', '/payments/prepare', { status: 500, raw: 'oops' });
      await gateway.getPayment('imp_1');
      await rejection(gateway.cancel({ gatewayPaymentId: 'imp_1', merchantUid: 'order-1', amount: 10, checksum: 9900, reason: 'r' }));
      await rejection(gateway.prepare({ merchantUid: 'order-1', amount: 9900 }));
      await rejection(newGateway({ impSecret: 'wrong-secret-XYZ' }).ping());

      const text = logs.map((l) => JSON.stringify(l)).join('\n');
      for (const secret of [IMP_KEY, IMP_SECRET, 'wrong-secret-XYZ', 'tok-1', 'tok-2', 'Bearer', '4242']) expect(text).to.not.include(secret);
      expect(text).to.not.match(/\n\s+at /); // no stack traces
      const lookup = logs.find((l) => (l.fields as { path?: string }).path === '/payments/imp_1');
      expect(lookup?.fields).to.include({ gateway: 'iamport', method: 'GET', path: '/payments/imp_1', outcome: 'unauthorized' });
      expect(lookup?.fields).to.have.property('durationMs').that.is.a('number');
      expect(logs.map((l) => (l.fields as { outcome?: string }).outcome)).to.include.members(['ok', 'refused', 'server_error', 'unauthorized']);
    });
  });
});
