// TossGateway against a tiny local server that answers as Toss's core API V1 does
// (docs/toss-payments.md: Payment object, {code, message} errors, statuses), one scripted route at a time.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { GatewayRejectedError, GatewayUnavailableError } from '../../../src/payment/application/payment-gateway.port';
import { TossGateway, cancelIdempotencyKey } from '../../../src/payment/infrastructure/toss/toss.gateway';
import type { Logger } from '../../../src/shared/application/logger.port';
import { rejection } from '../../support/rejection';

const SECRET_KEY = 'test_sk_Zq8xWv3Lk04821937';
const TIMEOUT_MS = 200;

interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: any;
}
interface Reply {
  status?: number;
  body?: unknown;
  raw?: string;
  delayMs?: number;
}
type Handler = (req: Received, nth: number) => Reply;

const ok = (body: unknown): Reply => ({ status: 200, body });
const tossError = (status: number, code: string, message: string): Reply => ({ status, body: { code, message } });

/** A payment as Toss's GET /v1/payments/{paymentKey} answers it (the docs' example, trimmed). */
function tossPayment(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    mId: 'tosspayments', version: '2022-11-16', lastTransactionKey: '9C62B18EEF0DE3EB7F4422EB6D14BC6E',
    paymentKey: '5EnNZRJGvaBX7zk2yd8ydw26XvwXkLrx9POLqKQjmAw4b0e1', orderId: 'order-1', orderName: 'Monthly membership',
    taxExemptionAmount: 0, status: 'DONE', requestedAt: '2026-11-25T18:00:00+09:00', approvedAt: '2026-11-25T18:00:10+09:00',
    useEscrow: false, cultureExpense: false, card: { issuerCode: '41', number: '42424242****424*', approveNo: '00000000' },
    virtualAccount: null, transfer: null, mobilePhone: null, giftCertificate: null, cashReceipt: null, cashReceipts: null,
    discount: null, cancels: null, secret: null, type: 'NORMAL', easyPay: null, country: 'KR', failure: null,
    isPartialCancelable: true, receipt: { url: 'https://dashboard.tosspayments.com/receipt' }, currency: 'KRW',
    totalAmount: 9900, balanceAmount: 9900, suppliedAmount: 9000, vat: 900, taxFreeAmount: 0, method: '카드',
    ...overrides,
  };
}

class FakeToss {
  readonly received: Received[] = [];
  private readonly routes = new Map<string, Handler>();
  private readonly counts = new Map<string, number>();
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let text = '';
      req.on('data', (c) => (text += c));
      req.on('end', () => {
        const path = (req.url ?? '').split('?')[0];
        const received: Received = { method: req.method ?? '', path, headers: req.headers, body: text ? JSON.parse(text) : undefined };
        this.received.push(received);
        const key = `${received.method} ${path}`;
        const nth = (this.counts.get(key) ?? 0) + 1;
        this.counts.set(key, nth);
        const handler = this.routes.get(key);
        const reply = handler ? handler(received, nth) : tossError(404, 'NOT_FOUND', '존재하지 않는 정보 입니다.');
        const send = () => {
          if (res.destroyed) return;
          res.statusCode = reply.status ?? 200;
          res.setHeader('content-type', 'application/json');
          res.end(reply.raw ?? JSON.stringify(reply.body ?? null));
        };
        if (reply.delayMs) setTimeout(send, reply.delayMs);
        else send();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  on(method: string, path: string, handler: Handler | Reply): void {
    this.routes.set(`${method} ${path}`, typeof handler === 'function' ? handler : () => handler);
  }

  calls(method: string, path: string): Received[] {
    return this.received.filter((r) => r.method === method && r.path === path);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Records every log line so tests can look for the secret in them. */
function recordingLogger(lines: string[]): Logger {
  const write = (fields: object, message?: string) => void lines.push(JSON.stringify({ ...fields, message }));
  const logger: Logger = { debug: write, info: write, warn: write, error: write, child: (b) => { lines.push(JSON.stringify(b)); return logger; } };
  return logger;
}

describe('TossGateway against a Toss-shaped server', function () {
  this.timeout(5000);
  let toss: FakeToss;
  let gateway: TossGateway;
  let logLines: string[];
  const PK = '5EnNZRJGvaBX7zk2yd8ydw26XvwXkLrx9POLqKQjmAw4b0e1';

  beforeEach(async () => {
    toss = new FakeToss();
    await toss.start();
    logLines = [];
    gateway = new TossGateway({ apiUrl: toss.url, secretKey: SECRET_KEY, timeoutMs: TIMEOUT_MS, logger: recordingLogger(logLines) });
  });
  afterEach(() => toss.stop());

  describe('authentication', () => {
    it('sends Basic base64(secretKey + ":") on every call, and the secret never reaches a log line', async () => {
      toss.on('GET', `/v1/payments/${PK}`, ok(tossPayment()));
      toss.on('POST', '/v1/payments/confirm', tossError(400, 'INVALID_REQUEST', '잘못된 요청입니다.'));
      await gateway.getPayment(PK);
      await rejection(gateway.settle({ merchantUid: 'order-1', transactionId: PK, amount: 9900 }));
      const expected = `Basic ${Buffer.from(`${SECRET_KEY}:`).toString('base64')}`;
      expect(toss.received.map((r) => r.headers.authorization)).to.have.length.greaterThan(1).and.to.satisfy((all: string[]) => all.every((h) => h === expected));
      const logged = logLines.join('\n');
      expect(logged).to.not.include(SECRET_KEY);
      expect(logged).to.not.include(Buffer.from(`${SECRET_KEY}:`).toString('base64'));
    });

    it('reports a refused secret key (401 UNAUTHORIZED_KEY) as unavailable: the request was not carried out', async () => {
      const refused = tossError(401, 'UNAUTHORIZED_KEY', '인증되지 않은 시크릿 키 혹은 클라이언트 키 입니다.');
      toss.on('GET', `/v1/payments/${PK}`, refused);
      toss.on('GET', '/v1/payments/orders/memberpay-readiness-ping', refused);
      expect(await rejection(gateway.getPayment(PK))).to.be.instanceOf(GatewayUnavailableError);
      expect(await rejection(gateway.ping())).to.be.instanceOf(GatewayUnavailableError);
    });

    it('answers ping when Toss answers the lookup of an unknown order with 404', async () => {
      toss.on('GET', '/v1/payments/orders/memberpay-readiness-ping', tossError(404, 'NOT_FOUND_PAYMENT', '존재하지 않는 결제 정보 입니다.'));
      await gateway.ping();
    });
  });

  describe('lookups', () => {
    it('maps a DONE payment to paid with its ISO approval time, and the card approval (card number masked to 6 + 4)', async () => {
      toss.on('GET', `/v1/payments/${PK}`, ok(tossPayment()));
      expect(await gateway.getPayment(PK)).to.deep.equal({
        gatewayPaymentId: PK, merchantUid: 'order-1', amount: 9900, status: 'paid', cancelledAmount: 0, cancellations: [],
        failReason: null, paidAt: new Date('2026-11-25T09:00:10.000Z'), customerUid: null, customerKey: null,
        card: { approvalNumber: '00000000', maskedNumber: '424242******424*' },
      });
    });

    it('maps PARTIAL_CANCELED to cancelled with cancelledAmount = total - balance and the paid time kept', async () => {
      toss.on('GET', `/v1/payments/${PK}`, ok(tossPayment({
        status: 'PARTIAL_CANCELED', balanceAmount: 6900,
        cancels: [{ cancelAmount: 3000, cancelReason: '부분 환불', canceledAt: '2026-11-26T10:00:00+09:00', transactionKey: 'txc_1', refundableAmount: 6900, taxFreeAmount: 0, taxExemptionAmount: 0, easyPayDiscountAmount: 0 }],
      })));
      const p = await gateway.getPayment(PK);
      expect(p).to.include({ status: 'cancelled', cancelledAmount: 3000 });
      expect(p?.paidAt).to.deep.equal(new Date('2026-11-25T09:00:10.000Z'));
      expect(p?.cancellations).to.deep.equal([{ amount: 3000, reason: '부분 환불', cancelledAt: new Date('2026-11-26T01:00:00.000Z'), receiptId: 'txc_1' }]);
    });

    it('maps ABORTED and EXPIRED to failed with the failure message, and IN_PROGRESS to ready', async () => {
      toss.on('GET', '/v1/payments/a', ok(tossPayment({ paymentKey: 'a', status: 'ABORTED', approvedAt: null, failure: { code: 'REJECT_CARD_PAYMENT', message: '한도초과 혹은 잔액부족으로 결제에 실패했습니다.' } })));
      toss.on('GET', '/v1/payments/e', ok(tossPayment({ paymentKey: 'e', status: 'EXPIRED', approvedAt: null, failure: null })));
      toss.on('GET', '/v1/payments/r', ok(tossPayment({ paymentKey: 'r', status: 'IN_PROGRESS', approvedAt: null })));
      expect(await gateway.getPayment('a')).to.include({ status: 'failed', paidAt: null, failReason: '한도초과 혹은 잔액부족으로 결제에 실패했습니다.' });
      expect(await gateway.getPayment('e')).to.include({ status: 'failed', failReason: '결제가 만료되었습니다.' });
      expect(await gateway.getPayment('r')).to.include({ status: 'ready', paidAt: null, cancelledAmount: 0 });
    });

    it('answers null for 404 NOT_FOUND_PAYMENT by paymentKey and by orderId', async () => {
      toss.on('GET', '/v1/payments/nope', tossError(404, 'NOT_FOUND_PAYMENT', '존재하지 않는 결제 정보 입니다.'));
      toss.on('GET', '/v1/payments/orders/order-9', tossError(404, 'NOT_FOUND_PAYMENT', '존재하지 않는 결제 정보 입니다.'));
      expect(await gateway.getPayment('nope')).to.equal(null);
      expect(await gateway.findByMerchantUid('order-9')).to.equal(null);
    });

    it('retries a read after a 5xx and answers; gives up as unavailable after three tries', async () => {
      toss.on('GET', `/v1/payments/${PK}`, (_r, nth) => (nth < 3 ? tossError(500, 'FAILED_INTERNAL_SYSTEM_PROCESSING', '내부 시스템 처리 작업이 실패했습니다.') : ok(tossPayment())));
      expect(await gateway.getPayment(PK)).to.include({ status: 'paid' });
      toss.on('GET', '/v1/payments/orders/order-1', tossError(503, 'FAILED_INTERNAL_SYSTEM_PROCESSING', 'down'));
      expect(await rejection(gateway.findByMerchantUid('order-1'))).to.be.instanceOf(GatewayUnavailableError);
      expect(toss.calls('GET', '/v1/payments/orders/order-1')).to.have.length(3);
    });

    it('reports a timeout as unavailable without retrying it', async () => {
      toss.on('GET', `/v1/payments/${PK}`, { ...ok(tossPayment()), delayMs: TIMEOUT_MS * 3 });
      expect(await rejection(gateway.getPayment(PK))).to.be.instanceOf(GatewayUnavailableError);
      expect(toss.calls('GET', `/v1/payments/${PK}`)).to.have.length(1);
    });

    it('reports an unreadable 200 as unavailable, never as an answer', async () => {
      toss.on('GET', `/v1/payments/${PK}`, { status: 200, raw: '<html>gateway</html>' });
      expect(await rejection(gateway.getPayment(PK))).to.be.instanceOf(GatewayUnavailableError);
      toss.on('GET', '/v1/payments/x', ok({ paymentKey: 'x', status: 'SOMETHING_NEW', totalAmount: 1 }));
      expect(await rejection(gateway.getPayment('x'))).to.be.instanceOf(GatewayUnavailableError);
    });

    it('reports a connection refused as unavailable', async () => {
      const closed = new TossGateway({ apiUrl: 'http://127.0.0.1:9', secretKey: SECRET_KEY, timeoutMs: TIMEOUT_MS, logger: recordingLogger([]) });
      expect(await rejection(closed.getPayment(PK))).to.be.instanceOf(GatewayUnavailableError);
    });
  });

  describe('settle = confirm', () => {
    it('confirms with paymentKey, orderId and amount and answers the payment', async () => {
      toss.on('POST', '/v1/payments/confirm', ok(tossPayment()));
      expect(await gateway.settle({ merchantUid: 'order-1', transactionId: PK, amount: 9900 })).to.include({ status: 'paid', gatewayPaymentId: PK });
      expect(toss.calls('POST', '/v1/payments/confirm')[0].body).to.deep.equal({ paymentKey: PK, orderId: 'order-1', amount: 9900 });
    });

    it('answers the existing payment when Toss says ALREADY_PROCESSED_PAYMENT', async () => {
      toss.on('POST', '/v1/payments/confirm', tossError(400, 'ALREADY_PROCESSED_PAYMENT', '이미 처리된 결제 입니다.'));
      toss.on('GET', `/v1/payments/${PK}`, ok(tossPayment()));
      expect(await gateway.settle({ merchantUid: 'order-1', transactionId: PK, amount: 9900 })).to.include({ status: 'paid', gatewayPaymentId: PK });
    });

    it('answers null for a paymentKey Toss does not know (404)', async () => {
      toss.on('POST', '/v1/payments/confirm', tossError(404, 'NOT_FOUND_PAYMENT', '존재하지 않는 결제 정보 입니다.'));
      expect(await gateway.settle({ merchantUid: 'order-1', transactionId: 'nope', amount: 9900 })).to.equal(null);
    });

    it('answers the ABORTED record when the card company declines at approval', async () => {
      toss.on('POST', '/v1/payments/confirm', tossError(403, 'REJECT_CARD_PAYMENT', '한도초과 혹은 잔액부족으로 결제에 실패했습니다.'));
      toss.on('GET', `/v1/payments/${PK}`, ok(tossPayment({ status: 'ABORTED', approvedAt: null, failure: { code: 'REJECT_CARD_PAYMENT', message: '한도초과 혹은 잔액부족으로 결제에 실패했습니다.' } })));
      expect(await gateway.settle({ merchantUid: 'order-1', transactionId: PK, amount: 9900 })).to.include({ status: 'failed' });
    });

    it('rejects with Toss code and message when the payment is still only authorised', async () => {
      toss.on('POST', '/v1/payments/confirm', tossError(400, 'INVALID_REQUEST', '잘못된 요청입니다.'));
      toss.on('GET', `/v1/payments/${PK}`, ok(tossPayment({ status: 'IN_PROGRESS', approvedAt: null })));
      const error = await rejection(gateway.settle({ merchantUid: 'order-1', transactionId: PK, amount: 100 }));
      expect(error).to.be.instanceOf(GatewayRejectedError).and.to.include({ gatewayCode: 'INVALID_REQUEST', message: '잘못된 요청입니다.' });
    });

    it('never repeats a confirm: a 5xx is unavailable after one try', async () => {
      toss.on('POST', '/v1/payments/confirm', tossError(500, 'FAILED_PAYMENT_INTERNAL_SYSTEM_PROCESSING', '결제가 완료되지 않았어요.'));
      expect(await rejection(gateway.settle({ merchantUid: 'order-1', transactionId: PK, amount: 9900 }))).to.be.instanceOf(GatewayUnavailableError);
      expect(toss.calls('POST', '/v1/payments/confirm')).to.have.length(1);
    });

    it('reports a confirm that timed out as unavailable', async () => {
      toss.on('POST', '/v1/payments/confirm', { ...ok(tossPayment()), delayMs: TIMEOUT_MS * 3 });
      expect(await rejection(gateway.settle({ merchantUid: 'order-1', transactionId: PK, amount: 9900 }))).to.be.instanceOf(GatewayUnavailableError);
    });
  });

  describe('cancel', () => {
    const request = { gatewayPaymentId: PK, merchantUid: 'order-1', amount: 3000, checksum: 9900, reason: '부분 환불' };

    it('sends cancelAmount, refundableAmount = checksum and a deterministic Idempotency-Key', async () => {
      toss.on('POST', `/v1/payments/${PK}/cancel`, ok(tossPayment({ status: 'PARTIAL_CANCELED', balanceAmount: 6900, cancels: [{ cancelAmount: 3000, cancelReason: '부분 환불', canceledAt: '2026-11-26T10:00:00+09:00', transactionKey: 'txc_1' }] })));
      expect(await gateway.cancel(request)).to.include({ status: 'cancelled', cancelledAmount: 3000 });
      await gateway.cancel(request);
      const [first, second] = toss.calls('POST', `/v1/payments/${PK}/cancel`);
      expect(first.body).to.deep.equal({ cancelReason: '부분 환불', cancelAmount: 3000, refundableAmount: 9900 });
      expect(first.headers['idempotency-key']).to.equal(cancelIdempotencyKey(request)).and.to.equal(second.headers['idempotency-key']);
      expect(cancelIdempotencyKey({ ...request, checksum: 6900 })).to.not.equal(cancelIdempotencyKey(request));
      expect(String(first.headers['idempotency-key']).length).to.be.at.most(300);
    });

    it('rejects NOT_MATCHES_REFUNDABLE_AMOUNT and NOT_CANCELABLE_AMOUNT with Toss code', async () => {
      toss.on('POST', `/v1/payments/${PK}/cancel`, (_r, nth) => nth === 1
        ? tossError(400, 'NOT_MATCHES_REFUNDABLE_AMOUNT', '잔액 결과가 일치하지 않습니다.')
        : tossError(403, 'NOT_CANCELABLE_AMOUNT', '취소 할 수 없는 금액 입니다.'));
      expect(await rejection(gateway.cancel(request))).to.be.instanceOf(GatewayRejectedError).and.to.include({ gatewayCode: 'NOT_MATCHES_REFUNDABLE_AMOUNT' });
      expect(await rejection(gateway.cancel(request))).to.be.instanceOf(GatewayRejectedError).and.to.include({ gatewayCode: 'NOT_CANCELABLE_AMOUNT' });
    });

    it('never sends a cancel without a positive amount (Toss would cancel the whole balance)', async () => {
      expect(await rejection(gateway.cancel({ ...request, amount: 0 }))).to.be.instanceOf(GatewayRejectedError);
      expect(toss.received).to.have.length(0);
    });

    it('never repeats a cancel: a 502 is unavailable after one try', async () => {
      toss.on('POST', `/v1/payments/${PK}/cancel`, { status: 502, raw: 'Bad Gateway' });
      expect(await rejection(gateway.cancel(request))).to.be.instanceOf(GatewayUnavailableError);
      expect(toss.calls('POST', `/v1/payments/${PK}/cancel`)).to.have.length(1);
    });
  });

  describe('billing', () => {
    const handle = 'cust-7f3a:bk_Z9x8Y7w6V5u4T3s2';

    it('charges POST /v1/billing/{billingKey} with the customerKey of the handle, and keeps the billing key out of logs', async () => {
      toss.on('POST', '/v1/billing/bk_Z9x8Y7w6V5u4T3s2', ok(tossPayment({ orderId: 'renewal-1', type: 'BILLING' })));
      const charged = await gateway.chargeBillingKey({ customerUid: handle, merchantUid: 'renewal-1', amount: 9900, name: 'Monthly', buyerName: '홍길동', buyerEmail: 'b@example.test' });
      expect(charged).to.include({ status: 'paid', customerUid: handle, merchantUid: 'renewal-1' });
      expect(toss.received[0].body).to.deep.equal({ customerKey: 'cust-7f3a', amount: 9900, orderId: 'renewal-1', orderName: 'Monthly', customerName: '홍길동', customerEmail: 'b@example.test' });
      expect(logLines.join('\n')).to.not.include('bk_Z9x8Y7w6V5u4T3s2');
    });

    it('answers a decline as the failed record of the orderId, or rejects when Toss kept none', async () => {
      toss.on('POST', '/v1/billing/bk_Z9x8Y7w6V5u4T3s2', tossError(403, 'REJECT_CARD_PAYMENT', '한도초과 혹은 잔액부족으로 결제에 실패했습니다.'));
      toss.on('GET', '/v1/payments/orders/renewal-1', ok(tossPayment({ orderId: 'renewal-1', status: 'ABORTED', approvedAt: null, failure: { code: 'REJECT_CARD_PAYMENT', message: '한도초과 혹은 잔액부족으로 결제에 실패했습니다.' } })));
      expect(await gateway.chargeBillingKey({ customerUid: handle, merchantUid: 'renewal-1', amount: 9900, name: 'Monthly' })).to.include({ status: 'failed', customerUid: handle });
      const error = await rejection(gateway.chargeBillingKey({ customerUid: handle, merchantUid: 'renewal-2', amount: 9900, name: 'Monthly' }));
      expect(error).to.be.instanceOf(GatewayRejectedError).and.to.include({ gatewayCode: 'REJECT_CARD_PAYMENT' });
    });

    it('refuses a customerUid that is not a Toss handle without calling Toss', async () => {
      expect(await rejection(gateway.chargeBillingKey({ customerUid: 'customer_1', merchantUid: 'renewal-1', amount: 9900, name: 'Monthly' }))).to.be.instanceOf(GatewayRejectedError);
      expect(toss.received).to.have.length(0);
    });

    it('issues a billing key from authKey and customerKey and answers the handle', async () => {
      toss.on('POST', '/v1/billing/authorizations/issue', ok({ mId: 'tosspayments', customerKey: 'cust-7f3a', authenticatedAt: '2026-11-25T18:00:00+09:00', method: '카드', billingKey: 'bk_Z9x8Y7w6V5u4T3s2', card: { number: '42424242****424*' } }));
      expect(await gateway.issueBillingKey({ authKey: 'auth_1', customerKey: 'cust-7f3a' })).to.equal(handle);
      expect(toss.received[0].body).to.deep.equal({ authKey: 'auth_1', customerKey: 'cust-7f3a' });
    });

    it('deletes a billing key with DELETE /v1/billing/{billingKey} (any 2xx, no body needed), keeping the key out of logs', async () => {
      toss.on('DELETE', '/v1/billing/bk_Z9x8Y7w6V5u4T3s2', { status: 200, raw: '' });
      await gateway.deleteBillingKey(handle);
      expect(toss.received.map((r) => `${r.method} ${r.path}`)).to.deep.equal(['DELETE /v1/billing/bk_Z9x8Y7w6V5u4T3s2']);
      expect(logLines.join('\n')).to.not.include('bk_Z9x8Y7w6V5u4T3s2');
    });

    it('takes NOT_FOUND_BILLING as already deleted; a bare 404 and a 5xx stay unknown; another refusal is a rejection', async () => {
      toss.on('DELETE', '/v1/billing/bk_Z9x8Y7w6V5u4T3s2', tossError(404, 'NOT_FOUND_BILLING', '존재하지 않는 빌링 정보 입니다.'));
      await gateway.deleteBillingKey(handle);
      toss.on('DELETE', '/v1/billing/bk_Z9x8Y7w6V5u4T3s2', { status: 404, raw: '<html>not here</html>' });
      expect(await rejection(gateway.deleteBillingKey(handle))).to.be.instanceOf(GatewayUnavailableError);
      toss.on('DELETE', '/v1/billing/bk_Z9x8Y7w6V5u4T3s2', tossError(500, 'FAILED_INTERNAL_SYSTEM_PROCESSING', 'x'));
      expect(await rejection(gateway.deleteBillingKey(handle))).to.be.instanceOf(GatewayUnavailableError);
      toss.on('DELETE', '/v1/billing/bk_Z9x8Y7w6V5u4T3s2', tossError(403, 'FORBIDDEN_REQUEST', 'no'));
      expect(await rejection(gateway.deleteBillingKey(handle))).to.be.instanceOf(GatewayRejectedError).and.to.include({ gatewayCode: 'FORBIDDEN_REQUEST' });
    });

    it('makes no call to delete a customerUid that is not a Toss handle', async () => {
      await gateway.deleteBillingKey('customer_1');
      expect(toss.received).to.have.length(0);
    });
  });

  it('treats a 429 and a 4xx without Toss error object as unavailable, not as a refusal', async () => {
    toss.on('POST', '/v1/payments/confirm', tossError(429, 'TOO_MANY_REQUESTS', 'slow down'));
    expect(await rejection(gateway.settle({ merchantUid: 'order-1', transactionId: PK, amount: 9900 }))).to.be.instanceOf(GatewayUnavailableError);
    toss.on('POST', `/v1/payments/${PK}/cancel`, { status: 403, raw: '<html>forbidden by proxy</html>' });
    expect(await rejection(gateway.cancel({ gatewayPaymentId: PK, merchantUid: 'order-1', amount: 1, checksum: 9900, reason: 'x' }))).to.be.instanceOf(GatewayUnavailableError);
  });
});
