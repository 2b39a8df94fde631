import { expect } from 'chai';
import { KnexNotificationLog } from '../../../src/billing/infrastructure/knex-notification-log';
import { MIGRATIONS_DIRECTORY } from '../../../src/shared/infrastructure/knex/knex-database';
import { KNEX_ENGINES, type TestDatabase } from '../../support/database';

const migrations = { directory: MIGRATIONS_DIRECTORY, loadExtensions: ['.ts'], tableName: 'knex_migrations', name: '20261215000000_notification_sending_until.ts' };
const AT = new Date('2026-11-25T09:00:00.000Z');

for (const { label: engine, create, skip } of KNEX_ENGINES) {
  (skip ? describe.skip : describe)(`migration: notifications.sending_until (${engine})`, function () {
    this.timeout(20_000);
    let db: TestDatabase;

    before(async () => { db = await create(); });
    after(async () => { await db?.drop(); });

    it('reads notices written before it as sent, and goes down and up again', async () => {
      await db.database.knex.migrate.down(migrations);
      expect(await db.database.knex.schema.hasColumn('notifications', 'sending_until')).to.equal(false);
      await db.database.knex('notifications').insert({ membership_id: 'm1', period_no: 2, kind: 'renewal_reminder', sent_at: AT });
      await db.database.migrateLatest();

      const log = new KnexNotificationLog(db.database);
      const key = { membershipId: 'm1', periodNo: 2, kind: 'renewal_reminder', attempt: 0 } as const;
      expect(await log.isSent(key)).to.equal(true);
      expect(await log.claim(key, new Date(AT.getTime() + 365 * 86_400_000), new Date(AT.getTime() + 366 * 86_400_000))).to.equal(false);
      expect(await log.taken([key], AT)).to.deep.equal([key]);
    });
  });
}
