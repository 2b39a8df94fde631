import { expect } from 'chai';
import type { ApiClient, HttpHarness } from '../../support/http-app';
import { startHttpHarness } from '../../support/http-app';
import { checkoutAndPay, expectError } from '../http/suites/harness';

const prepares = (h: HttpHarness) => h.parts.gateway.calls.filter((c) => c.operation === 'prepare').length;

/** DESIGN §6 "Security rules": at most 5 `await` checkouts per user in PAYMENT_TTL_MIN; more -> 429 `too_many_open_orders`, no gateway call. */
describe('security: open orders per user', function () {
  this.timeout(30_000);
  let h: HttpHarness;
  let buyer: ApiClient;
  beforeEach(async () => {
    h = await startHttpHarness({ persistence: 'sqlite' });
    buyer = h.client();
    await buyer.signUp();
  });
  afterEach(async () => { await h.close(); });

  it('the sixth unpaid checkout answers 429 too_many_open_orders and never reaches the gateway', async () => {
    for (let i = 0; i < 5; i += 1) expect((await buyer.post('/api/payment/checkout', { plan: 'monthly' })).status).to.equal(201);
    expect(prepares(h)).to.equal(5);
    expectError(await buyer.post('/api/payment/checkout', { plan: 'monthly' }), 429, 'too_many_open_orders');
    expect(prepares(h)).to.equal(5);
    expect((await buyer.get('/api/payments')).body.payments).to.have.length(5);
  });

  it('200 checkouts at once from one user open 5 orders and make 5 gateway calls', async () => {
    const answers = await Promise.all(Array.from({ length: 200 }, () => buyer.post('/api/payment/checkout', { plan: 'monthly' })));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).to.have.length(5);
    expect(statuses.filter((s) => s === 429)).to.have.length(195);
    expect(prepares(h)).to.equal(5);
  });

  it('another user is not limited by the first one\'s orders', async () => {
    for (let i = 0; i < 5; i += 1) await buyer.post('/api/payment/checkout', { plan: 'monthly' });
    const other = h.client();
    await other.signUp();
    expect((await other.post('/api/payment/checkout', { plan: 'monthly' })).status).to.equal(201);
  });

  it('paid orders do not count, and open ones stop counting once PAYMENT_TTL_MIN has passed', async () => {
    for (let i = 0; i < 4; i += 1) await buyer.post('/api/payment/checkout', { plan: 'monthly' });
    const { merchantUid, gatewayPaymentId } = await checkoutAndPay(h, buyer);
    expect((await buyer.post('/api/payment/validation', { merchant_uid: merchantUid, imp_uid: gatewayPaymentId })).status).to.equal(200);
    expect((await buyer.post('/api/payment/checkout', { plan: 'monthly' })).status).to.equal(201);
    expectError(await buyer.post('/api/payment/checkout', { plan: 'monthly' }), 429, 'too_many_open_orders');
    h.parts.clock.freezeAt(new Date(h.parts.clock.now().getTime() + 31 * 60_000));
    expect((await buyer.post('/api/payment/checkout', { plan: 'monthly' })).status).to.equal(201);
  });
});
