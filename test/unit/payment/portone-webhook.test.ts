import { createHmac } from 'node:crypto';
import { expect } from 'chai';
import {
  InvalidWebhookSignatureError, MalformedWebhookError, PortOneWebhookVerifier,
} from '../../../src/payment/infrastructure/portone/portone-webhook';
import { rejection } from '../../support/rejection';

const SECRET_BYTES = Buffer.from('a webhook secret of thirty bytes!');
const SECRET = `whsec_${SECRET_BYTES.toString('base64')}`;

/** Standard Webhooks headers for `body`, signed with `key` at `timestamp` (unix seconds). */
function signed(body: string, { key = SECRET_BYTES, timestamp = Math.floor(Date.now() / 1000), id = 'msg_2Kc1' } = {}): Record<string, string> {
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': `v1,${signature}` };
}

const paidEvent = JSON.stringify({
  type: 'Transaction.Paid', timestamp: '2026-12-01T00:00:00Z',
  data: { storeId: 'store-1', paymentId: 'mp_01JABCDEF', transactionId: 'tx-1', somethingNew: true },
});

describe('PortOne V2 webhook verifier', () => {
  const verifier = new PortOneWebhookVerifier(SECRET);

  it('reads a correctly signed Transaction event as a payment notice, with the status it implies', async () => {
    expect(await verifier.verify(paidEvent, signed(paidEvent))).to.deep.equal({
      kind: 'payment', webhookId: 'msg_2Kc1', type: 'Transaction.Paid', paymentId: 'mp_01JABCDEF', transactionId: 'tx-1', cancellationId: null, status: 'PAID',
    });
    const cancelled = JSON.stringify({ type: 'Transaction.PartialCancelled', timestamp: '2026-12-01T00:00:00Z', data: { storeId: 's', paymentId: 'p-1', transactionId: 't', cancellationId: 'c-1' } });
    expect(await verifier.verify(cancelled, signed(cancelled))).to.include({ status: 'PARTIAL_CANCELLED', cancellationId: 'c-1' });
  });

  it('finds the headers whatever their case, and accepts any matching v1 entry among several signatures (secret rotation)', async () => {
    const headers = signed(paidEvent);
    const other = signed(paidEvent, { key: Buffer.from('another secret') })['webhook-signature'];
    const mixed = { 'Webhook-Id': headers['webhook-id'], 'WEBHOOK-TIMESTAMP': headers['webhook-timestamp'], 'webhook-signature': `${other} v1a,xyz ${headers['webhook-signature']}` };
    expect(await verifier.verify(paidEvent, mixed)).to.include({ paymentId: 'mp_01JABCDEF', webhookId: 'msg_2Kc1' });
  });

  it('reads the first webhook version (2024-01-01) too', async () => {
    const body = JSON.stringify({ payment_id: 'mp_01', tx_id: 'tx-9', status: 'Cancelled' });
    expect(await verifier.verify(body, signed(body))).to.deep.equal({
      kind: 'payment', webhookId: 'msg_2Kc1', type: 'Transaction.Cancelled', paymentId: 'mp_01', transactionId: 'tx-9', cancellationId: null, status: 'CANCELLED',
    });
  });

  it('passes billing-key events and event types it does not know on, for the route to acknowledge', async () => {
    const issued = JSON.stringify({ type: 'BillingKey.Issued', timestamp: 't', data: { storeId: 's', billingKey: 'billing-key-1' } });
    expect(await verifier.verify(issued, signed(issued))).to.deep.equal({ kind: 'billing_key', webhookId: 'msg_2Kc1', type: 'BillingKey.Issued', billingKey: 'billing-key-1' });
    const future = JSON.stringify({ type: 'Settlement.Done', timestamp: 't', data: {} });
    expect(await verifier.verify(future, signed(future))).to.deep.equal({ kind: 'other', webhookId: 'msg_2Kc1', type: 'Settlement.Done' });
  });

  const refusals: Array<[string, () => [string, Record<string, string>], string]> = [
    ['no signature headers', () => [paidEvent, {}], 'MISSING_REQUIRED_HEADERS'],
    ['a body changed after signing', () => [paidEvent.replace('mp_01JABCDEF', 'mp_01JOTHER00'), signed(paidEvent)], 'NO_MATCHING_SIGNATURE'],
    ['re-serialised JSON instead of the raw body', () => [JSON.stringify(JSON.parse(paidEvent), null, 1), signed(paidEvent)], 'NO_MATCHING_SIGNATURE'],
    ['another secret', () => [paidEvent, signed(paidEvent, { key: Buffer.from('not our secret') })], 'NO_MATCHING_SIGNATURE'],
    ['a timestamp more than five minutes old (a replay)', () => [paidEvent, signed(paidEvent, { timestamp: Math.floor(Date.now() / 1000) - 301 })], 'TIMESTAMP_TOO_OLD'],
    ['a timestamp from the future', () => [paidEvent, signed(paidEvent, { timestamp: Math.floor(Date.now() / 1000) + 301 })], 'TIMESTAMP_TOO_NEW'],
    ['a signature of another webhook-id', () => [paidEvent, { ...signed(paidEvent), 'webhook-id': 'msg_other' }], 'NO_MATCHING_SIGNATURE'],
  ];
  for (const [what, make, reason] of refusals) {
    it(`refuses ${what} as invalid_signature (401), reason ${reason}`, async () => {
      const [body, headers] = make();
      const error = await rejection(verifier.verify(body, headers));
      expect(error).to.be.instanceOf(InvalidWebhookSignatureError).and.to.include({ kind: 'unauthenticated', code: 'invalid_signature', reason });
    });
  }

  it('refuses a webhook-id header sent twice (the SDK counts it as missing)', async () => {
    const headers: Record<string, string | string[]> = { ...signed(paidEvent), 'webhook-id': ['msg_2Kc1', 'msg_2Kc1'] };
    expect(await rejection(verifier.verify(paidEvent, headers))).to.be.instanceOf(InvalidWebhookSignatureError);
  });

  it('refuses a body that is not a string (a parsed object) as invalid_signature', async () => {
    expect(await rejection(verifier.verify(JSON.parse(paidEvent), signed(paidEvent)))).to.be.instanceOf(InvalidWebhookSignatureError);
  });

  for (const [what, body] of [
    ['a signed body that is not JSON', 'paid!'],
    ['a signed array', '[1]'],
    ['a signed Transaction event without a paymentId', JSON.stringify({ type: 'Transaction.Paid', data: {} })],
    ['a signed object of neither version', JSON.stringify({ hello: 'world' })],
  ] as const) {
    it(`answers ${what} as a malformed notice (400), not as a signature failure`, async () => {
      expect(await rejection(verifier.verify(body, signed(body)))).to.be.instanceOf(MalformedWebhookError).and.to.include({ kind: 'invalid_input' });
    });
  }

  it('refuses to start with a secret that is not whsec_ base64', () => {
    for (const bad of ['', 'whsec_', 'whsec_not base64!', 'whsec_abc']) {
      expect(() => new PortOneWebhookVerifier(bad), bad).to.throw(/^PORTONE_WEBHOOK_SECRET/);
    }
    expect(() => new PortOneWebhookVerifier(SECRET_BYTES.toString('base64'))).to.not.throw();
  });
});
