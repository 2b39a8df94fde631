import { expect } from 'chai';
import { SERVER_ENGINES } from '../../support/database';
import { startSandboxApp, type SandboxApp } from '../../support/sandbox-app';

for (const { engine, label, skip } of SERVER_ENGINES) {
  (skip ? describe.skip : describe)(`double-click checkout with one Idempotency-Key (${label}, IamportGateway prepares at the sandbox)`, function () {
    this.timeout(30_000);
    let app: SandboxApp;

    before(async () => {
      app = await startSandboxApp({ persistence: engine });
    });
    after(async () => {
      await app?.close();
    });

    it('two clicks at once and a third after: one payment row, one prepare at the sandbox, every 201 names the same merchant_uid', async () => {
      const client = app.client();
      await client.signUp();
      const headers = { 'Idempotency-Key': 'checkout-double-click-0001' };
      const clicks = await Promise.all([0, 1].map(() => client.post('/api/payment/checkout', { plan: 'monthly' }, headers)));
      const late = await client.post('/api/payment/checkout', { plan: 'monthly' }, headers);
      const answers = [...clicks, late];
      console.log(`      answers: ${JSON.stringify(answers.map((a) => [a.status, a.headers.get('idempotent-replayed') ?? '-', a.body.error?.code ?? a.body.merchant_uid]))}`);

      for (const a of clicks) {
        expect(a.status === 201 || (a.status === 409 && a.body.error.code === 'idempotency_key_in_use'), `${a.status} ${a.text}`).to.equal(true);
      }
      expect(late.status).to.equal(201);
      expect(late.headers.get('idempotent-replayed')).to.equal('true');
      const merchantUids = new Set(answers.filter((a) => a.status === 201).map((a) => a.body.merchant_uid));
      expect([...merchantUids], 'merchant_uids answered').to.have.length(1);

      const rows = await app.database.database.knex('payments').select('merchant_uid', 'status');
      expect(rows, 'payment rows').to.deep.equal([{ merchant_uid: [...merchantUids][0], status: 'await' }]);
      expect(app.sandbox.count('POST', '/payments/prepare'), 'prepares at the sandbox').to.equal(1);
      const state = await (await fetch(`${app.sandbox.url}/__sandbox/state`)).json() as { prepared: Array<{ merchant_uid: string; amount: number }> };
      expect(state.prepared).to.deep.equal([{ merchant_uid: [...merchantUids][0], amount: late.body.amount, currency: null }]);
    });
  });
}
