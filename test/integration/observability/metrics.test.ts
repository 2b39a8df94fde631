import { expect } from 'chai';
import { GatewayRejectedError, GatewayUnavailableError, type PaymentGateway } from '../../../src/payment/application/payment-gateway.port';
import { createIamportSandbox } from '../../../src/sandbox/iamport/iamport-sandbox';
import { AppMetrics, meteredGateway } from '../../../src/app/metrics';
import { startHttpHarness, type HttpHarness, type HttpPersistence } from '../../support/http-app';

/** The value of one sample line, e.g. `memberpay_payments{status="paid"}`. */
function sample(text: string, series: string): number | null {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : null;
}

describe('GET /metrics: the page and the in-process sandbox are labelled, not counted as unmatched', () => {
  let harness: HttpHarness;
  before(async () => {
    const sandbox = createIamportSandbox({ prefix: '/sandbox/iamport' });
    harness = await startHttpHarness({ persistence: 'memory', app: { extraRouters: [sandbox.router] } });
  });
  after(() => harness.close());

  it('labels the page files `static` and the sandbox routes by their pattern', async () => {
    const client = harness.client();
    expect((await client.get('/')).status).to.equal(200);
    expect((await client.get('/app.js')).status).to.equal(200);
    expect((await client.get('/sandbox/iamport/sdk.js')).status).to.equal(200);
    const text = (await client.get('/metrics')).text;
    expect(sample(text, 'memberpay_http_request_duration_seconds_count{method="GET",route="static",status="200"}')).to.equal(2);
    expect(text).to.match(/memberpay_http_request_duration_seconds_count\{method="GET",route="\/sandbox\/iamport\/sdk\.js",status="200"\} 1/);
    expect(text).not.to.include('route="unmatched"');
  });
});

for (const persistence of ['memory', 'sqlite'] as HttpPersistence[]) {
  describe(`GET /metrics (${persistence})`, () => {
    let harness: HttpHarness;
    before(async () => {
      harness = await startHttpHarness({ persistence, env: { ADMIN_TOKEN: 'admin-token-0123456789abcdef' } });
    });
    after(() => harness.close());

    it('answers Prometheus text with request durations by route pattern, gateway calls by outcome and renewal counters', async () => {
      const buyer = harness.client();
      await buyer.signUp();
      const checkout = await buyer.post('/api/payment/checkout', { plan: 'monthly' });
      expect(checkout.status).to.equal(201);
      await buyer.post('/api/admin/payments/nope/refund', { reason: 'x' }, { Authorization: 'Bearer admin-token-0123456789abcdef' });
      await buyer.get('/no/such/route');
      const run = await buyer.post('/api/admin/renewals/run', {}, { Authorization: 'Bearer admin-token-0123456789abcdef' });
      expect(run.status).to.equal(200);

      const res = await buyer.get('/metrics');
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.match(/^text\/plain/);
      const text = res.text;
      expect(sample(text, 'memberpay_http_request_duration_seconds_count{method="POST",route="/api/payment/checkout",status="201"}')).to.equal(1);
      expect(sample(text, 'memberpay_http_request_duration_seconds_count{method="POST",route="/api/admin/payments/:merchant_uid/refund",status="404"}')).to.equal(1);
      expect(sample(text, 'memberpay_http_request_duration_seconds_count{method="GET",route="unmatched",status="404"}')).to.equal(1);
      expect(sample(text, 'memberpay_gateway_calls_total{operation="prepare",outcome="ok"}')).to.equal(1);
      expect(text).to.include('memberpay_gateway_call_duration_seconds_bucket{le="0.01",operation="prepare",outcome="ok"}');
      expect(text).to.include('# TYPE memberpay_renewals_total counter');
      expect(text).to.include('# TYPE memberpay_process_resident_memory_bytes gauge');
      if (persistence === 'sqlite') {
        expect(sample(text, 'memberpay_payments{status="await"}')).to.equal(1);
        expect(sample(text, 'memberpay_payments{status="paid"}')).to.equal(0);
        expect(sample(text, 'memberpay_outbox_lag_seconds')).to.equal(0);
      }
    });
  });
}

describe('metered gateway', () => {
  const gateway = {
    extra: 'kept',
    async prepare() {},
    async getPayment() { throw new GatewayRejectedError('no such payment', -1); },
    async findByMerchantUid() { throw new GatewayUnavailableError(); },
  } as unknown as PaymentGateway & { extra: string };

  it('times each call as ok, rejected or unknown and keeps the adapter reachable', async () => {
    const metrics = new AppMetrics();
    const metered = meteredGateway(gateway, metrics);
    await metered.prepare({ merchantUid: 'm', amount: 1 });
    await metered.getPayment('imp').catch(() => undefined);
    await metered.findByMerchantUid('m').catch(() => undefined);
    await metered.findByMerchantUid('m').catch(() => undefined);
    expect(metered.extra).to.equal('kept');
    const text = (await metrics.text()).body;
    expect(sample(text, 'memberpay_gateway_calls_total{operation="prepare",outcome="ok"}')).to.equal(1);
    expect(sample(text, 'memberpay_gateway_calls_total{operation="getPayment",outcome="rejected"}')).to.equal(1);
    expect(sample(text, 'memberpay_gateway_calls_total{operation="findByMerchantUid",outcome="unknown"}')).to.equal(2);
  });

  it('feeds renewal outcomes into counters', async () => {
    const metrics = new AppMetrics();
    metrics.recordRenewalRun({ due: 5, charged: 3, failed: 1, skipped: 1, reminded: 2, ended: 0 });
    const text = (await metrics.text()).body;
    expect(sample(text, 'memberpay_renewals_total{outcome="charged"}')).to.equal(3);
    expect(sample(text, 'memberpay_renewals_total{outcome="failed"}')).to.equal(1);
    expect(sample(text, 'memberpay_renewal_reminders_total')).to.equal(2);
  });
});
