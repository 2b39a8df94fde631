import { expect } from 'chai';
import { KnexConsoleReadModel } from '../../../src/admin/infrastructure/knex-console-read-model';
import { MIGRATIONS_DIRECTORY } from '../../../src/shared/infrastructure/knex/knex-database';
import { KNEX_ENGINES, type TestDatabase } from '../../support/database';

const migrations = { directory: MIGRATIONS_DIRECTORY, loadExtensions: ['.ts'], tableName: 'knex_migrations', name: '20261219000000_operator_console.ts' };
const AT = new Date('2026-11-25T09:00:00.000Z');

for (const { label: engine, create, skip } of KNEX_ENGINES) {
  (skip ? describe.skip : describe)(`migration: operator console indexes and audit record (${engine})`, function () {
    this.timeout(30_000);
    let db: TestDatabase;

    before(async () => { db = await create(); });
    after(async () => { await db?.drop(); });

    it('goes down and up again, and the audit record keeps who did what and when', async () => {
      await db.database.knex.migrate.down(migrations);
      expect(await db.database.knex.schema.hasTable('console_audit')).to.equal(false);
      await db.database.migrateLatest();
      expect(await db.database.knex.schema.hasTable('console_audit')).to.equal(true);

      const audit = new KnexConsoleReadModel(db.database);
      await audit.record({ at: AT, actor: 'console:alice', clientIp: '127.0.0.1', action: 'POST /api/console/payments/:merchant_uid/refund', target: 'merchant_uid=mp_1', request: '{"amount":1000}', statusCode: 200 });
      const page = await audit.auditLog({ cursor: null, limit: 10 });
      expect(page.items).to.have.length(1);
      expect(page.items[0]).to.include({ actor: 'console:alice', target: 'merchant_uid=mp_1', statusCode: 200 });
      expect(page.items[0].at.toISOString()).to.equal(AT.toISOString());
    });
  });
}
