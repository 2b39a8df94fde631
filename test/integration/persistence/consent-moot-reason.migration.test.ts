import { expect } from 'chai';
import { ConsentRequest } from '../../../src/membership/domain/consent-request.entity';
import { KnexConsentRequestRepository } from '../../../src/membership/infrastructure/knex-consent-request.repository';
import { MIGRATIONS_DIRECTORY } from '../../../src/shared/infrastructure/knex/knex-database';
import { TransactionContext } from '../../../src/shared/infrastructure/transaction-context';
import { KNEX_ENGINES, type TestDatabase } from '../../support/database';

const migrations = { directory: MIGRATIONS_DIRECTORY, loadExtensions: ['.ts'], tableName: 'knex_migrations', name: '20261226000000_consent_moot_reason.ts' };
const AT = new Date('2027-01-10T01:00:00.123Z');
const DAY = 86_400_000;

for (const { label: engine, create, skip } of KNEX_ENGINES) {
  (skip ? describe.skip : describe)(`migration: consent_requests.moot_reason (${engine})`, function () {
    this.timeout(20_000);
    let db: TestDatabase;

    before(async () => { db = await create(); });
    after(async () => { await db?.drop(); });

    it('reads a request stored before it as never moot, stores a moot one with its reason, and goes down and up again', async () => {
      await db.database.knex.migrate.down(migrations);
      expect(await db.database.knex.schema.hasColumn('consent_requests', 'moot_reason')).to.equal(false);
      const changeAt = new Date(AT.getTime() + 14 * DAY);
      await db.database.knex('consent_requests').insert({
        id: 'c_before', membership_id: 'm1', user_id: 'u1', plan_id: 'monthly', period_no: 1, old_amount: 0, new_amount: 9900,
        change_at: changeAt, answer_by: new Date(changeAt.getTime() - DAY), opened_at: AT, status: 'expired', answered_at: null,
        method: null, wording_version: null, version: 1,
      });
      await db.database.migrateLatest();

      const consents = new KnexConsentRequestRepository(db.database, new TransactionContext());
      expect((await consents.findById('c_before'))?.toProps()).to.include({ status: 'expired', mootReason: null });
      const moot = ConsentRequest.open({
        id: 'c_moot', membershipId: 'm1', userId: 'u1', planId: 'monthly', periodNo: 2, oldAmount: 9900, newAmount: 12900,
        changeAt, answerBy: new Date(changeAt.getTime() - DAY), openedAt: AT,
      });
      await consents.save(moot);
      moot.closeAsMoot('within_consent');
      await consents.save(moot);
      expect((await consents.findById('c_moot'))?.toProps()).to.include({ status: 'moot', mootReason: 'within_consent', version: 2 });
    });
  });
}
