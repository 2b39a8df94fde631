import { expect } from 'chai';
import type { Notice } from '../../../src/sandbox/iamport/sandbox-notifier';
import { SERVER_ENGINES } from '../../support/database';
import { eventCounts, paidCheckout, startSandboxApp, type SandboxApp } from '../../support/sandbox-app';

for (const { engine, label, skip } of SERVER_ENGINES) {
  (skip ? describe.skip : describe)(`webhook notices through the sandbox (${label}, IamportGateway re-fetches every notice)`, function () {
    this.timeout(30_000);
    let app: SandboxApp;

    beforeEach(async () => {
      app = await startSandboxApp({ persistence: engine });
    });
    afterEach(async () => {
      await app?.close();
    });

    /** Waits until the sandbox has logged `count` deliveries for the order, and answers them. */
    async function delivered(merchantUid: string, count: number) {
      const deadline = Date.now() + 5000;
      for (;;) {
        const entries = app.sandbox.sandbox.notifier.log.filter((e) => e.notice.merchant_uid === merchantUid);
        if (entries.length >= count) return entries;
        if (Date.now() > deadline) throw new Error(`only ${entries.length} of ${count} notices for ${merchantUid} were delivered`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }

    async function receiptsOf(merchantUid: string): Promise<Array<{ status: string; outcome: string | null }>> {
      return app.database.database.knex('webhook_receipts').where({ merchant_uid: merchantUid }).select('status', 'outcome').orderBy('received_at');
    }

    it('a paid notice delivered 5 times at once is stored 5 times and applied once: one PaymentPaid, one MembershipActivated, period 1', async () => {
      app.sandbox.sandbox.setFaults({ webhook: { drop: 1 } }); // the payment's own notice is sent below, with its copies
      const { client, merchantUid, gatewayPaymentId } = await paidCheckout(app);
      app.sandbox.sandbox.setFaults({ webhook: { drop: 0 } });
      const notice: Notice = { imp_uid: gatewayPaymentId, merchant_uid: merchantUid, status: 'paid' };
      for (let i = 0; i < 5; i += 1) app.sandbox.sandbox.notifier.notify(notice, null);

      const deliveries = await delivered(merchantUid, 6);
      const answers = deliveries.filter((d) => d.outcome !== 'dropped').map((d) => d.http_status);
      expect(answers, 'HTTP answers to the 5 deliveries').to.deep.equal([200, 200, 200, 200, 200]);
      const receipts = await receiptsOf(merchantUid);
      expect(receipts, 'stored notices').to.have.length(5);
      const outcomes = receipts.map((r) => r.outcome);
      console.log(`      outcomes of the 5 copies: ${JSON.stringify(outcomes)}`);
      expect(outcomes.every((o) => o === 'applied' || o === 'duplicate'), JSON.stringify(outcomes)).to.equal(true);

      const events = await eventCounts(app.database);
      expect(events.PaymentPaid, 'PaymentPaid rows').to.equal(1);
      expect(events.MembershipActivated, 'MembershipActivated rows').to.equal(1);
      expect(events.MembershipExtended ?? 0, 'MembershipExtended rows').to.equal(0);
      const me = await client.get('/api/me');
      expect(me.body.membership).to.include({ status: 'active' });
      expect(await app.database.database.knex('memberships').select('period_no')).to.deep.equal([{ period_no: 1 }]);
    });

    it('notices out of order (paid first, then an older ready) leave the payment paid: 2 stored, 1 PaymentPaid', async () => {
      app.sandbox.sandbox.setFaults({ webhook: { drop: 1 } });
      const { client, merchantUid, gatewayPaymentId } = await paidCheckout(app);
      // Held and sent newest first: the receiver sees "paid", then the earlier "ready".
      app.sandbox.sandbox.setFaults({ webhook: { drop: 0, reorder: true } });
      app.sandbox.sandbox.notifier.notify({ imp_uid: gatewayPaymentId, merchant_uid: merchantUid, status: 'ready' }, null);
      app.sandbox.sandbox.notifier.notify({ imp_uid: gatewayPaymentId, merchant_uid: merchantUid, status: 'paid' }, null);

      const deliveries = (await delivered(merchantUid, 3)).filter((d) => d.outcome !== 'dropped');
      expect(deliveries.map((d) => [d.notice.status, d.http_status]), 'arrival order and answers').to.deep.equal([['paid', 200], ['ready', 200]]);
      expect((await receiptsOf(merchantUid)).map((r) => r.status)).to.deep.equal(['paid', 'ready']);
      const payments = await client.get('/api/payments');
      expect(payments.body.payments[0]).to.include({ merchant_uid: merchantUid, status: 'paid', imp_uid: gatewayPaymentId });
      const events = await eventCounts(app.database);
      expect(events.PaymentPaid, 'PaymentPaid rows').to.equal(1);
      expect(events.MembershipActivated, 'MembershipActivated rows').to.equal(1);
    });

    it('a forged notice posted directly (claims paid, the gateway holds the payment as ready) changes nothing: 0 PaymentPaid, 0 memberships', async () => {
      app.sandbox.sandbox.setFaults({ webhook: { drop: 1 } });
      const { client, merchantUid, gatewayPaymentId } = await paidCheckout(app);
      // The buyer's payment is still open in the PG window: the sandbox's record goes back to ready.
      const record = app.sandbox.sandbox.state.getPayment(gatewayPaymentId)!;
      Object.assign(record, { status: 'ready', paid_at: 0, apply_num: '' });

      const forged = await client.post('/api/payment/webhook', { imp_uid: gatewayPaymentId, merchant_uid: merchantUid, status: 'paid' });
      expect(forged.status, forged.text).to.equal(200);
      const payments = await client.get('/api/payments');
      expect(payments.body.payments[0]).to.include({ merchant_uid: merchantUid, status: 'await' });
      const events = await eventCounts(app.database);
      expect(events.PaymentPaid ?? 0, 'PaymentPaid rows').to.equal(0);
      expect(await app.database.database.knex('memberships').count({ n: '*' })).to.deep.equal([{ n: 0 }]);
      expect((await client.get('/api/me')).body.payment_status).to.equal('off');
      expect(await receiptsOf(merchantUid), 'the forged notice is kept').to.have.length(1);
    });

    it('a notice for an unknown merchant_uid answers 200 {ignored:true} and is stored, nothing else', async () => {
      const res = await app.client().post('/api/payment/webhook', { imp_uid: 'imp_000000000001', merchant_uid: 'mp_never_issued_here', status: 'paid' });
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({ works: true, ignored: true });
      expect(await receiptsOf('mp_never_issued_here')).to.deep.equal([{ status: 'paid', outcome: 'ignored' }]);
      expect(await app.database.database.knex('payments').count({ n: '*' })).to.deep.equal([{ n: 0 }]);
    });
  });
}
