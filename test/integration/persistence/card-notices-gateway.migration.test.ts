import { expect } from 'chai';
import { KnexNotificationLog } from '../../../src/billing/infrastructure/knex-notification-log';
import { KnexPaymentRepository } from '../../../src/payment/infrastructure/knex-payment.repository';
import { MIGRATIONS_DIRECTORY } from '../../../src/shared/infrastructure/knex/knex-database';
import { TransactionContext } from '../../../src/shared/infrastructure/transaction-context';
import { aPayment } from '../../support/builders/payment.builder';
import { KNEX_ENGINES, type TestDatabase } from '../../support/database';

const migrations = { directory: MIGRATIONS_DIRECTORY, loadExtensions: ['.ts'], tableName: 'knex_migrations', name: '20261217000000_card_notices_gateway.ts' };
const AT = new Date('2026-11-25T09:00:00.000Z');
const HOLD = new Date(AT.getTime() + 600_000);

for (const { label: engine, create, skip } of KNEX_ENGINES) {
  (skip ? describe.skip : describe)(`migration: notifications.attempt and payments.gateway (${engine})`, function () {
    this.timeout(20_000);
    let db: TestDatabase;

    before(async () => { db = await create(); });
    after(async () => { await db?.drop(); });

    it('backfills the gateway from the rows (Toss renewals get pg tosspayments), keeps sent notices sent, and goes down and up again', async () => {
      const payments = new KnexPaymentRepository(db.database, new TransactionContext());
      const iamport = aPayment().paid().with({ customerUid: 'cu_user_1' }).build();
      const tossPurchase = aPayment().paid().with({ gateway: 'toss', pg: 'tosspayments' }).build();
      const tossRenewal = aPayment().paid().with({
        gateway: 'toss', pg: 'html5_inicis', customerUid: 'cust-7f3a:bk_Z9x8', purpose: { kind: 'renewal', planId: 'monthly', membershipId: 'ms_1', periodNo: 2 },
      }).build();
      for (const payment of [iamport, tossPurchase, tossRenewal]) await payments.save(payment);

      await db.database.knex.migrate.down(migrations);
      expect(await db.database.knex.schema.hasColumn('payments', 'gateway')).to.equal(false);
      expect(await db.database.knex.schema.hasColumn('notifications', 'attempt')).to.equal(false);
      // Written by the version before: a declined renewal's notice keyed with the attempt as the period.
      await db.database.knex('notifications').insert({ membership_id: 'ms_1', period_no: 1, kind: 'renewal_failed', sent_at: AT, sending_until: null });
      await db.database.migrateLatest();

      const rows: Array<{ id: string; gateway: string; pg: string }> = await db.database.knex('payments').select('id', 'gateway', 'pg');
      const byId = new Map(rows.map((r) => [r.id, r]));
      expect(byId.get(iamport.id)).to.include({ gateway: 'iamport', pg: 'html5_inicis' });
      expect(byId.get(tossPurchase.id)).to.include({ gateway: 'toss', pg: 'tosspayments' });
      expect(byId.get(tossRenewal.id)).to.include({ gateway: 'toss', pg: 'tosspayments' });

      // A row an older instance still writes without a gateway: 20261224000000 fills it by the same rule (its own test).

      const log = new KnexNotificationLog(db.database);
      const legacy = { membershipId: 'ms_1', periodNo: 1, kind: 'renewal_failed', attempt: 0 } as const;
      expect(await log.isSent(legacy)).to.equal(true);
      expect(await log.claim({ ...legacy, attempt: 1 }, AT, HOLD), 'period 1, attempt 1 is a key of its own').to.equal(true);
      expect(await log.claim({ ...legacy, periodNo: 5, attempt: 1 }, AT, HOLD)).to.equal(true);
      expect(await log.claim({ ...legacy, periodNo: 5, attempt: 1 }, AT, HOLD), 'and only once').to.equal(false);

      // Down keeps the earliest attempt of each old key, so the old unique rule holds again.
      await db.database.knex.migrate.down(migrations);
      const left = await db.database.knex('notifications').select('period_no').orderBy('period_no');
      expect(left.map((r: { period_no: number }) => Number(r.period_no))).to.deep.equal([1, 5]);
      await db.database.migrateLatest();
      expect(await db.database.knex.schema.hasColumn('notifications', 'attempt')).to.equal(true);
    });
  });
}
