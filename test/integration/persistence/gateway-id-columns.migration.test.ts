import { expect } from 'chai';
import { KNEX_ENGINES, type TestDatabase } from '../../support/database';
import { migrateDownTo } from '../../support/migrations';

const NAME = '20261206000000_gateway_ids_fit_their_values.ts';

for (const { label: engine, skip, create } of KNEX_ENGINES) {
  (skip ? describe.skip : describe)(`migration: gateway ids fit their values (${engine})`, function () {
    this.timeout(20_000);
    let db: TestDatabase;
    before(async () => { db = await create(); });
    after(async () => { await db?.drop(); });

    const receipt = (id: string, gatewayPaymentId: string, status: string) => ({
      id, received_at: engine === 'SQLite' ? Date.now() : new Date(), body: '{}', gateway_payment_id: gatewayPaymentId, merchant_uid: 'mp_x', status,
    });

    it('keeps a 200-character gateway id and a 19-character status, and tells ids apart by case', async () => {
      const knex = db.database.knex;
      await knex('webhook_receipts').insert(receipt('r1', `pk_${'A'.repeat(197)}`, 'WAITING_FOR_DEPOSIT'));
      const [row] = await knex('webhook_receipts').where({ id: 'r1' });
      expect(row.gateway_payment_id).to.have.length(200);
      expect(row.status).to.equal('WAITING_FOR_DEPOSIT');
      await knex('idempotency_keys').insert([
        { scope: 's', key: 'order-abc', fingerprint: 'f', created_at: row.received_at, expires_at: row.received_at },
        { scope: 's', key: 'ORDER-ABC', fingerprint: 'g', created_at: row.received_at, expires_at: row.received_at },
      ]);
      expect((await knex('idempotency_keys').where({ scope: 's', key: 'ORDER-ABC' })).map((r) => r.fingerprint)).to.deep.equal(['g']);
    });

    it('goes down and up again', async () => {
      await db.database.knex('webhook_receipts').delete();
      await db.database.knex('idempotency_keys').delete();
      // Later migrations stand on this one's columns (the PG-neutral rename): undo them first, newest first.
      await migrateDownTo(db.database.knex, NAME);
      await db.database.migrateLatest();
      const [{ applied }] = await db.database.knex('knex_migrations').where({ name: NAME }).count({ applied: '*' });
      expect(Number(applied)).to.equal(1);
    });
  });
}
