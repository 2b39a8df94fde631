// PortOneGateway against a tiny local server scripted per test, answering as V2's REST API does
// (docs/portone-v2.md: Payment union, `{type, message}` refusals, statuses): the edges the sandbox
// does not reach (odd bodies, REQUESTED cancellations, a proxy's 404, the time bound).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { GatewayRejectedError, GatewayUnavailableError } from '../../../src/payment/application/payment-gateway.port';
import { withCallDeadline } from '../../../src/payment/infrastructure/gateway-http';
import { PORTONE_ADAPTER_CODE, PortOneGateway } from '../../../src/payment/infrastructure/portone/portone.gateway';
import type { Logger } from '../../../src/shared/application/logger.port';
import { rejection } from '../../support/rejection';

const SECRET = 'portone-v2-secret-Zq8xWv3Lk04821937';
const TIMEOUT_MS = 200;

interface Call {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: any;
}
/** `body` is sent as JSON, `raw` as is; `hang` never answers. */
interface Reply {
  status?: number;
  body?: unknown;
  raw?: string;
  hang?: boolean;
}

/** One function answers every call; the calls are kept for the assertions. */
class ScriptedPortOne {
  readonly calls: Call[] = [];
  answer: (call: Call) => Reply = () => refusal(404, 'PAYMENT_NOT_FOUND');
  url = '';
  private server!: Server;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let text = '';
      req.on('data', (c) => (text += c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://x');
        const call: Call = { method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers, body: text ? JSON.parse(text) : undefined };
        this.calls.push(call);
        const reply = this.answer(call);
        if (reply.hang) return;
        res.statusCode = reply.status ?? 200;
        res.setHeader('content-type', 'application/json');
        res.end(reply.raw ?? JSON.stringify(reply.body ?? {}));
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  count(method: string, path: string): number {
    return this.calls.filter((c) => c.method === method && c.path === path).length;
  }
}

const refusal = (status: number, type: string, message = `${type} (test)`): Reply => ({ status, body: { type, message } });

/** A payment as `GET /payments/{paymentId}` answers it (PAID unless overridden). */
function v2Payment(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    status: 'PAID', id: 'order-1', transactionId: '0190c8a1-5c1b-7cd3-9a38-4e1b2f3a9c10', merchantId: 'merchant-1', storeId: 'store-1',
    channel: { type: 'TEST', key: 'channel-key-1', pgProvider: 'INICIS_V2', pgMerchantId: 'INIpayTest' }, version: 'V2',
    requestedAt: '2026-11-25T09:00:00Z', updatedAt: '2026-11-25T09:00:10Z', statusChangedAt: '2026-11-25T09:00:10Z',
    orderName: 'Monthly membership', amount: { total: 9900, taxFree: 0, discount: 0, paid: 9900, cancelled: 0, cancelledTaxFree: 0 },
    currency: 'KRW', customer: {}, paidAt: '2026-11-25T09:00:10Z', disputes: [], pgTxId: 'pgtx-1', unknownFutureField: { x: 1 },
    ...overrides,
  };
}

function cancellation(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    status: 'SUCCEEDED', id: 'cancel-1', pgCancellationId: 'pgc-1', totalAmount: 3000, taxFreeAmount: 0, vatAmount: 273,
    reason: 'partial refund', requestedAt: '2026-11-26T09:00:00Z', cancelledAt: '2026-11-26T09:00:01Z', ...overrides,
  };
}

function recordingLogger(lines: string[]): Logger {
  const write = (fields: object, message?: string) => void lines.push(JSON.stringify({ ...fields, message }));
  const logger: Logger = { debug: write, info: write, warn: write, error: write, child: (b) => { lines.push(JSON.stringify(b)); return logger; } };
  return logger;
}

describe('PortOneGateway against a V2-shaped server', function () {
  this.timeout(5000);
  let fake: ScriptedPortOne;
  let gateway: PortOneGateway;
  let logLines: string[];

  const newGateway = (storeId: string | null = null) => new PortOneGateway({ apiUrl: fake.url, apiSecret: SECRET, storeId, timeoutMs: TIMEOUT_MS, logger: recordingLogger(logLines) });

  beforeEach(async () => {
    fake = new ScriptedPortOne();
    await fake.start();
    logLines = [];
    gateway = newGateway();
  });
  afterEach(() => fake.stop());

  describe('authentication and store', () => {
    it('sends Authorization: PortOne <secret> on every call, and the secret never reaches a log line', async () => {
      fake.answer = (c) => (c.method === 'GET' ? { body: v2Payment() } : { body: {} });
      await gateway.getPayment('order-1');
      await gateway.prepare({ merchantUid: 'order-2', amount: 9900 });
      await gateway.ping();
      expect(fake.calls.map((c) => c.headers.authorization)).to.deep.equal(Array(3).fill(`PortOne ${SECRET}`));
      expect(logLines.join('\n')).to.not.include(SECRET);
    });

    it('names the store in POST bodies and GET/DELETE queries when one is configured, and nowhere otherwise', async () => {
      fake.answer = (c) => (c.method === 'GET' ? { body: v2Payment() } : { body: { deletedAt: '2026-11-25T09:00:00Z' } });
      await gateway.getPayment('order-1');
      await gateway.prepare({ merchantUid: 'order-1', amount: 9900 });
      expect(fake.calls.map((c) => [c.query.get('storeId'), c.body?.storeId])).to.deep.equal([[null, undefined], [null, undefined]]);

      const sub = newGateway('store-sub-1');
      await sub.getPayment('order-1');
      await sub.prepare({ merchantUid: 'order-1', amount: 9900 });
      await sub.deleteBillingKey('billing-key-1');
      expect(fake.calls.slice(2).map((c) => c.query.get('storeId') ?? c.body?.storeId)).to.deep.equal(['store-sub-1', 'store-sub-1', 'store-sub-1']);
    });

    for (const [status, type] of [[401, 'UNAUTHORIZED'], [403, 'FORBIDDEN']] as const) {
      it(`treats ${status} ${type} as unavailable (our secret or store was refused), never as a refusal of the payment`, async () => {
        fake.answer = () => refusal(status, type);
        expect(await rejection(gateway.getPayment('order-1'))).to.be.instanceOf(GatewayUnavailableError);
        expect(await rejection(gateway.prepare({ merchantUid: 'order-1', amount: 1 }))).to.be.instanceOf(GatewayUnavailableError);
        expect(await rejection(gateway.ping())).to.be.instanceOf(GatewayUnavailableError);
      });
    }
  });

  describe('lookups', () => {
    it('answers null for PAYMENT_NOT_FOUND, by paymentId, merchant_uid and settle alike', async () => {
      fake.answer = () => refusal(404, 'PAYMENT_NOT_FOUND');
      expect(await gateway.getPayment('order-1')).to.equal(null);
      expect(await gateway.findByMerchantUid('order-1')).to.equal(null);
      expect(await gateway.settle({ merchantUid: 'order-1', transactionId: 'tx-1', amount: 9900 })).to.equal(null);
      expect(fake.calls.map((c) => c.path)).to.deep.equal(Array(3).fill('/payments/order-1'));
    });

    it('does not take a 404 without a PortOne body (a wrong base URL, a proxy) for "no such payment"', async () => {
      fake.answer = () => ({ status: 404, raw: '<html>Not Found</html>' });
      expect(await rejection(gateway.getPayment('order-1'))).to.be.instanceOf(GatewayUnavailableError);
    });

    it('reads a 4xx {type, message} as a refusal with the type as its code', async () => {
      fake.answer = () => refusal(400, 'INVALID_REQUEST', '요청이 올바르지 않습니다.');
      const error = await rejection(gateway.getPayment('order-1'));
      expect(error).to.be.instanceOf(GatewayRejectedError).and.to.include({ gatewayCode: 'INVALID_REQUEST', message: '요청이 올바르지 않습니다.' });
      fake.answer = () => ({ status: 409, body: { type: 'ALREADY_PAID' } });
      expect(await rejection(gateway.prepare({ merchantUid: 'order-1', amount: 1 }))).to.include({ gatewayCode: 'ALREADY_PAID', message: 'ALREADY_PAID' });
    });

    it('escapes the paymentId in the path', async () => {
      fake.answer = () => refusal(404, 'PAYMENT_NOT_FOUND');
      await gateway.getPayment('order/1 ?#');
      expect(fake.calls[0].path).to.equal('/payments/order%2F1%20%3F%23');
    });

    it('maps PAID, PARTIAL_CANCELLED (still paid, with the refunds) and CANCELLED, ignoring fields it does not know', async () => {
      fake.answer = () => ({ body: v2Payment() });
      expect(await gateway.getPayment('order-1')).to.deep.equal({
        gatewayPaymentId: 'order-1', merchantUid: 'order-1', amount: 9900, status: 'paid', cancelledAmount: 0, cancellations: [],
        failReason: null, paidAt: new Date('2026-11-25T09:00:10Z'), customerUid: null, customerKey: null,
      });

      const requested = cancellation({ status: 'REQUESTED', id: 'cancel-2', totalAmount: 1000, cancelledAt: undefined });
      fake.answer = () => ({ body: v2Payment({ status: 'PARTIAL_CANCELLED', amount: { total: 9900, taxFree: 0, discount: 0, paid: 9900, cancelled: 3000, cancelledTaxFree: 0 }, cancellations: [cancellation(), requested], cancelledAt: '2026-11-26T09:00:01Z' }) });
      const partly = await gateway.getPayment('order-1');
      expect(partly).to.include({ status: 'paid', amount: 9900, cancelledAmount: 3000 });
      expect(partly?.cancellations).to.deep.equal([{ amount: 3000, reason: 'partial refund', cancelledAt: new Date('2026-11-26T09:00:01Z'), receiptId: 'pgc-1' }]);

      fake.answer = () => ({ body: v2Payment({ status: 'CANCELLED', amount: { total: 9900, taxFree: 0, discount: 0, paid: 9900, cancelled: 9900, cancelledTaxFree: 0 }, cancellations: [cancellation({ totalAmount: 9900 })], cancelledAt: '2026-11-26T09:00:01Z' }) });
      expect(await gateway.getPayment('order-1')).to.include({ status: 'cancelled', cancelledAmount: 9900 });
    });

    it('maps FAILED with its reason (the PG message when there is none), and the unpaid states as ready', async () => {
      const failed = (failure: object) => v2Payment({ status: 'FAILED', paidAt: undefined, failedAt: '2026-11-25T09:00:10Z', failure });
      fake.answer = () => ({ body: failed({ reason: '카드 한도초과', pgCode: 'V803', pgMessage: '한도초과' }) });
      expect(await gateway.getPayment('order-1')).to.include({ status: 'failed', failReason: '카드 한도초과', paidAt: null });
      fake.answer = () => ({ body: failed({ pgMessage: '한도초과' }) });
      expect(await gateway.getPayment('order-1')).to.include({ failReason: '한도초과' });
      fake.answer = () => ({ body: failed({}) });
      expect((await gateway.getPayment('order-1'))?.failReason).to.be.a('string').and.not.equal('');
      for (const status of ['READY', 'PAY_PENDING', 'VIRTUAL_ACCOUNT_ISSUED']) {
        fake.answer = () => ({ body: v2Payment({ status, paidAt: undefined, amount: { total: 9900, taxFree: 0, discount: 0, paid: 0, cancelled: 0, cancelledTaxFree: 0 } }) });
        expect(await gateway.getPayment('order-1')).to.include({ status: 'ready', paidAt: null, cancelledAmount: 0 });
      }
    });

    it('reports the billing key a payment was made with as its customerUid', async () => {
      fake.answer = () => ({ body: v2Payment({ billingKey: 'billing-key-7' }) });
      expect(await gateway.getPayment('order-1')).to.include({ customerUid: 'billing-key-7' });
    });

    for (const [what, reply] of [
      ['an unknown status', { body: v2Payment({ status: 'PARTIALLY_SOMETHING' }) }],
      ['a fractional amount', { body: v2Payment({ amount: { total: 99.5, cancelled: 0 } }) }],
      ['no amount object', { body: v2Payment({ amount: 9900 }) }],
      ['a body that is not JSON', { raw: 'OK' }],
      ['a cancellation without an amount', { body: v2Payment({ cancellations: [{ status: 'SUCCEEDED' }] }) }],
    ] as const) {
      it(`treats ${what} as an unknown outcome`, async () => {
        fake.answer = () => reply;
        expect(await rejection(gateway.getPayment('order-1'))).to.be.instanceOf(GatewayUnavailableError);
      });
    }
  });

  describe('server errors and time', () => {
    it('tries a lookup three times on a 5xx, then answers unavailable; a write is never repeated', async () => {
      fake.answer = () => refusal(500, 'INTERNAL_SERVER_ERROR');
      expect(await rejection(gateway.getPayment('order-1'))).to.be.instanceOf(GatewayUnavailableError);
      expect(fake.count('GET', '/payments/order-1')).to.equal(3);
      expect(await rejection(gateway.prepare({ merchantUid: 'order-1', amount: 1 }))).to.be.instanceOf(GatewayUnavailableError);
      expect(fake.count('POST', '/payments/order-1/pre-register')).to.equal(1);
    });

    it('gives up on a gateway that does not answer within the call bound (1.5 x the timeout), as unknown', async () => {
      fake.answer = () => ({ hang: true });
      const bounded = withCallDeadline(gateway, TIMEOUT_MS * 1.5);
      for (const call of [() => bounded.getPayment('order-1'), () => bounded.cancel({ gatewayPaymentId: 'order-1', merchantUid: 'order-1', amount: 1, checksum: 1, reason: 'r' }),
        () => bounded.chargeBillingKey({ customerUid: 'billing-key-1', merchantUid: 'renewal-1', amount: 9900, name: 'Monthly' })]) {
        const startedAt = Date.now();
        expect(await rejection(call())).to.be.instanceOf(GatewayUnavailableError);
        expect(Date.now() - startedAt).to.be.below(TIMEOUT_MS * 1.5 + 100);
      }
    });
  });

  describe('cancel', () => {
    it('sends the amount, the reason and our balance as currentCancellableAmount, then answers the payment as it stands', async () => {
      fake.answer = (c) => (c.method === 'POST'
        ? { body: { cancellation: cancellation() } }
        : { body: v2Payment({ status: 'PARTIAL_CANCELLED', amount: { total: 9900, taxFree: 0, discount: 0, paid: 9900, cancelled: 3000, cancelledTaxFree: 0 }, cancellations: [cancellation()], cancelledAt: '2026-11-26T09:00:01Z' }) });
      const after = await gateway.cancel({ gatewayPaymentId: 'order-1', merchantUid: 'order-1', amount: 3000, checksum: 9900, reason: 'partial refund' });
      expect(fake.calls[0]).to.deep.include({ method: 'POST', path: '/payments/order-1/cancel', body: { reason: 'partial refund', amount: 3000, currentCancellableAmount: 9900 } });
      expect(after).to.include({ status: 'paid', cancelledAmount: 3000 });
    });

    it('never sends a cancel without a positive whole amount (V2 would cancel everything left)', async () => {
      for (const amount of [0, -1, 1.5, Number.NaN]) {
        expect(await rejection(gateway.cancel({ gatewayPaymentId: 'order-1', merchantUid: 'order-1', amount, checksum: 9900, reason: 'r' }))).to.be.instanceOf(GatewayRejectedError);
      }
      expect(fake.calls).to.have.length(0);
    });

    it('reads a FAILED cancellation as a refusal and a REQUESTED one (the PG finishes later) as not known yet', async () => {
      fake.answer = () => ({ body: { cancellation: cancellation({ status: 'FAILED', reason: 'PG 취소 실패' }) } });
      expect(await rejection(gateway.cancel({ gatewayPaymentId: 'order-1', merchantUid: 'order-1', amount: 3000, checksum: 9900, reason: 'r' })))
        .to.be.instanceOf(GatewayRejectedError).and.to.include({ gatewayCode: PORTONE_ADAPTER_CODE.cancellationFailed });
      fake.answer = () => ({ body: { cancellation: cancellation({ status: 'REQUESTED', cancelledAt: undefined }) } });
      expect(await rejection(gateway.cancel({ gatewayPaymentId: 'order-1', merchantUid: 'order-1', amount: 3000, checksum: 9900, reason: 'r' }))).to.be.instanceOf(GatewayUnavailableError);
      expect(fake.count('GET', '/payments/order-1')).to.equal(0);
    });

    it('passes the V2 refusal on with its type', async () => {
      fake.answer = () => refusal(409, 'CANCELLABLE_AMOUNT_CONSISTENCY_BROKEN');
      expect(await rejection(gateway.cancel({ gatewayPaymentId: 'order-1', merchantUid: 'order-1', amount: 3000, checksum: 9000, reason: 'r' })))
        .to.include({ gatewayCode: 'CANCELLABLE_AMOUNT_CONSISTENCY_BROKEN' });
    });
  });

  describe('billing keys', () => {
    const charge = { customerUid: 'billing-key-1', merchantUid: 'renewal-m1-2', amount: 9900, name: 'Monthly', buyerName: '홍길동', buyerEmail: 'buyer@example.test' };
    const chargePath = '/payments/renewal-m1-2/billing-key';

    it('pays with the key under the renewal merchant_uid, and answers paid from the 200 alone', async () => {
      fake.answer = () => ({ body: { payment: { pgTxId: 'pgtx-9', paidAt: '2026-12-01T00:00:03Z' } } });
      const paid = await gateway.chargeBillingKey(charge);
      expect(fake.calls).to.have.length(1);
      expect(fake.calls[0]).to.deep.include({
        method: 'POST', path: chargePath,
        body: { billingKey: 'billing-key-1', orderName: 'Monthly', amount: { total: 9900 }, currency: 'KRW', customer: { name: { full: '홍길동' }, email: 'buyer@example.test' } },
      });
      expect(paid).to.deep.equal({
        gatewayPaymentId: 'renewal-m1-2', merchantUid: 'renewal-m1-2', amount: 9900, status: 'paid', cancelledAmount: 0, cancellations: [],
        failReason: null, paidAt: new Date('2026-12-01T00:00:03Z'), customerUid: 'billing-key-1', customerKey: null,
      });
      expect(logLines.join('\n')).to.not.include('billing-key-1');
    });

    it('answers a decline (502 PG_PROVIDER) with the FAILED payment it left, without throwing', async () => {
      fake.answer = (c) => (c.method === 'POST'
        ? { status: 502, body: { type: 'PG_PROVIDER', message: 'PG사 오류', pgCode: 'V804', pgMessage: '잔액부족' } }
        : { body: v2Payment({ id: 'renewal-m1-2', status: 'FAILED', billingKey: 'billing-key-1', failedAt: '2026-12-01T00:00:03Z', failure: { reason: '잔액부족', pgCode: 'V804' } }) });
      expect(await gateway.chargeBillingKey(charge)).to.include({ status: 'failed', failReason: '잔액부족', paidAt: null, customerUid: 'billing-key-1' });
      expect(fake.count('POST', chargePath)).to.equal(1);
    });

    it('answers a charge whose answer was lost (5xx) but which PortOne made, and stays unknown when PortOne holds nothing', async () => {
      fake.answer = (c) => (c.method === 'POST' ? refusal(500, 'INTERNAL_SERVER_ERROR') : { body: v2Payment({ id: 'renewal-m1-2', billingKey: 'billing-key-1' }) });
      expect(await gateway.chargeBillingKey(charge)).to.include({ status: 'paid', gatewayPaymentId: 'renewal-m1-2' });
      fake.answer = (c) => (c.method === 'POST' ? refusal(502, 'PG_PROVIDER') : refusal(404, 'PAYMENT_NOT_FOUND'));
      expect(await rejection(gateway.chargeBillingKey(charge))).to.be.instanceOf(GatewayUnavailableError);
      fake.answer = (c) => (c.method === 'POST' ? refusal(502, 'PG_PROVIDER') : { body: v2Payment({ id: 'renewal-m1-2', status: 'READY', paidAt: undefined }) });
      expect(await rejection(gateway.chargeBillingKey(charge))).to.be.instanceOf(GatewayUnavailableError);
    });

    it('answers ALREADY_PAID with the payment made, and refuses when PortOne then shows none', async () => {
      fake.answer = (c) => (c.method === 'POST' ? refusal(409, 'ALREADY_PAID') : { body: v2Payment({ id: 'renewal-m1-2', billingKey: 'billing-key-1' }) });
      expect(await gateway.chargeBillingKey(charge)).to.include({ status: 'paid', customerUid: 'billing-key-1' });
      fake.answer = (c) => (c.method === 'POST' ? refusal(409, 'ALREADY_PAID') : refusal(404, 'PAYMENT_NOT_FOUND'));
      expect(await rejection(gateway.chargeBillingKey(charge))).to.be.instanceOf(GatewayRejectedError).and.to.include({ gatewayCode: 'ALREADY_PAID' });
    });

    it('refuses an unknown or deleted key with its V2 type', async () => {
      for (const type of ['BILLING_KEY_NOT_FOUND', 'BILLING_KEY_ALREADY_DELETED']) {
        fake.answer = () => refusal(type.endsWith('FOUND') ? 404 : 409, type);
        expect(await rejection(gateway.chargeBillingKey(charge))).to.be.instanceOf(GatewayRejectedError).and.to.include({ gatewayCode: type });
      }
    });

    it('treats an unreadable 200 to a charge as unknown', async () => {
      fake.answer = () => ({ body: { payment: {} } });
      expect(await rejection(gateway.chargeBillingKey(charge))).to.be.instanceOf(GatewayUnavailableError);
    });

    it('deletes with DELETE /billing-keys/{key}?reason=, takes a key already gone as done, and keeps the key out of the logs', async () => {
      fake.answer = () => ({ body: { deletedAt: '2026-12-01T00:00:00Z' } });
      await gateway.deleteBillingKey('billing-key-1');
      expect(fake.calls[0]).to.include({ method: 'DELETE', path: '/billing-keys/billing-key-1' });
      expect(fake.calls[0].query.get('reason')).to.be.a('string');
      for (const [status, type] of [[404, 'BILLING_KEY_NOT_FOUND'], [404, 'BILLING_KEY_NOT_ISSUED'], [409, 'BILLING_KEY_ALREADY_DELETED']] as const) {
        fake.answer = () => refusal(status, type);
        await gateway.deleteBillingKey('billing-key-1');
      }
      fake.answer = () => refusal(409, 'PAYMENT_SCHEDULE_ALREADY_EXISTS');
      expect(await rejection(gateway.deleteBillingKey('billing-key-1'))).to.include({ gatewayCode: 'PAYMENT_SCHEDULE_ALREADY_EXISTS' });
      expect(logLines.join('\n')).to.not.include('billing-key-1');
      expect(logLines.join('\n')).to.include('/billing-keys/{billingKey}');
    });
  });
});
