import { expect } from 'chai';
import { SERVER_ENGINES } from '../../support/database';
import { type HttpHarness, startHttpHarness } from '../../support/http-app';

const ORDERS = 4;

/**
 * A buyer's several first orders validated at once: each fulfilment runs in the transaction that
 * records its payment paid, and all but one meet the one-live-membership rule there. That is a lost
 * race, not a refusal: the unit runs again and extends the membership the winner activated.
 */
for (const { engine, label, skip } of SERVER_ENGINES) {
  (skip ? describe.skip : describe)(`${ORDERS} first orders of one buyer validated at once (${label})`, function () {
    this.timeout(60_000);
    let h: HttpHarness;

    before(async () => {
      h = await startHttpHarness({ persistence: engine });
    });
    after(async () => h?.close());

    it('answers 200 paid to each, and one membership holds all the periods bought', async () => {
      const buyer = h.client();
      const { id: userId } = await buyer.signUp();
      const orders = [];
      for (let i = 0; i < ORDERS; i++) {
        const checkout = await buyer.post('/api/payment/checkout', { plan: 'monthly' });
        expect(checkout.status, checkout.text).to.equal(201);
        const gatewayPaymentId = h.parts.gateway.buyerPays({ merchantUid: checkout.body.merchant_uid, amount: checkout.body.amount, action: 'paid', customerUid: null });
        orders.push({ imp_uid: gatewayPaymentId, merchant_uid: checkout.body.merchant_uid as string });
      }
      const answers = await Promise.all(orders.map((order) => buyer.post('/api/payment/validation', order)));
      for (const answer of answers) expect(answer.status, answer.text).to.equal(200);

      for (const order of orders) {
        const payment = await h.parts.payments.findByMerchantUid(order.merchant_uid);
        expect(payment?.status).to.equal('paid');
        expect(payment?.isFulfilled, 'fulfilled with its payment').to.equal(true);
      }
      const live = await h.parts.memberships.findLiveByUserId(userId);
      expect(live?.toProps().monthsPaid, 'months on the one live membership').to.equal(ORDERS);
    });
  });
}
