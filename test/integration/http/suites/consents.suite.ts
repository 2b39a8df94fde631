import { expect } from 'chai';
import type { RunRenewals } from '../../../../src/billing/application/run-renewals.use-case';
import { BILLING } from '../../../../src/billing/billing.tokens';
import type { AppConfig } from '../../../../src/config';
import type { ApiClient, HttpHarness } from '../../../support/http-app';
import { checkoutAndPay, expectError, type HarnessFactory, startWithBuyer } from './harness';

const ADMIN_TOKEN = 'consents-admin-token-0123456789abcdef';
const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };
const DAY = 24 * 60 * 60 * 1000;
const withTrial = (config: AppConfig): AppConfig => ({ ...config, plans: config.plans.map((p) => (p.id === 'monthly' ? { ...p, trialDays: 14 } : p)) });

/** Issue 21: a scheduled price change, the member's consent before any higher charge, and free trials. */
export function consentsSuite(start: HarnessFactory): void {
  describe('consent before a higher charge and free trials (POST /api/admin/plans/:plan/price, /api/membership/consents, /api/membership/trial)', () => {
    let h: HttpHarness;
    let buyer: ApiClient;
    let userId: string;
    beforeEach(async () => {
      ({ h, buyer, account: { id: userId } } = await startWithBuyer(start, { name: 'Kim Buyer' }, { env: { ADMIN_TOKEN }, adjust: withTrial }));
    });
    afterEach(async () => {
      await h.close();
    });

    const runRenewals = () => h.container.get<RunRenewals>(BILLING.RunRenewals).execute();
    const charges = () => h.parts.gateway.calls.filter((c) => c.operation === 'chargeBillingKey').map((c) => (c.args as { amount: number }).amount);

    async function renewingMember() {
      const { merchantUid, gatewayPaymentId } = await checkoutAndPay(h, buyer, 'paid', { plan: 'monthly', auto_renew: true });
      const res = await buyer.post('/api/payment/validation', { merchant_uid: merchantUid, imp_uid: gatewayPaymentId });
      expect(res.status, res.text).to.equal(200);
      return res.body.membership as { current_period_end: string };
    }

    async function schedule(amount: number, effectiveAt: Date) {
      const res = await h.client().post('/api/admin/plans/monthly/price', { amount, effective_at: effectiveAt.toISOString() }, admin);
      expect(res.status, res.text).to.equal(201);
      return res.body;
    }

    it('a price rise: the member sees the request with dates and both prices, accepts it, and the renewal charges the new price', async () => {
      const membership = await renewingMember();
      const end = new Date(membership.current_period_end);
      const scheduled = await schedule(12900, new Date(end.getTime() - 5 * DAY));
      expect(scheduled).to.include({ plan: 'monthly', amount: 12900 });
      await runRenewals();

      const list = await buyer.get('/api/membership/consents');
      expect(list.status, list.text).to.equal(200);
      expect(list.body.consents).to.have.length(1);
      const [consent] = list.body.consents;
      expect(consent).to.include({ status: 'pending', answerable: true, old_amount: 9900, new_amount: 12900, effective_at: end.toISOString(), deadline: new Date(end.getTime() - DAY).toISOString() });
      expect(consent.wording_version).to.be.a('string');
      expect(h.parts.notifier.sent.filter((n) => n.kind === 'consent_request')).to.have.length(1);
      expect(h.parts.sms.sent.filter((s) => s.kind === 'consent_request').map((s) => s.userId)).to.deep.equal([userId]);

      const answered = await buyer.post(`/api/membership/consents/${consent.id}`, { accept: true });
      expect(answered.status, answered.text).to.equal(200);
      expect(answered.body.consent).to.include({ status: 'accepted', method: 'web', answerable: false });
      expect(answered.body.consent.answered_at).to.equal(h.parts.clock.now().toISOString());
      expect(answered.body.membership).to.include({ auto_renew: true });

      h.parts.clock.freezeAt(new Date(end.getTime() + 60_000));
      await runRenewals();
      expect(charges()).to.deep.equal([12900]);
    });

    it('a decline: auto-renew ends, the higher price is never charged, and the membership ends at the period end', async () => {
      const membership = await renewingMember();
      const end = new Date(membership.current_period_end);
      await schedule(12900, new Date(end.getTime() - 5 * DAY));
      await runRenewals();
      const [consent] = (await buyer.get('/api/membership/consents')).body.consents;

      const declined = await buyer.post(`/api/membership/consents/${consent.id}`, { accept: false });
      expect(declined.status, declined.text).to.equal(200);
      expect(declined.body.consent).to.include({ status: 'declined' });
      expect(declined.body.membership).to.include({ auto_renew: false, cancel_at_period_end: true, next_charge_at: null });
      expectError(await buyer.post(`/api/membership/consents/${consent.id}`, { accept: true }), 409, 'consent_closed');

      h.parts.clock.freezeAt(new Date(end.getTime() + 60_000));
      await runRenewals();
      expect(charges()).to.deep.equal([]);
      expect((await h.parts.memberships.findLatestByUserId(userId))?.status).to.equal('cancelled');
    });

    it('refuses what is not a consent answer: 400 for a non-boolean, 404 for another member\'s or an unknown request', async () => {
      const membership = await renewingMember();
      await schedule(12900, new Date(new Date(membership.current_period_end).getTime() - 5 * DAY));
      await runRenewals();
      const [consent] = (await buyer.get('/api/membership/consents')).body.consents;

      expectError(await buyer.post(`/api/membership/consents/${consent.id}`, { accept: 'yes' }), 400, 'invalid_request');
      const other = h.client();
      await other.signUp({ name: 'Other' });
      expectError(await other.post(`/api/membership/consents/${consent.id}`, { accept: true }), 404, 'consent_not_found');
      expectError(await buyer.post('/api/membership/consents/no-such-request', { accept: true }), 404, 'consent_not_found');
      expect((await other.get('/api/membership/consents')).body.consents).to.deep.equal([]);
      expectError(await h.client().get('/api/membership/consents'), 401, 'unauthenticated');
    });

    it('POST /api/admin/plans/:plan/price refuses an unknown plan, a past date and a non-integer amount', async () => {
      const later = new Date(h.parts.clock.now().getTime() + 10 * DAY).toISOString();
      expectError(await h.client().post('/api/admin/plans/nope/price', { amount: 12900, effective_at: later }, admin), 400, 'unknown_plan');
      expectError(await h.client().post('/api/admin/plans/monthly/price', { amount: 12900, effective_at: '2020-01-01T00:00:00Z' }, admin), 400, 'invalid_request');
      expectError(await h.client().post('/api/admin/plans/monthly/price', { amount: 129.5, effective_at: later }, admin), 400, 'invalid_request');
      expectError(await h.client().post('/api/admin/plans/monthly/price', { amount: 12900, effective_at: later }), 401, 'unauthenticated');
    });

    it('a trial: the card is stored without a charge, the first charge waits for consent, and a second trial of the plan is refused', async () => {
      const offer = await buyer.post('/api/membership/trial', { plan: 'monthly' });
      expect(offer.status, offer.text).to.equal(200);
      expect(offer.body).to.include({ plan: 'monthly', trial_days: 14, amount: 0 });
      expectError(await buyer.post('/api/membership/trial/confirm', { plan: 'monthly' }), 409, 'card_not_stored');

      h.parts.gateway.buyerStoresCard(offer.body.customer_uid);
      const started = await buyer.post('/api/membership/trial/confirm', { plan: 'monthly' });
      expect(started.status, started.text).to.equal(201);
      expect(started.body.membership).to.include({ status: 'active', auto_renew: true, trial_ends_at: offer.body.trial_ends_at });
      expect(h.parts.gateway.calls.filter((c) => c.operation === 'chargeBillingKey' || c.operation === 'prepare')).to.deep.equal([]);
      expect((await buyer.get('/api/me')).body.payment_status).to.equal('on');

      await runRenewals();
      const [consent] = (await buyer.get('/api/membership/consents')).body.consents;
      expect(consent).to.include({ old_amount: 0, new_amount: 9900, effective_at: offer.body.trial_ends_at });

      const trialEnd = new Date(offer.body.trial_ends_at);
      h.parts.clock.freezeAt(new Date(trialEnd.getTime() - 7 * DAY));
      await runRenewals();
      expect(h.parts.notifier.sent.filter((n) => n.kind === 'trial_ending')).to.have.length(1);
      expect(h.parts.sms.sent.filter((s) => s.kind === 'trial_ending')).to.have.length(1);

      h.parts.clock.freezeAt(new Date(trialEnd.getTime() + 60_000));
      await runRenewals();
      await runRenewals();
      expect(charges()).to.deep.equal([]);
      expect((await h.parts.memberships.findLatestByUserId(userId))?.isLive).to.equal(false);
      expectError(await buyer.post('/api/membership/trial', { plan: 'monthly' }), 409, 'trial_used');
      expectError(await buyer.post('/api/membership/trial', { plan: 'annual' }), 422, 'no_trial');
    });

    it('a trial extended by a paid purchase: the request for the trial\'s end lapses as moot at its deadline, auto-renew stays on, and no "ends" notice goes out', async () => {
      const offer = await buyer.post('/api/membership/trial', { plan: 'monthly' });
      h.parts.gateway.buyerStoresCard(offer.body.customer_uid);
      expect((await buyer.post('/api/membership/trial/confirm', { plan: 'monthly' })).status).to.equal(201);
      await runRenewals();
      const [pending] = (await buyer.get('/api/membership/consents')).body.consents;
      expect(pending).to.include({ status: 'pending', answerable: true, new_amount: 9900, moot_reason: null });

      h.parts.clock.freezeAt(new Date(h.parts.clock.now().getTime() + 2 * DAY));
      const { merchantUid, gatewayPaymentId } = await checkoutAndPay(h, buyer, 'paid', { plan: 'monthly', auto_renew: true });
      const paid = await buyer.post('/api/payment/validation', { merchant_uid: merchantUid, imp_uid: gatewayPaymentId });
      expect(paid.status, paid.text).to.equal(200);
      const paidEnd = paid.body.membership.current_period_end as string;

      h.parts.clock.freezeAt(new Date(pending.deadline));
      await runRenewals();
      const [lapsed] = (await buyer.get('/api/membership/consents')).body.consents;
      expect(lapsed).to.include({ id: pending.id, status: 'expired', moot_reason: 'not_next_charge', answerable: false });
      expect((await buyer.get('/api/me')).body.membership).to.include({ auto_renew: true, cancel_at_period_end: false, next_charge_at: paidEnd });
      expect(h.parts.notifier.sent.filter((n) => n.kind === 'consent_missing')).to.deep.equal([]);
      expect(h.parts.sms.sent.filter((s) => s.kind === 'consent_missing')).to.deep.equal([]);

      h.parts.clock.freezeAt(new Date(new Date(paidEnd).getTime() + 60_000));
      await runRenewals();
      expect(charges()).to.deep.equal([9900]);
    });
  });
}
