import { expect } from 'chai';
import { SERVER_ENGINES } from '../../support/database';
import { eventCounts, paidCheckout, startSandboxApp, type SandboxApp } from '../../support/sandbox-app';

const CONCURRENCY = 200;

for (const { engine, label, skip } of SERVER_ENGINES) {
  (skip ? describe.skip : describe)(`200 concurrent validations of one payment (${label}, IamportGateway over HTTP to the sandbox)`, function () {
    this.timeout(60_000);
    let app: SandboxApp;

    before(async () => {
      app = await startSandboxApp({ persistence: engine, poolMax: 20 });
    });
    after(async () => {
      await app?.close();
    });

    it('answers 200 paid to all 200 (409s counted, none expected), records one PaymentPaid and one MembershipActivated, and extends the period once', async () => {
      const { client, merchantUid, gatewayPaymentId } = await paidCheckout(app);
      const answers = await Promise.all(Array.from({ length: CONCURRENCY }, () =>
        client.post('/api/payment/validation', { imp_uid: gatewayPaymentId, merchant_uid: merchantUid })));

      const byStatus = new Map<number, number>();
      for (const a of answers) byStatus.set(a.status, (byStatus.get(a.status) ?? 0) + 1);
      const paid = answers.filter((a) => a.status === 200 && a.body.status === 'paid').length;
      const conflicts = byStatus.get(409) ?? 0;
      console.log(`      answers by status: ${JSON.stringify(Object.fromEntries(byStatus))}; paid ${paid}, conflicts ${conflicts}`);
      expect(paid + conflicts, 'every answer is 200 paid or 409 conflict').to.equal(CONCURRENCY);
      expect(conflicts, 'validations that ran out of conflict retries').to.equal(0);

      const knex = app.database.database.knex;
      const events = await eventCounts(app.database);
      expect(events.PaymentPaid, 'PaymentPaid rows').to.equal(1);
      expect(events.MembershipActivated, 'MembershipActivated rows').to.equal(1);
      expect(events.MembershipExtended ?? 0, 'MembershipExtended rows').to.equal(0);

      const memberships = await knex('memberships').select('status', 'period_no');
      expect(memberships).to.have.length(1);
      expect(memberships[0]).to.include({ status: 'active', period_no: 1 });
      const payments = await knex('payments').select('status', 'gateway_payment_id');
      expect(payments).to.deep.equal([{ status: 'paid', gateway_payment_id: gatewayPaymentId }]);

      const me = await client.get('/api/me');
      expect(me.body).to.include({ payment_status: 'on' });
      expect(me.body.membership).to.include({ status: 'active', plan: 'monthly' });
    });
  });
}
