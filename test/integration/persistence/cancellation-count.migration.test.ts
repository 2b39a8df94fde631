import { expect } from 'chai';
import { KnexPaymentRepository } from '../../../src/payment/infrastructure/knex-payment.repository';
import { TransactionContext } from '../../../src/shared/infrastructure/transaction-context';
import { MIGRATIONS_DIRECTORY } from '../../../src/shared/infrastructure/knex/knex-database';
import { aPayment } from '../../support/builders/payment.builder';
import { KNEX_ENGINES, type TestDatabase } from '../../support/database';

const migrations = { directory: MIGRATIONS_DIRECTORY, loadExtensions: ['.ts'], tableName: 'knex_migrations' };

for (const { label: engine, create, skip } of KNEX_ENGINES) {
  (skip ? describe.skip : describe)(`migration: payments.cancellation_count (${engine})`, function () {
    this.timeout(20_000);
    let db: TestDatabase;

    before(async () => { db = await create(); });
    after(async () => { await db?.drop(); });

    it('counts the cancellations of payments stored before it, so reads that skip the table for zero still see them', async () => {
      const payments = new KnexPaymentRepository(db.database, new TransactionContext());
      const refunded = aPayment().paid().withCancellation({ amount: 1000 }).withCancellation({ amount: 2000 }).build();
      const untouched = aPayment().paid().build();
      await payments.save(refunded);
      await payments.save(untouched);

      // This migration's down, whatever migrations came after it.
      await db.database.knex.migrate.down({ ...migrations, name: '20261125000000_payment_cancellation_count.ts' });
      expect(await db.database.knex.schema.hasColumn('payments', 'cancellation_count')).to.equal(false);
      await db.database.migrateLatest();

      const counts = await db.database.knex('payments').select('id', 'cancellation_count');
      expect(Object.fromEntries(counts.map((r) => [r.id, Number(r.cancellation_count)]))).to.deep.equal({ [refunded.id]: 2, [untouched.id]: 0 });
      expect((await payments.findById(refunded.id))?.toProps().cancellations.map((c) => c.amount)).to.deep.equal([1000, 2000]);
      expect((await payments.findById(untouched.id))?.toProps().cancellations).to.deep.equal([]);
    });
  });
}
