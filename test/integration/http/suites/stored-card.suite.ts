import { expect } from 'chai';
import type { RunRenewals } from '../../../../src/billing/application/run-renewals.use-case';
import { BILLING } from '../../../../src/billing/billing.tokens';
import type { ApiClient, HttpHarness } from '../../../support/http-app';
import { checkoutAndPay, expectError, type HarnessFactory, startWithBuyer } from './harness';

/** DESIGN §6 "Auto-renew and the stored card": the card is kept until the membership ends, or until the member removes it. */
export function storedCardSuite(start: HarnessFactory): void {
  describe('the stored card (auto-renew, DELETE /api/membership/card)', () => {
    let h: HttpHarness;
    let buyer: ApiClient;
    let userId: string;
    beforeEach(async () => {
      ({ h, buyer, account: { id: userId } } = await startWithBuyer(start, { name: 'Kim Buyer' }));
    });
    afterEach(async () => {
      await h.close();
    });

    /** A paid auto_renew checkout: the gateway stores the card under the checkout's customer_uid. */
    async function renewingMember(client = buyer) {
      const { merchantUid, gatewayPaymentId, checkout } = await checkoutAndPay(h, client, 'paid', { plan: 'monthly', auto_renew: true });
      const res = await client.post('/api/payment/validation', { merchant_uid: merchantUid, imp_uid: gatewayPaymentId });
      expect(res.status, res.text).to.equal(200);
      expect(res.body.membership.auto_renew).to.equal(true);
      return { card: checkout.body.customer_uid as string, membership: res.body.membership };
    }

    const deletions = () => h.parts.gateway.calls.filter((c) => c.operation === 'deleteBillingKey');
    const runRenewals = () => h.container.get<RunRenewals>(BILLING.RunRenewals).execute();

    it('auto-renew off keeps the card: on again answers 200 without a new card, and the next renewal charges it', async () => {
      const { card, membership } = await renewingMember();
      const off = await buyer.post('/api/membership/auto-renew', { enabled: false });
      expect(off.status, off.text).to.equal(200);
      expect(off.body.membership).to.include({ auto_renew: false, next_charge_at: null, status: 'active' });
      expect(h.parts.gateway.hasBillingKey(card), 'kept at the gateway').to.equal(true);
      expect(deletions()).to.have.length(0);

      const on = await buyer.post('/api/membership/auto-renew', { enabled: true });
      expect(on.status, on.text).to.equal(200);
      expect(on.body.membership).to.include({ auto_renew: true, next_charge_at: membership.current_period_end });
      expect((await buyer.get('/api/payments')).body.payments, 'no new checkout').to.have.length(1);

      h.parts.clock.freezeAt(new Date(new Date(membership.current_period_end).getTime() + 60_000));
      expect(await runRenewals()).to.include({ charged: 1 });
      const renewed = await h.parts.memberships.findLatestByUserId(userId);
      expect(renewed?.periodNo).to.equal(2);
      expect(renewed?.billingKey).to.equal(card);
    });

    it('DELETE /api/membership/card: 200 with auto_renew off and the key deleted at the gateway; again 409 no_billing_key', async () => {
      const { card } = await renewingMember();
      const res = await buyer.request('DELETE', '/api/membership/card');
      expect(res.status, res.text).to.equal(200);
      expect(res.body.works).to.equal(true);
      expect(res.body.membership).to.include({ auto_renew: false, next_charge_at: null, status: 'active', cancel_at_period_end: false });
      expect(h.parts.gateway.hasBillingKey(card), 'deleted at the gateway').to.equal(false);
      expect(deletions().map((c) => c.args)).to.deep.equal([card]);

      expectError(await buyer.request('DELETE', '/api/membership/card'), 409, 'no_billing_key');
      expectError(await buyer.post('/api/membership/auto-renew', { enabled: true }), 409, 'no_billing_key');
      expect((await buyer.get('/api/me')).body.payment_status, 'access to the period end stays').to.equal('on');
      expect(deletions()).to.have.length(1);
    });

    it('DELETE /api/membership/card replays its first answer under the same Idempotency-Key', async () => {
      await renewingMember();
      const first = await buyer.request('DELETE', '/api/membership/card', { headers: { 'Idempotency-Key': 'remove-card-1' } });
      expect(first.status, first.text).to.equal(200);
      const replay = await buyer.request('DELETE', '/api/membership/card', { headers: { 'Idempotency-Key': 'remove-card-1' } });
      expect(replay.status, replay.text).to.equal(200);
      expect(replay.headers.get('idempotent-replayed')).to.equal('true');
      expect(replay.body).to.deep.equal(first.body);
      expect(deletions()).to.have.length(1);
    });

    it('DELETE /api/membership/card keeps the guards of the other membership writes: 401, 403 forbidden_origin, 415, 409 no_active_membership', async () => {
      expectError(await h.client().request('DELETE', '/api/membership/card'), 401, 'unauthenticated');
      expectError(await buyer.request('DELETE', '/api/membership/card'), 409, 'no_active_membership');
      const { card } = await renewingMember();
      expectError(await buyer.request('DELETE', '/api/membership/card', { headers: { Origin: 'https://evil.example' } }), 403, 'forbidden_origin');
      expectError(await buyer.request('DELETE', '/api/membership/card', { form: { confirm: 'yes' } }), 415, 'unsupported_media_type');
      expect(h.parts.gateway.hasBillingKey(card), 'a refused request deletes nothing').to.equal(true);
    });

    it('a membership that ends deletes its kept card at the gateway: expired after auto-renew off, and cancelled now', async () => {
      const { card, membership } = await renewingMember();
      expect((await buyer.post('/api/membership/auto-renew', { enabled: false })).status).to.equal(200);
      h.parts.clock.freezeAt(new Date(new Date(membership.current_period_end).getTime() + 60_000));
      expect(await runRenewals()).to.include({ charged: 0, ended: 1 });
      expect((await h.parts.memberships.findLatestByUserId(userId))?.status).to.equal('expired');
      expect(h.parts.gateway.hasBillingKey(card), 'deleted once expired').to.equal(false);

      const other = h.client();
      await other.signUp({ name: 'Lee Buyer' });
      const second = await renewingMember(other);
      const cancelled = await other.post('/api/membership/cancel', { refund: true });
      expect(cancelled.status, cancelled.text).to.equal(200);
      expect(cancelled.body.membership.status).to.equal('cancelled');
      expect(h.parts.gateway.hasBillingKey(second.card), 'deleted once cancelled').to.equal(false);
    });

    it('cancel at the period end keeps the card until the period ends, then deletes it', async () => {
      const { card, membership } = await renewingMember();
      const res = await buyer.post('/api/membership/cancel', { refund: false });
      expect(res.status, res.text).to.equal(200);
      expect(res.body.membership).to.include({ cancel_at_period_end: true, auto_renew: false });
      expect(h.parts.gateway.hasBillingKey(card)).to.equal(true);
      h.parts.clock.freezeAt(new Date(new Date(membership.current_period_end).getTime() + 60_000));
      expect(await runRenewals()).to.include({ ended: 1 });
      expect((await h.parts.memberships.findLatestByUserId(userId))?.status).to.equal('cancelled');
      expect(h.parts.gateway.hasBillingKey(card)).to.equal(false);
    });
  });
}
