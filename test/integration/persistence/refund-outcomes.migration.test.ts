import { expect } from 'chai';
import { KnexMembershipRepository } from '../../../src/membership/infrastructure/knex-membership.repository';
import { KnexPaymentRepository } from '../../../src/payment/infrastructure/knex-payment.repository';
import { MIGRATIONS_DIRECTORY } from '../../../src/shared/infrastructure/knex/knex-database';
import { TransactionContext } from '../../../src/shared/infrastructure/transaction-context';
import { aMembership } from '../../support/builders/membership.builder';
import { aPayment } from '../../support/builders/payment.builder';
import { KNEX_ENGINES, type TestDatabase } from '../../support/database';

const migrations = { directory: MIGRATIONS_DIRECTORY, loadExtensions: ['.ts'], tableName: 'knex_migrations', name: '20261216000000_refund_outcomes.ts' };
const CANCELLED_AT = new Date('2026-11-27T03:04:05.678Z');

for (const { label: engine, create, skip } of KNEX_ENGINES) {
  (skip ? describe.skip : describe)(`migration: refund outcomes (${engine})`, function () {
    this.timeout(20_000);
    let db: TestDatabase;

    before(async () => { db = await create(); });
    after(async () => { await db?.drop(); });

    it('reads refunds stored as done as refunded, gives ended memberships their end, and goes down and up again', async () => {
      const context = new TransactionContext();
      const payments = new KnexPaymentRepository(db.database, context);
      const memberships = new KnexMembershipRepository(db.database, context);
      const refunded = aPayment().paid().withCancellation({ amount: 1000 }).build();
      await payments.save(refunded);
      const cancelled = aMembership().cancelled(CANCELLED_AT).build();
      await memberships.save(cancelled);

      await db.database.knex.migrate.down(migrations);
      expect(await db.database.knex.schema.hasColumn('memberships', 'ended_at')).to.equal(false);
      expect(await db.database.knex.schema.hasColumn('payment_cancellations', 'unanswered_at')).to.equal(false);
      expect((await db.database.knex('payment_cancellations').where({ payment_id: refunded.id }).first()).status).to.equal('done');
      await db.database.migrateLatest();

      expect((await payments.findById(refunded.id))?.cancellations.map((c) => [c.status, c.unansweredAt])).to.deep.equal([['refunded', null]]);
      expect((await memberships.findById(cancelled.id))?.endedAt?.toISOString()).to.equal(CANCELLED_AT.toISOString());
    });
  });
}
