import { expect } from 'chai';
import { ConsentRequest } from '../../../src/membership/domain/consent-request.entity';
import { Membership } from '../../../src/membership/domain/membership.entity';
import type { Plan } from '../../../src/pricing/domain/plan';
import { KnexConsentRequestRepository } from '../../../src/membership/infrastructure/knex-consent-request.repository';
import { KnexMembershipRepository } from '../../../src/membership/infrastructure/knex-membership.repository';
import { KnexPriceChangeRepository } from '../../../src/membership/infrastructure/knex-price-change.repository';
import { BusinessCalendar } from '../../../src/shared/domain/business-calendar';
import { ConflictError } from '../../../src/shared/domain/conflict-error';
import { InProcessEventBus } from '../../../src/shared/infrastructure/in-process-event-bus';
import { MIGRATIONS_DIRECTORY } from '../../../src/shared/infrastructure/knex/knex-database';
import { KnexOutbox } from '../../../src/shared/infrastructure/knex/knex-outbox';
import { KnexUnitOfWork } from '../../../src/shared/infrastructure/knex/knex-unit-of-work';
import { silentLogger } from '../../../src/shared/infrastructure/logger';
import { TransactionContext } from '../../../src/shared/infrastructure/transaction-context';
import { KNEX_ENGINES, type TestDatabase } from '../../support/database';
import { rejection } from '../../support/rejection';

const migrations = { directory: MIGRATIONS_DIRECTORY, loadExtensions: ['.ts'], tableName: 'knex_migrations', name: '20261222000000_consents_and_trials.ts' };
const AT = new Date('2027-01-10T01:00:00.123Z');
const monthly: Plan = { id: 'monthly', names: { ko: '월간', en: 'Monthly' }, amount: 9900, currency: 'KRW', interval: 'month', intervalCount: 1, trialDays: 14 };

for (const { label: engine, create, skip } of KNEX_ENGINES) {
  (skip ? describe.skip : describe)(`migration: consents, scheduled prices and trials (${engine})`, function () {
    this.timeout(30_000);
    let db: TestDatabase;

    before(async () => { db = await create(); });
    after(async () => { await db?.drop(); });

    it('goes down and up again; a trial membership, its consent request and a scheduled price are stored and read back', async () => {
      // A later migration adds a column to consent_requests: it goes down first, or up would bring the table back without it.
      await db.database.knex.migrate.down({ ...migrations, name: '20261226000000_consent_moot_reason.ts' });
      await db.database.knex.migrate.down(migrations);
      expect(await db.database.knex.schema.hasTable('consent_requests')).to.equal(false);
      expect(await db.database.knex.schema.hasColumn('memberships', 'consented_amount')).to.equal(false);
      await db.database.migrateLatest();

      const context = new TransactionContext();
      const outbox = new KnexOutbox(db.database, context);
      const uow = new KnexUnitOfWork(db.database, context, outbox, new InProcessEventBus(outbox, silentLogger()));
      const memberships = new KnexMembershipRepository(db.database, context);
      const consents = new KnexConsentRequestRepository(db.database, context);
      const prices = new KnexPriceChangeRepository(db.database, context);

      const trial = Membership.startTrial({ id: 'm1', userId: 'u1', plan: monthly, billingKey: 'cu_u1', start: AT, now: AT }, new BusinessCalendar('Asia/Seoul'));
      await uow.run(() => memberships.save(trial));
      const read = await memberships.findById('m1');
      expect(read?.toProps()).to.include({ consentedAmount: 0, periodNo: 0 });
      expect(read?.trialEndsAt?.toISOString()).to.equal(trial.trialEndsAt?.toISOString());
      expect(await memberships.hasHadTrial('u1', 'monthly')).to.equal(true);
      expect(await memberships.hasHadTrial('u1', 'annual')).to.equal(false);

      const open = (id: string) => ConsentRequest.open({
        id, membershipId: 'm1', userId: 'u1', planId: 'monthly', periodNo: 1, oldAmount: 0, newAmount: 9900,
        changeAt: trial.periodEnd, answerBy: new Date(trial.periodEnd.getTime() - 86_400_000), openedAt: AT,
      });
      const request = open('c1');
      await uow.run(() => consents.save(request));
      expect(await rejection(uow.run(() => consents.save(open('c2'))))).to.be.instanceOf(ConflictError);
      const stored = await consents.findFor('m1', 1, 9900);
      stored?.answer(true, 'web', 'v1', AT);
      await uow.run(() => consents.save(stored as ConsentRequest));
      const [answered] = await consents.listByUser('u1');
      expect(answered.toProps()).to.include({ status: 'accepted', method: 'web', wordingVersion: 'v1', oldAmount: 0, newAmount: 9900 });
      expect(answered.toProps().answeredAt?.toISOString()).to.equal(AT.toISOString());

      await prices.add({ id: 'pc1', planId: 'monthly', amount: 12900, effectiveAt: new Date('2027-03-01T00:00:00Z'), createdAt: AT });
      const [change] = await prices.listForPlan('monthly');
      expect(change).to.include({ amount: 12900, planId: 'monthly' });
      expect(change.effectiveAt.toISOString()).to.equal('2027-03-01T00:00:00.000Z');
    });

    it('reads only the memberships a price could take above their ceiling, and trials', async () => {
      const context = new TransactionContext();
      const outbox = new KnexOutbox(db.database, context);
      const uow = new KnexUnitOfWork(db.database, context, outbox, new InProcessEventBus(outbox, silentLogger()));
      const memberships = new KnexMembershipRepository(db.database, context);
      const calendar = new BusinessCalendar('Asia/Seoul');
      const paid = (id: string, amount: number) => Membership.activate({ id, userId: `user-${id}`, plan: monthly, paymentId: `p-${id}`, amount, start: AT, billingKey: `cu-${id}`, now: AT }, calendar);
      const legacy = Membership.restore({ ...paid('legacy', 9900).toProps(), consentedAmount: null });
      await uow.run(async () => {
        await memberships.save(paid('at-9900', 9900));
        await memberships.save(paid('at-7900', 7900));
        await memberships.save(legacy);
      });
      const horizon = new Date(AT.getTime() + 60 * 86_400_000);
      const ids = async (highest: number) =>
        (await memberships.listMayNeedConsent(horizon, [{ planId: 'monthly', highest, configured: 9900 }], 100)).map((m) => m.id).sort();
      // m1 is the trial of the test above (nothing consented): always read.
      expect(await ids(9900)).to.deep.equal(['at-7900', 'm1']);
      expect(await ids(12900)).to.deep.equal(['at-7900', 'at-9900', 'legacy', 'm1']);
      const [first] = await memberships.listMayNeedConsent(horizon, [{ planId: 'monthly', highest: 12900, configured: 9900 }], 1);
      const rest = await memberships.listMayNeedConsent(horizon, [{ planId: 'monthly', highest: 12900, configured: 9900 }], 100, first);
      expect(rest.map((m) => m.id)).not.to.include(first.id);
      expect(rest).to.have.length(3);
    });
  });
}
