import { expect } from 'chai';
import { KnexPaymentRepository } from '../../../src/payment/infrastructure/knex-payment.repository';
import { MIGRATIONS_DIRECTORY } from '../../../src/shared/infrastructure/knex/knex-database';
import { TransactionContext } from '../../../src/shared/infrastructure/transaction-context';
import { aPayment } from '../../support/builders/payment.builder';
import { KNEX_ENGINES, type TestDatabase } from '../../support/database';

const migrations = { directory: MIGRATIONS_DIRECTORY, loadExtensions: ['.ts'], tableName: 'knex_migrations' };
const NAME = '20261224000000_payments_gateway_recorded.ts';

for (const { label: engine, create, skip } of KNEX_ENGINES) {
  (skip ? describe.skip : describe)(`migration: every payment records its gateway (${engine})`, function () {
    this.timeout(20_000);
    let db: TestDatabase;

    before(async () => { db = await create(); });
    after(async () => { await db?.drop(); });

    it('fills the gateway of rows an older version wrote without one, from the rows (Toss renewals get pg tosspayments); recorded ones stay; down and up again', async () => {
      const knex = db.database.knex;
      const payments = new KnexPaymentRepository(db.database, new TransactionContext());
      const iamport = aPayment().paid().with({ customerUid: 'cu_user_1' }).build();
      const tossPurchase = aPayment().paid().with({ gateway: 'toss', pg: 'tosspayments' }).build();
      const tossRenewal = aPayment().paid().with({
        gateway: 'toss', pg: 'html5_inicis', customerUid: 'cust-7f3a:bk_Z9x8', purpose: { kind: 'renewal', planId: 'monthly', membershipId: 'ms_1', periodNo: 2 },
      }).build();
      const portone = aPayment().paid().with({ gateway: 'portone', pg: 'portone' }).build();
      for (const payment of [iamport, tossPurchase, tossRenewal, portone]) await payments.save(payment);

      await knex.migrate.down({ ...migrations, name: NAME });
      // Written by a version before 20261217000000, still running beside a newer one.
      await knex('payments').whereIn('id', [iamport.id, tossPurchase.id, tossRenewal.id]).update({ gateway: null });
      await db.database.migrateLatest();

      const rows: Array<{ id: string; gateway: string; pg: string }> = await knex('payments').select('id', 'gateway', 'pg');
      const byId = new Map(rows.map((r) => [r.id, r]));
      expect(byId.get(iamport.id)).to.include({ gateway: 'iamport', pg: 'html5_inicis' });
      expect(byId.get(tossPurchase.id)).to.include({ gateway: 'toss', pg: 'tosspayments' });
      expect(byId.get(tossRenewal.id)).to.include({ gateway: 'toss', pg: 'tosspayments' });
      expect(byId.get(portone.id)).to.include({ gateway: 'portone', pg: 'portone' });
      expect((await payments.findById(tossRenewal.id))?.gateway).to.equal('toss');
      expect((await payments.findById(iamport.id))?.gateway).to.equal('iamport');

      // Down leaves the names (the previous version read those rows the same way); up again changes nothing.
      await knex.migrate.down({ ...migrations, name: NAME });
      expect((await knex('payments').where({ id: tossRenewal.id }).first()).gateway).to.equal('toss');
      await db.database.migrateLatest();
      expect((await knex('payments').whereNull('gateway').count({ n: '*' }).first())?.n).to.satisfy((n: unknown) => Number(n) === 0);
    });

    it('refuses to read a payment without a gateway rather than guess one', async () => {
      const payments = new KnexPaymentRepository(db.database, new TransactionContext());
      const unrecorded = aPayment().with({ customerUid: 'cu_user_2' }).build();
      await payments.save(unrecorded);
      await db.database.knex('payments').where({ id: unrecorded.id }).update({ gateway: null });
      let error: unknown = null;
      try {
        await payments.findById(unrecorded.id);
      } catch (caught) {
        error = caught;
      }
      expect(String(error)).to.match(/records no gateway: run the migrations/);
    });
  });
}
