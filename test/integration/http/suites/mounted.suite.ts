import { expect } from 'chai';
import type { HttpHarness } from '../../../support/http-app';
import { checkoutAndPay, expectError, type HarnessFactory } from './harness';

const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';

/** The membership account and admin routers are mounted with the same edge (sessions, bodies, errors). */
export function mountedRoutersSuite(start: HarnessFactory): void {
  describe('membership account and admin routes are mounted', () => {
    let h: HttpHarness;
    afterEach(async () => { await h.close(); });

    it('quotes and cancels a membership through the session; 409 no_active_membership without one', async () => {
      h = await start();
      const buyer = h.client();
      await buyer.signUp();
      expectError(await buyer.get('/api/membership/refund-quote'), 409, 'no_active_membership');
      const { merchantUid, gatewayPaymentId } = await checkoutAndPay(h, buyer);
      await buyer.post('/api/payment/validation', { imp_uid: gatewayPaymentId, merchant_uid: merchantUid });
      const quote = await buyer.get('/api/membership/refund-quote');
      expect(quote.status).to.equal(200);
      expect(quote.body).to.include({ works: true, refundable: 9900 });
      const cancel = await buyer.post('/api/membership/cancel', { refund: true });
      expect(cancel.status, cancel.text).to.equal(200);
      expect(cancel.body.membership.status).to.equal('cancelled');
      expect((await buyer.get('/api/me')).body.payment_status).to.equal('off');
      expectError(await h.client().get('/api/membership/refund-quote'), 401, 'unauthenticated');
    });

    it('the admin API is an unknown route without ADMIN_TOKEN', async () => {
      h = await start();
      expectError(await h.client().post('/api/admin/reconcile', {}), 404, 'not_found');
    });

    it('the admin API wants the bearer token: 401 without it, 200 with it', async () => {
      h = await start({ env: { ADMIN_TOKEN } });
      expectError(await h.client().post('/api/admin/reconcile', {}), 401, 'unauthenticated');
      const ok = await h.client().post('/api/admin/reconcile', {}, { Authorization: `Bearer ${ADMIN_TOKEN}` });
      expect(ok.status).to.equal(200);
      expect(ok.body).to.include({ works: true, checked: 0, settled: 0 });
    });
  });
}
