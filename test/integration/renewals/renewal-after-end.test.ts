import { expect } from 'chai';
import sinon from 'sinon';
import type { GatewayPayment } from '../../../src/payment/payment.api';
import { SERVER_ENGINES } from '../../support/database';
import { type ApiClient, type HttpHarness, startHttpHarness } from '../../support/http-app';

/**
 * On every engine: a member who cancels with a refund while their renewal's charge is at the gateway
 * (or whose charge's answer was lost) keeps no money in our hands. The charge buys nothing, is returned
 * whole once however many notices and reconciler runs see it, and the operator sees why.
 */

const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';
const ADMIN = { Authorization: `Bearer ${ADMIN_TOKEN}` };
const ENGINES = [{ engine: 'sqlite' as const, label: 'SQLite', skip: false }, ...SERVER_ENGINES];
const HOUR_MS = 60 * 60 * 1000;

for (const { engine, label, skip } of ENGINES) {
  (skip ? describe.skip : describe)(`a renewal charge that lands after the member cancelled is returned whole (${label})`, function () {
    this.timeout(60_000);
    let h: HttpHarness;

    before(async () => { h = await startHttpHarness({ persistence: engine, env: { ADMIN_TOKEN } }); });
    after(async () => h?.close());
    afterEach(() => sinon.restore());

    /** A member with a monthly membership renewing by card, the clock at its first renewal (logged in again then). */
    async function dueMember() {
      const member: ApiClient = h.client();
      const account = await member.signUp();
      const checkout = await member.post('/api/payment/checkout', { plan: 'monthly', auto_renew: true });
      expect(checkout.status, checkout.text).to.equal(201);
      const { merchant_uid: merchantUid, amount, customer_uid: customerUid } = checkout.body as { merchant_uid: string; amount: number; customer_uid: string };
      const impUid = h.parts.gateway.buyerPays({ merchantUid, amount, customerUid });
      const validated = await member.post('/api/payment/validation', { imp_uid: impUid, merchant_uid: merchantUid });
      expect(validated.status, validated.text).to.equal(200);
      const membership = (await h.parts.memberships.findLiveByUserId(account.id))!;
      h.parts.clock.freezeAt(membership.nextChargeAt as Date);
      const login = await member.post('/api/auth/login', { email: account.email, password: account.password });
      expect(login.status, login.text).to.equal(200);
      return { member, account, renewal: `renewal-${membership.id}-2` };
    }

    const cancelWithRefund = (member: ApiClient) => member.post('/api/membership/cancel', { refund: true });

    async function expectReturnedWhole(merchantUid: string, code = 'membership_ended') {
      const payments = await h.client().get('/api/admin/payments?status=failed', ADMIN);
      expect(payments.status, payments.text).to.equal(200);
      const payment = (payments.body.payments as Array<Record<string, unknown>>).find((p) => p.merchant_uid === merchantUid);
      expect(payment).to.deep.include({ status: 'failed', failure_code: code, cancelled_amount: 9900, paid_at: null });
      const refunds = await h.client().get('/api/admin/refunds', ADMIN);
      expect((refunds.body.refunds as Array<Record<string, unknown>>).filter((r) => r.merchant_uid === merchantUid).map((r) => [r.amount, r.status, r.reason, r.requested_by]))
        .to.deep.equal([[9900, 'refunded', code, 'system']]);
      const charge = h.parts.gateway.peek(payment?.imp_uid as string);
      expect(charge).to.include({ status: 'cancelled', cancelledAmount: 9900 });
      expect(charge?.cancellations.map((c) => c.amount), 'returned once').to.deep.equal([9900]);
    }

    /** The gateway takes the renewal's money, then the member's request `meanwhile` answers 200 before that answer is applied. */
    function chargeThen(meanwhile: () => Promise<{ status: number; text: string }>) {
      const charge = sinon.stub(h.parts.gateway, 'chargeBillingKey');
      charge.callsFake(async (request) => {
        const truth: GatewayPayment = await charge.wrappedMethod.call(h.parts.gateway, request);
        const answer = await meanwhile();
        expect(answer.status, answer.text).to.equal(200);
        return truth;
      });
    }

    it('cancelled while the charge was at the gateway: the run returns it whole, the membership stays cancelled in period 1', async () => {
      const { member, account, renewal } = await dueMember();
      chargeThen(() => cancelWithRefund(member));

      const run = await h.client().post('/api/admin/renewals/run', {}, ADMIN);
      expect(run.status, run.text).to.equal(200);
      expect(run.body).to.include({ charged: 0, failed: 0 });
      await expectReturnedWhole(renewal);
      expect((await h.parts.memberships.findLatestByUserId(account.id))?.toProps()).to.include({ status: 'cancelled', periodNo: 1 });
    });

    // attacker-findings-8 (HIGH): the charge was kept and auto-renew turned back on by the renewal's card.
    for (const [how, stop] of [
      ['auto-renew turned off', (member: ApiClient) => member.post('/api/membership/auto-renew', { enabled: false })],
      ['cancelled at the period end', (member: ApiClient) => member.post('/api/membership/cancel', { refund: false })],
    ] as const) {
      it(`${how} while the charge was at the gateway: the charge is returned whole (renewal_stopped) and the membership still does not renew`, async () => {
        const { member, account, renewal } = await dueMember();
        chargeThen(() => stop(member));

        const run = await h.client().post('/api/admin/renewals/run', {}, ADMIN);
        expect(run.body).to.include({ charged: 0, failed: 0 });
        await expectReturnedWhole(renewal, 'renewal_stopped');
        const me = await member.get('/api/me');
        expect(me.status, me.text).to.equal(200);
        expect(me.body.membership, me.text).to.include({ auto_renew: false });
        expect(me.body.membership.next_charge_at ?? null, me.text).to.equal(null);
        expect((await h.parts.memberships.findLatestByUserId(account.id))?.toProps()).to.include({ autoRenew: false, nextChargeAt: null, periodNo: 1 });
      });
    }

    it('its answer lost, then cancelled: two notices and a reconciler run at once return the charge once', async () => {
      const { member, account, renewal } = await dueMember();
      h.parts.gateway.scriptNext('chargeBillingKey', 'lost');
      expect((await h.client().post('/api/admin/renewals/run', {}, ADMIN)).body).to.include({ skipped: 1 });
      expect((await cancelWithRefund(member)).status).to.equal(200);
      const [charge] = h.parts.gateway.allPayments().filter((p) => p.merchantUid === renewal);

      h.parts.clock.freezeAt(new Date(h.parts.clock.now().getTime() + HOUR_MS)); // past the payment TTL
      const notice = { imp_uid: charge.gatewayPaymentId, merchant_uid: renewal, status: 'paid' };
      const answers = await Promise.all([
        h.client().post('/api/payment/webhook', notice), h.client().post('/api/payment/webhook', notice), h.client().post('/api/admin/reconcile', {}, ADMIN),
      ]);
      expect(answers.map((a) => a.status), answers.map((a) => a.text).join('\n')).to.deep.equal([200, 200, 200]);
      await h.client().post('/api/admin/reconcile', {}, ADMIN);

      await expectReturnedWhole(renewal);
      expect((await h.parts.memberships.findLatestByUserId(account.id))?.toProps()).to.include({ status: 'cancelled', periodNo: 1 });
    });
  });
}
