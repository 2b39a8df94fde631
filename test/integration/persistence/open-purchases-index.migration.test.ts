import { expect } from 'chai';
import type { Knex } from 'knex';
import { KnexPaymentRepository } from '../../../src/payment/infrastructure/knex-payment.repository';
import { OPEN_PURCHASES_INDEX, openPurchases } from '../../../src/payment/infrastructure/open-purchases.query';
import { paymentMapper } from '../../../src/payment/infrastructure/payment.mapper';
import { type KnexDatabase, MIGRATIONS_DIRECTORY } from '../../../src/shared/infrastructure/knex/knex-database';
import { TransactionContext } from '../../../src/shared/infrastructure/transaction-context';
import { aPayment } from '../../support/builders/payment.builder';
import { KNEX_ENGINES, type TestDatabase } from '../../support/database';

const migrations = { directory: MIGRATIONS_DIRECTORY, loadExtensions: ['.ts'], tableName: 'knex_migrations', name: '20261227000200_open_purchases_index.ts' };
const AT = new Date('2026-11-25T09:00:00.000Z');
const minutes = (n: number) => new Date(AT.getTime() + n * 60_000);

/** The columns of index `name` on payments, in their order; none when there is no such index. */
async function indexColumns(database: KnexDatabase, name: string): Promise<string[]> {
  const { knex } = database;
  if (database.dialect === 'sqlite') {
    const rows: Array<{ name: string }> = await knex.raw('SELECT name FROM pragma_index_info(?) ORDER BY seqno', [name]);
    return rows.map((r) => r.name);
  }
  if (database.dialect === 'mysql') {
    const [rows] = await knex.raw(
      'SELECT column_name AS name FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = ? AND index_name = ? ORDER BY seq_in_index',
      ['payments', name],
    );
    return (rows as Array<{ name: string }>).map((r) => r.name);
  }
  const { rows } = await knex.raw('SELECT indexdef FROM pg_indexes WHERE tablename = ? AND indexname = ?', ['payments', name]);
  const definition = (rows as Array<{ indexdef: string }>)[0]?.indexdef;
  return definition ? (/\((.*)\)$/.exec(definition)?.[1].split(', ') ?? []) : [];
}

for (const { label: engine, create, skip } of KNEX_ENGINES) {
  (skip ? describe.skip : describe)(`migration: payments_open_purchases_index (${engine})`, function () {
    this.timeout(30_000);
    let db: TestDatabase;

    before(async () => { db = await create(); });
    after(async () => { await db?.drop(); });

    it('goes down and up again, built over the payments there with the count\'s columns in order; MySQL/MariaDB count through it', async () => {
      await db.database.knex.migrate.down(migrations);
      expect(await indexColumns(db.database, OPEN_PURCHASES_INDEX)).to.deep.equal([]);
      const payments = [
        aPayment().forUser('u1').createdAt(minutes(10)).build(),
        aPayment().forUser('u1').createdAt(minutes(20)).build(),
        aPayment().forUser('u1').createdAt(minutes(1)).build(),
        aPayment().forUser('u1').paid().createdAt(minutes(11)).build(),
        aPayment().forUser('u1').with({ purpose: { kind: 'renewal', planId: 'monthly', membershipId: 'm1', periodNo: 2 } }).createdAt(minutes(12)).build(),
        aPayment().forUser('u2').createdAt(minutes(13)).build(),
      ];
      await db.database.knex('payments').insert(payments.map((p) => paymentMapper.toRow(p, 1)));

      await db.database.migrateLatest();
      expect(await indexColumns(db.database, OPEN_PURCHASES_INDEX)).to.deep.equal(['user_id', 'status', 'purpose_kind', 'created_at']);
      const repository = new KnexPaymentRepository(db.database, new TransactionContext());
      expect(await repository.countOpenPurchases('u1', minutes(5))).to.equal(2);
      expect(await repository.countOpenPurchases('u2', minutes(5))).to.equal(1);
      if (db.database.dialect === 'mysql') {
        const count = openPurchases(db.database.knex, 'mysql', 'u1', minutes(5)).count('*').toSQL();
        const [plan] = await db.database.knex.raw(`EXPLAIN ${count.sql}`, count.bindings as Knex.RawBinding[]);
        expect((plan as Array<{ key: string }>).map((step) => step.key)).to.deep.equal([OPEN_PURCHASES_INDEX]);
      }
    });
  });
}
