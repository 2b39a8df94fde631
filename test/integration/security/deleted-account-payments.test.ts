import { expect } from 'chai';
import { SERVER_ENGINES } from '../../support/database';
import { type ApiClient, type HttpHarness, startHttpHarness } from '../../support/http-app';

/**
 * Attacker findings 7, first finding, on every engine: an order still open when its account is
 * deleted buys nothing. A charge that reaches the gateway for it (paid after the deletion, or before
 * it and confirmed after) is returned whole, no membership starts, and the operator sees why.
 */

const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';
const ADMIN = { Authorization: `Bearer ${ADMIN_TOKEN}` };
const ENGINES = [{ engine: 'sqlite' as const, label: 'SQLite', skip: false }, ...SERVER_ENGINES];

for (const { engine, label, skip } of ENGINES) {
  (skip ? describe.skip : describe)(`a payment for a deleted account is returned whole and buys nothing (${label})`, function () {
    this.timeout(60_000);
    let h: HttpHarness;

    before(async () => { h = await startHttpHarness({ persistence: engine, env: { ADMIN_TOKEN } }); });
    after(async () => h?.close());

    /** A member with an open annual order, then their account deleted. */
    async function orderOfADeletedAccount(payFirst = false, autoRenew = false) {
      const member: ApiClient = h.client();
      const account = await member.signUp();
      const checkout = await member.post('/api/payment/checkout', { plan: 'annual', ...(autoRenew ? { auto_renew: true } : {}) });
      expect(checkout.status, checkout.text).to.equal(201);
      const { merchant_uid: merchantUid, amount, customer_uid: customerUid = null } = checkout.body as { merchant_uid: string; amount: number; customer_uid?: string | null };
      const paidBefore = payFirst ? h.parts.gateway.buyerPays({ merchantUid, amount, customerUid }) : null;
      const deleted = await member.request('DELETE', '/api/me', { json: { password: account.password } });
      expect(deleted.status, deleted.text).to.equal(204);
      return { account, merchantUid, amount, paidBefore, customerUid };
    }

    async function adminView(merchantUid: string) {
      const payments = await h.client().get('/api/admin/payments?status=failed', ADMIN);
      expect(payments.status, payments.text).to.equal(200);
      const refunds = await h.client().get('/api/admin/refunds', ADMIN);
      return {
        payment: (payments.body.payments as Array<Record<string, unknown>>).find((p) => p.merchant_uid === merchantUid),
        refunds: (refunds.body.refunds as Array<Record<string, unknown>>).filter((r) => r.merchant_uid === merchantUid),
      };
    }

    it('paid in its still-open window after the deletion: the notice returns the whole charge, no membership starts, the operator sees account_deleted', async () => {
      const { account, merchantUid, amount } = await orderOfADeletedAccount();
      const impUid = h.parts.gateway.buyerPays({ merchantUid, amount });
      const notice = await h.client().post('/api/payment/webhook', { imp_uid: impUid, merchant_uid: merchantUid, status: 'paid' });
      expect(notice.status, notice.text).to.equal(200);
      expect((await h.client().post('/api/admin/reconcile', {}, ADMIN)).status).to.equal(200);

      expect(await h.parts.memberships.findLiveByUserId(account.id)).to.equal(null);
      expect(h.parts.gateway.peek(impUid)).to.include({ status: 'cancelled', cancelledAmount: amount });
      const { payment, refunds } = await adminView(merchantUid);
      expect(payment).to.deep.include({ status: 'failed', failure_code: 'account_deleted', cancelled_amount: amount, paid_at: null, imp_uid: impUid });
      expect((payment?.refunds as Array<Record<string, unknown>>).map((r) => [r.amount, r.status, r.reason])).to.deep.equal([[amount, 'refunded', 'account_deleted']]);
      expect(refunds.map((r) => [r.amount, r.status, r.reason, r.requested_by])).to.deep.equal([[amount, 'refunded', 'account_deleted', 'system']]);
    });

    it('paid at the gateway before the deletion, confirmed after it by the reconciler alone: the same', async () => {
      const { account, merchantUid, amount, paidBefore } = await orderOfADeletedAccount(true);
      const reconciled = await h.client().post('/api/admin/reconcile', {}, ADMIN);
      expect(reconciled.status, reconciled.text).to.equal(200);

      expect(await h.parts.memberships.findLiveByUserId(account.id)).to.equal(null);
      expect(h.parts.gateway.peek(paidBefore as string)).to.include({ status: 'cancelled', cancelledAmount: amount });
      expect((await adminView(merchantUid)).payment).to.deep.include({ failure_code: 'account_deleted', cancelled_amount: amount });
    });

    it('an auto-renew order paid after the deletion: the card its PG window stored is deleted at the gateway too', async () => {
      const { merchantUid, amount, customerUid } = await orderOfADeletedAccount(false, true);
      expect(customerUid).to.be.a('string');
      const impUid = h.parts.gateway.buyerPays({ merchantUid, amount, customerUid });
      expect(h.parts.gateway.hasBillingKey(customerUid as string)).to.equal(true);
      const notice = await h.client().post('/api/payment/webhook', { imp_uid: impUid, merchant_uid: merchantUid, status: 'paid' });
      expect(notice.status, notice.text).to.equal(200);

      expect(h.parts.gateway.peek(impUid)).to.include({ status: 'cancelled', cancelledAmount: amount });
      expect(h.parts.gateway.hasBillingKey(customerUid as string)).to.equal(false);
    });

    it('two notices and a reconciler run at once return the charge once', async () => {
      const { account, merchantUid, amount } = await orderOfADeletedAccount();
      const impUid = h.parts.gateway.buyerPays({ merchantUid, amount });
      const notice = { imp_uid: impUid, merchant_uid: merchantUid, status: 'paid' };
      const answers = await Promise.all([
        h.client().post('/api/payment/webhook', notice), h.client().post('/api/payment/webhook', notice), h.client().post('/api/admin/reconcile', {}, ADMIN),
      ]);
      expect(answers.map((a) => a.status), answers.map((a) => a.text).join('\n')).to.deep.equal([200, 200, 200]);
      await h.client().post('/api/admin/reconcile', {}, ADMIN);

      expect(await h.parts.memberships.findLiveByUserId(account.id)).to.equal(null);
      expect(h.parts.gateway.peek(impUid)?.cancellations.map((c) => c.amount)).to.deep.equal([amount]);
      expect((await adminView(merchantUid)).refunds.map((r) => [r.amount, r.status])).to.deep.equal([[amount, 'refunded']]);
    });
  });
}
