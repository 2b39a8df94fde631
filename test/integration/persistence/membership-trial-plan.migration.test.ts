import { expect } from 'chai';
import { KnexMembershipRepository } from '../../../src/membership/infrastructure/knex-membership.repository';
import { membershipMapper } from '../../../src/membership/infrastructure/membership.mapper';
import { MIGRATIONS_DIRECTORY } from '../../../src/shared/infrastructure/knex/knex-database';
import { TransactionContext } from '../../../src/shared/infrastructure/transaction-context';
import { aMembership } from '../../support/builders/membership.builder';
import { KNEX_ENGINES, type TestDatabase } from '../../support/database';

const migrations = { directory: MIGRATIONS_DIRECTORY, loadExtensions: ['.ts'], tableName: 'knex_migrations', name: '20261226000100_membership_trial_plan.ts' };
const TRIAL_END = new Date('2026-12-09T09:00:00.123Z');

for (const { label: engine, create, skip } of KNEX_ENGINES) {
  (skip ? describe.skip : describe)(`migration: memberships.trial_plan_id (${engine})`, function () {
    this.timeout(20_000);
    let db: TestDatabase;

    before(async () => { db = await create(); });
    after(async () => { await db?.drop(); });

    it('gives a trial stored before it its plan, a paid membership none; one trial per plan is read from it; down and up again', async () => {
      await db.database.knex.migrate.down(migrations);
      expect(await db.database.knex.schema.hasColumn('memberships', 'trial_plan_id')).to.equal(false);
      const before = (membership: ReturnType<typeof aMembership>) => {
        const { trial_plan_id: _absent, ...row } = membershipMapper.toRow(membership.build(), 1);
        return row;
      };
      await db.database.knex('memberships').insert([
        before(aMembership().forUser('u_trial').with({ id: 'm_trial', status: 'expired', trialEndsAt: TRIAL_END })),
        before(aMembership().forUser('u_paid').with({ id: 'm_paid', status: 'expired' })),
      ]);
      await db.database.migrateLatest();

      const memberships = new KnexMembershipRepository(db.database, new TransactionContext());
      expect((await memberships.findById('m_trial'))?.trialPlanId).to.equal('monthly');
      expect((await memberships.findById('m_paid'))?.trialPlanId).to.equal(null);
      expect(await memberships.hasHadTrial('u_trial', 'monthly')).to.equal(true);
      expect(await memberships.hasHadTrial('u_trial', 'annual')).to.equal(false);
      expect(await memberships.hasHadTrial('u_paid', 'monthly')).to.equal(false);

      // A trial extended on another plan since: its plan changed, its trial's did not.
      await db.database.knex('memberships').where({ id: 'm_trial' }).update({ plan_id: 'annual' });
      expect(await memberships.hasHadTrial('u_trial', 'monthly')).to.equal(true);
      expect(await memberships.hasHadTrial('u_trial', 'annual')).to.equal(false);
    });
  });
}
