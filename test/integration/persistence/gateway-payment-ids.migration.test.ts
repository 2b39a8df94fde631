import { expect } from 'chai';
import { KNEX_ENGINES, type TestDatabase } from '../../support/database';
import { migrateDownTo } from '../../support/migrations';

const NAME = '20261220000000_gateway_payment_ids.ts';

for (const { label: engine, skip, create } of KNEX_ENGINES) {
  (skip ? describe.skip : describe)(`migration: the gateway's payment id, PG-neutral (${engine})`, function () {
    this.timeout(20_000);
    let db: TestDatabase;
    before(async () => { db = await create(); });
    after(async () => { await db?.drop(); });

    const receivedAt = () => (engine === 'SQLite' ? Date.now() : new Date());

    it('renames imp_uid to gateway_payment_id keeping the values, goes down to imp_uid and up again (the contract suite checks the unique rule under its new name)', async () => {
      const knex = db.database.knex;
      await knex('webhook_receipts').insert({ id: 'r1', received_at: receivedAt(), body: '{}', gateway_payment_id: 'imp_kept', merchant_uid: 'mp_x', status: 'paid' });
      await migrateDownTo(knex, NAME);
      expect((await knex('webhook_receipts').where({ id: 'r1' }).first()).imp_uid).to.equal('imp_kept');
      await db.database.migrateLatest();
      const row = await knex('webhook_receipts').where({ id: 'r1' }).first();
      expect(row.gateway_payment_id).to.equal('imp_kept');
      expect(row).not.to.have.property('imp_uid');
      expect(await knex.schema.hasColumn('payments', 'reported_gateway_payment_id')).to.equal(true);
      expect(await knex.schema.hasColumn('payment_cancellations', 'gateway_payment_id')).to.equal(true);
    });
  });
}
