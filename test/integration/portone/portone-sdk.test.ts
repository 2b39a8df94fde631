// PortOne's own server SDK (@portone/server-sdk 0.19.0), unchanged, as a client of the V2 sandbox:
// what works against the real API must work against the sandbox, with the SDK's typed errors.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { Payment, PaymentClient, PortOneClient, PortOneError, RestError, Webhook } from '@portone/server-sdk';
import { PortOneWebhookVerifier } from '../../../src/payment/infrastructure/portone/portone-webhook';
import { startPortOneSandboxServer, type PortOneSandboxServer } from '../../../src/sandbox/portone/portone-sandbox-server';
import { PortOneSandboxGatewayDriver } from '../../support/gateway-drivers';
import { rejection } from '../../support/rejection';

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

interface Received {
  body: string;
  headers: IncomingHttpHeaders;
}

/** The app's webhook route, as far as a notice sender can tell: keeps every body exactly as sent. */
async function startReceiver(): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({ body, headers: req.headers });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/payment/webhook/portone`, received, server };
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('the official PortOne server SDK against the V2 sandbox', function () {
  this.timeout(10_000);
  let running: PortOneSandboxServer;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let client: ReturnType<typeof PortOneClient>;
  let driver: PortOneSandboxGatewayDriver;
  let sequence = 0;
  const uid = (kind: string) => `${kind}-${Date.now().toString(36)}-${++sequence}`;

  beforeEach(async () => {
    receiver = await startReceiver();
    running = await startPortOneSandboxServer({ port: 0, webhookUrl: receiver.url });
    const { apiSecret, storeId, channelKey } = running.sandbox.options;
    client = PortOneClient({ secret: apiSecret, baseUrl: running.url });
    driver = new PortOneSandboxGatewayDriver(running.url, { storeId, channelKey });
  });
  afterEach(async () => {
    await running.close();
    receiver.server.closeAllConnections();
    await new Promise<void>((resolve) => receiver.server.close(() => resolve()));
  });

  async function paid(amount = 10_000): Promise<string> {
    const paymentId = uid('order');
    await client.payment.preRegisterPayment({ paymentId, totalAmount: amount, currency: 'KRW' });
    await driver.buyerPays({ merchantUid: paymentId, amount });
    return paymentId;
  }

  it('reads a paid payment in the Payment union shape: amount object, RFC 3339 times, a TEST channel', async () => {
    const paymentId = await paid(9_900);
    const payment = await client.payment.getPayment({ paymentId });
    if (payment.status !== 'PAID') throw new Error(`expected PAID, got ${String(payment.status)}`);
    expect(payment).to.include({ id: paymentId, version: 'V2', orderName: 'memberpay test', currency: 'KRW', storeId: running.sandbox.options.storeId });
    expect(payment.amount).to.deep.equal({ total: 9_900, taxFree: 0, discount: 0, paid: 9_900, cancelled: 0, cancelledTaxFree: 0 });
    for (const time of [payment.requestedAt, payment.updatedAt, payment.statusChangedAt, payment.paidAt]) expect(time).to.match(RFC3339);
    expect(payment.channel).to.include({ type: 'TEST', key: running.sandbox.options.channelKey });
    expect(payment.method).to.include({ type: 'PaymentMethodCard' });
    expect(payment.transactionId).to.be.a('string').and.not.equal('');
    expect(payment.disputes).to.deep.equal([]);
  });

  it('cancels part, then the rest: PARTIAL_CANCELLED with the running total, then CANCELLED', async () => {
    const paymentId = await paid(10_000);
    const part = await client.payment.cancelPayment({ paymentId, reason: 'partial', amount: 3_000, currentCancellableAmount: 10_000 });
    expect(part.cancellation).to.include({ status: 'SUCCEEDED', totalAmount: 3_000, reason: 'partial' });
    const partly = await client.payment.getPayment({ paymentId });
    expect(partly.status).to.equal('PARTIAL_CANCELLED');
    if (partly.status !== 'PARTIAL_CANCELLED') return;
    expect(partly.amount).to.include({ total: 10_000, cancelled: 3_000 });
    expect(partly.cancelledAt).to.match(RFC3339);
    expect(partly.cancellations).to.have.length(1);

    // No amount: everything left.
    const rest = await client.payment.cancelPayment({ paymentId, reason: 'the rest', currentCancellableAmount: 7_000 });
    expect(rest.cancellation).to.include({ status: 'SUCCEEDED', totalAmount: 7_000 });
    const cancelled = await client.payment.getPayment({ paymentId });
    expect(cancelled.status).to.equal('CANCELLED');
    if (cancelled.status === 'CANCELLED') expect(cancelled.amount.cancelled).to.equal(10_000);
  });

  it('throws CancelPaymentError with the V2 type for a wrong currentCancellableAmount, an over-refund, an unpaid or a cancelled payment', async () => {
    const paymentId = await paid(10_000);
    const stale = await rejection(client.payment.cancelPayment({ paymentId, reason: 'stale', amount: 1_000, currentCancellableAmount: 9_000 }));
    expect(stale).to.be.instanceOf(Payment.CancelPaymentError).and.instanceOf(RestError).and.instanceOf(PortOneError);
    expect((stale as Payment.CancelPaymentError).data.type).to.equal('CANCELLABLE_AMOUNT_CONSISTENCY_BROKEN');
    expect(((await client.payment.getPayment({ paymentId })) as { amount: { cancelled: number } }).amount.cancelled).to.equal(0);

    const over = await rejection(client.payment.cancelPayment({ paymentId, reason: 'over', amount: 10_001 }));
    expect((over as Payment.CancelPaymentError).data.type).to.equal('CANCEL_AMOUNT_EXCEEDS_CANCELLABLE_AMOUNT');

    const failedId = uid('order');
    await driver.buyerPays({ merchantUid: failedId, amount: 5_000, action: 'declined' });
    expect(((await rejection(client.payment.cancelPayment({ paymentId: failedId, reason: 'x' }))) as Payment.CancelPaymentError).data.type).to.equal('PAYMENT_NOT_PAID');

    await client.payment.cancelPayment({ paymentId, reason: 'all' });
    expect(((await rejection(client.payment.cancelPayment({ paymentId, reason: 'again' }))) as Payment.CancelPaymentError).data.type).to.equal('PAYMENT_ALREADY_CANCELLED');
  });

  it('throws the typed lookup and pre-register errors: PAYMENT_NOT_FOUND, ALREADY_PAID, UNAUTHORIZED', async () => {
    const missing = await rejection(client.payment.getPayment({ paymentId: 'never-made' }));
    expect(missing).to.be.instanceOf(Payment.GetPaymentError);
    expect((missing as Payment.GetPaymentError).data.type).to.equal('PAYMENT_NOT_FOUND');

    const paymentId = await paid();
    const again = await rejection(client.payment.preRegisterPayment({ paymentId, totalAmount: 10_000, currency: 'KRW' }));
    expect(again).to.be.instanceOf(Payment.PreRegisterPaymentError);
    expect((again as Payment.PreRegisterPaymentError).data.type).to.equal('ALREADY_PAID');

    const stranger = PortOneClient({ secret: 'not-our-secret', baseUrl: running.url });
    const refused = await rejection(stranger.payment.getPayment({ paymentId }));
    expect((refused as Payment.GetPaymentError).data.type).to.equal('UNAUTHORIZED');
  });

  it('takes the storeId the client was made with, and refuses another store as FORBIDDEN', async () => {
    const { apiSecret, storeId } = running.sandbox.options;
    const ours = PortOneClient({ secret: apiSecret, baseUrl: running.url, storeId });
    const paymentId = uid('order');
    await ours.payment.preRegisterPayment({ paymentId, totalAmount: 1_000, currency: 'KRW' });
    expect(await ours.payment.getPayment({ paymentId, storeId }).catch((e: Payment.GetPaymentError) => e.data.type)).to.equal('PAYMENT_NOT_FOUND');

    const other = PortOneClient({ secret: apiSecret, baseUrl: running.url, storeId: 'store-someone-else' });
    const refused = await rejection(other.payment.preRegisterPayment({ paymentId: uid('order'), totalAmount: 1_000, currency: 'KRW' }));
    expect((refused as Payment.PreRegisterPaymentError).data.type).to.equal('FORBIDDEN');
  });

  it('pays with a billing key, reads the key, deletes it (it reads back DELETED) and then refuses it', async () => {
    const first = uid('first');
    await driver.buyerPays({ merchantUid: first, amount: 9_900, customerUid: 'member-1' });
    const billingKey = driver.billingKeyOf('member-1') as string;
    expect(((await client.payment.getPayment({ paymentId: first })) as Payment.PaidPayment).billingKey).to.equal(billingKey);

    const paymentId = uid('renewal');
    const answer = await client.payment.payWithBillingKey({
      paymentId, billingKey, orderName: 'Monthly', amount: { total: 9_900 }, currency: 'KRW', customer: { name: { full: '홍길동' } },
    });
    expect(answer.payment.paidAt).to.match(RFC3339);
    expect(answer.payment.pgTxId).to.be.a('string');
    const renewal = (await client.payment.getPayment({ paymentId })) as Payment.PaidPayment;
    expect(renewal).to.include({ status: 'PAID', billingKey });
    expect(renewal.customer).to.deep.equal({ name: '홍길동' });

    const twice = await rejection(client.payment.payWithBillingKey({ paymentId, billingKey, orderName: 'Monthly', amount: { total: 9_900 }, currency: 'KRW' }));
    expect((twice as Payment.PayWithBillingKeyError).data.type).to.equal('ALREADY_PAID');

    const info = (await client.payment.billingKey.getBillingKeyInfo({ billingKey })) as Payment.BillingKey.IssuedBillingKeyInfo;
    expect(info).to.include({ status: 'ISSUED', billingKey });
    expect(info.customer).to.include({ id: 'member-1' });

    const deleted = await client.payment.billingKey.deleteBillingKey({ billingKey, reason: 'membership ended' });
    expect(deleted.deletedAt).to.match(RFC3339);
    const after = await client.payment.billingKey.getBillingKeyInfo({ billingKey });
    expect(after).to.include({ status: 'DELETED', deletedAt: deleted.deletedAt });

    const refused = await rejection(client.payment.payWithBillingKey({ paymentId: uid('renewal'), billingKey, orderName: 'Monthly', amount: { total: 9_900 }, currency: 'KRW' }));
    expect(refused).to.be.instanceOf(Payment.PayWithBillingKeyError);
    expect((refused as Payment.PayWithBillingKeyError).data.type).to.equal('BILLING_KEY_ALREADY_DELETED');
    const deletedTwice = await rejection(client.payment.billingKey.deleteBillingKey({ billingKey }));
    expect(deletedTwice).to.be.instanceOf(Payment.BillingKey.DeleteBillingKeyError);
    expect((deletedTwice as Payment.BillingKey.DeleteBillingKeyError).data.type).to.equal('BILLING_KEY_ALREADY_DELETED');
    const unknown = await rejection(client.payment.billingKey.getBillingKeyInfo({ billingKey: 'billing-key-unknown' }));
    expect((unknown as Payment.BillingKey.GetBillingKeyInfoError).data.type).to.equal('BILLING_KEY_NOT_FOUND');
  });

  it('answers a declining key with PG_PROVIDER (pgCode, pgMessage) and leaves a FAILED payment', async () => {
    await driver.buyerPays({ merchantUid: uid('first'), amount: 9_900, customerUid: 'member-2' });
    await driver.setCardDeclines('member-2', true);
    const paymentId = uid('renewal');
    const billingKey = driver.billingKeyOf('member-2') as string;
    const declined = await rejection(client.payment.payWithBillingKey({ paymentId, billingKey, orderName: 'Monthly', amount: { total: 9_900 }, currency: 'KRW' }));
    expect((declined as Payment.PayWithBillingKeyError).data).to.include({ type: 'PG_PROVIDER', pgCode: 'V804', pgMessage: '잔액부족 (체크카드)' });
    const failed = await client.payment.getPayment({ paymentId });
    expect(failed.status).to.equal('FAILED');
    if (failed.status === 'FAILED') expect(failed.failure).to.include({ pgCode: 'V804' });
  });

  it('sends signed notices that the SDK\'s Webhook.verify accepts, and our verifier reads', async () => {
    const paymentId = await paid(10_000);
    await client.payment.cancelPayment({ paymentId, reason: 'partial', amount: 1_000 });
    await until(() => receiver.received.length >= 2, 'two notices');
    const { webhookSecret, storeId } = running.sandbox.options;
    const [paidNotice, cancelNotice] = receiver.received;

    const event = await Webhook.verify(webhookSecret, paidNotice.body, paidNotice.headers as Record<string, string>);
    expect(event).to.deep.include({ type: 'Transaction.Paid' });
    expect((event as { data: object }).data).to.include({ paymentId, storeId });
    expect((event as { timestamp: string }).timestamp).to.match(RFC3339);
    expect(paidNotice.headers['content-type']).to.equal('application/json');

    const notice = await new PortOneWebhookVerifier(webhookSecret).verify(cancelNotice.body, cancelNotice.headers);
    expect(notice).to.include({ kind: 'payment', type: 'Transaction.PartialCancelled', paymentId, status: 'PARTIAL_CANCELLED' });
    expect(notice.kind === 'payment' && notice.cancellationId).to.be.a('string');

    const tampered = await rejection(Webhook.verify(webhookSecret, paidNotice.body.replace(paymentId, 'another-order'), paidNotice.headers as Record<string, string>));
    expect(tampered).to.be.instanceOf(Webhook.WebhookVerificationError).and.to.include({ reason: 'NO_MATCHING_SIGNATURE' });
  });

  it('cannot be bounded in time: a call to a server that never answers is still pending after 600 ms (docs/adr/0009)', async () => {
    const silent = createServer(() => { /* never answers */ });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const sdk = PaymentClient({ secret: 'x', baseUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}` });
      const call = sdk.getPayment({ paymentId: 'p' }).then(() => 'answered', () => 'failed');
      const first = await Promise.race([call, new Promise((r) => setTimeout(() => r('still pending'), 600))]);
      expect(first).to.equal('still pending');
      silent.closeAllConnections();
      expect(await call).to.equal('failed');
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
