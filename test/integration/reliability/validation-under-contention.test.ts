import { expect } from 'chai';
import type { Knex } from 'knex';
import sinon from 'sinon';
import type { Membership } from '../../../src/membership/domain/membership.entity';
import type { ReconcilePayments } from '../../../src/payment/application/reconcile-payments.use-case';
import { PAYMENT } from '../../../src/payment/payment.tokens';
import type { TransactionContext } from '../../../src/shared/infrastructure/transaction-context';
import { SHARED } from '../../../src/shared/shared.tokens';
import { SERVER_ENGINES } from '../../support/database';
import { type ApiClient, type HttpHarness, startHttpHarness } from '../../support/http-app';

const ORDERS = 16;
const ENGINES = [{ engine: 'sqlite' as const, label: 'SQLite', skip: false }, ...SERVER_ENGINES];

/**
 * Validation under contention: a validation whose payment's outcome could not be recorded because
 * other writers won every retry must not answer 409 (the page shows that as an error for a purchase the
 * buyer paid). It answers 202 pending, stores nothing of the gateway's answer, and the reconciler
 * records it once.
 */
for (const { engine, label, skip } of ENGINES) {
  (skip ? describe.skip : describe)(`validation under contention (${label})`, function () {
    this.timeout(60_000);
    let h: HttpHarness;
    let buyer: ApiClient;
    let userId: string;

    beforeEach(async () => {
      h = await startHttpHarness({ persistence: engine });
      buyer = h.client();
      userId = (await buyer.signUp()).id;
    });
    afterEach(async () => {
      sinon.restore();
      await h?.close();
    });

    const knex = (): Knex => h.container.get<{ knex: Knex }>(SHARED.Database).knex;
    const reconcile = () => h.container.get<ReconcilePayments>(PAYMENT.ReconcilePayments).execute();

    /** A checkout paid in the PG window; the clock then moves past the TTL so the open-order cap (5) allows the next. */
    async function paidOrder(): Promise<{ imp_uid: string; merchant_uid: string }> {
      const checkout = await buyer.post('/api/payment/checkout', { plan: 'monthly' });
      expect(checkout.status, checkout.text).to.equal(201);
      const impUid = h.parts.gateway.buyerPays({ merchantUid: checkout.body.merchant_uid, amount: checkout.body.amount, action: 'paid', customerUid: null });
      h.parts.clock.freezeAt(new Date(h.parts.clock.now().getTime() + 31 * 60_000));
      return { imp_uid: impUid, merchant_uid: checkout.body.merchant_uid };
    }

    async function eventCounts(): Promise<Record<string, number>> {
      const rows = (await knex()('domain_events').select('type').count({ n: '*' }).groupBy('type')) as Array<{ type: string; n: number | string }>;
      return Object.fromEntries(rows.map((r) => [r.type, Number(r.n)]));
    }

    it(`a buyer's ${ORDERS} paid orders validated at once: none answers 409, and once the reconciler ran each is paid and fulfilled once`, async () => {
      const orders = [];
      for (let i = 0; i < ORDERS; i++) orders.push(await paidOrder());

      // Each validation that fulfils its payment changes the buyer's one membership: they race on its version.
      const answers = await Promise.all(orders.map((order) => buyer.post('/api/payment/validation', order)));
      const outcomes = answers.map((a) => `${a.status} ${a.body?.status ?? a.body?.error?.code}`);
      expect(outcomes.filter((o) => o !== '200 paid' && o !== '202 pending'), 'answers other than 200 paid / 202 pending').to.deep.equal([]);

      await reconcile();
      for (const order of orders) {
        const payment = await h.parts.payments.findByMerchantUid(order.merchant_uid);
        expect(payment?.status, order.merchant_uid).to.equal('paid');
        expect(payment?.isFulfilled, `${order.merchant_uid} fulfilled`).to.equal(true);
      }
      const live = await h.parts.memberships.findLiveByUserId(userId);
      expect(live?.monthsPaid, 'months on the one live membership').to.equal(ORDERS);
      expect(await eventCounts()).to.include({ PaymentPaid: ORDERS, MembershipActivated: 1, MembershipExtended: ORDERS - 1 });
    });

    it('a validation whose every attempt loses to another writer of the membership answers 202 pending, records nothing of the answer, and the reconciler records it once', async () => {
      const first = await paidOrder();
      expect((await buyer.post('/api/payment/validation', first)).status).to.equal(200);
      const second = await paidOrder();

      // Another writer changes the buyer's membership before each save (through the open transaction:
      // SQLite's one connection is the transaction's), so every attempt finds a stale version.
      const context = h.container.get<TransactionContext>(SHARED.TransactionTracker);
      const save = h.parts.memberships.save.bind(h.parts.memberships);
      let contended = true;
      sinon.stub(h.parts.memberships, 'save').callsFake(async (membership: Membership) => {
        if (contended) await context.current<Knex.Transaction>()!.handle('memberships').where({ id: membership.id }).increment('version', 1);
        return save(membership);
      });

      const answer = await buyer.post('/api/payment/validation', second);
      expect(answer.status, answer.text).to.equal(202);
      expect(answer.body).to.deep.include({ works: false, status: 'pending' });
      expect(answer.body.payment).to.include({ merchant_uid: second.merchant_uid, status: 'await' });

      const stored = await h.parts.payments.findByMerchantUid(second.merchant_uid);
      expect(stored?.status, 'the payment as stored').to.equal('await');
      expect(stored?.reportedGatewayPaymentId, 'noted for the reconciler').to.equal(second.imp_uid);
      expect((await h.parts.memberships.findLiveByUserId(userId))?.monthsPaid).to.equal(1);
      const before = await eventCounts();
      expect(before).to.include({ PaymentPaid: 1, MembershipActivated: 1 });
      expect(before.MembershipExtended ?? 0, 'MembershipExtended rows').to.equal(0);

      contended = false;
      expect(await reconcile()).to.include({ settled: 1 });
      expect((await h.parts.payments.findByMerchantUid(second.merchant_uid))?.status).to.equal('paid');
      const again = await buyer.post('/api/payment/validation', second);
      expect(again.status, again.text).to.equal(200);
      expect(again.body.membership).to.include({ status: 'active' });
      expect((await h.parts.memberships.findLiveByUserId(userId))?.monthsPaid).to.equal(2);
      expect(await eventCounts()).to.include({ PaymentPaid: 2, MembershipActivated: 1, MembershipExtended: 1 });
    });
  });
}
