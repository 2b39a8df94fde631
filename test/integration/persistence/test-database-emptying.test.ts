import { expect } from 'chai';
import { migrationConfig } from '../../../src/shared/infrastructure/knex/knex-database';
import { applicationTables, KNEX_ENGINES, type TestDatabase } from '../../support/database';

const AT = new Date('2027-01-10T01:00:00.123Z');

for (const { label: engine, create, skip } of KNEX_ENGINES) {
  (skip ? describe.skip : describe)(`test database emptied between tests (${engine})`, function () {
    this.timeout(30_000);
    let db: TestDatabase;

    before(async () => { db = await create(); });
    after(async () => { await db?.drop(); });

    it('lists the tables from the catalog, without the migration bookkeeping', async () => {
      const tables = await applicationTables(db.database);
      expect(tables).to.include.members(['users', 'sessions', 'payments', 'payment_cancellations', 'consent_requests', 'plan_price_changes']);
      expect(tables).to.not.include.members(['knex_migrations']);
      expect(tables).to.not.include('knex_migrations_lock');
      expect(tables.some((name) => name.startsWith('sqlite_'))).to.equal(false);
    });

    it('deletes the rows of every table, children and parents in any order, and keeps the schema migrated', async () => {
      const { knex } = db.database;
      await knex('users').insert({ id: 'u1', email: 'u1@example.com', name: 'U', password_hash: 'x', created_at: AT });
      await knex('sessions').insert({ id: 's1', user_id: 'u1', data: '{}', expires_at: AT });
      await knex('plan_price_changes').insert({ id: 'p1', plan_id: 'monthly', amount: 12_900, effective_at: AT, created_at: AT });
      await knex('consent_requests').insert({
        id: 'c1', membership_id: 'm1', user_id: 'u1', plan_id: 'monthly', period_no: 1, old_amount: 9900, new_amount: 12_900,
        change_at: AT, answer_by: AT, opened_at: AT, status: 'open', version: 1,
      });

      await db.empty();

      for (const table of ['users', 'sessions', 'plan_price_changes', 'consent_requests', ...await applicationTables(db.database)]) {
        const [{ rows }] = await knex(table).count({ rows: '*' });
        expect(Number(rows), table).to.equal(0);
      }
      const [, pending] = await knex.migrate.list(migrationConfig());
      expect(pending).to.have.length(0);
    });
  });
}
