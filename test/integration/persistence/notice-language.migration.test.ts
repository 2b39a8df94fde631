import { expect } from 'chai';
import { KnexUserRepository } from '../../../src/identity/infrastructure/knex-user.repository';
import { MIGRATIONS_DIRECTORY } from '../../../src/shared/infrastructure/knex/knex-database';
import { TransactionContext } from '../../../src/shared/infrastructure/transaction-context';
import { KNEX_ENGINES, type TestDatabase } from '../../support/database';

const migrations = { directory: MIGRATIONS_DIRECTORY, loadExtensions: ['.ts'], tableName: 'knex_migrations', name: '20261218000000_notice_language.ts' };
const AT = new Date('2026-11-25T09:00:00.000Z');

for (const { label: engine, create, skip } of KNEX_ENGINES) {
  (skip ? describe.skip : describe)(`migration: users.language (${engine})`, function () {
    this.timeout(20_000);
    let db: TestDatabase;

    before(async () => { db = await create(); });
    after(async () => { await db?.drop(); });

    it('gives members who signed up before it Korean, keeps an English member English, and goes down and up again', async () => {
      await db.database.knex.migrate.down(migrations);
      expect(await db.database.knex.schema.hasColumn('users', 'language')).to.equal(false);
      await db.database.knex('users').insert({ id: 'u_before', email: 'before@example.com', name: '김이전', password_hash: 'x', created_at: AT });
      await db.database.migrateLatest();

      const users = new KnexUserRepository(db.database, new TransactionContext());
      expect((await users.findById('u_before'))?.language).to.equal('ko');
      await users.add({ id: 'u_en', email: 'en@example.com', name: 'Kim', passwordHash: 'x', language: 'en', createdAt: AT });
      expect((await users.findById('u_en'))?.language).to.equal('en');
    });
  });
}
