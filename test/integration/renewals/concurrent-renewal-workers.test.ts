import { expect } from 'chai';
import type { MembershipRepository } from '../../../src/membership/application/membership-repository.port';
import { MEMBERSHIP } from '../../../src/membership/membership.tokens';
import { renewalMerchantUid } from '../../../src/payment/domain/merchant-uid';
import { SERVER_ENGINES } from '../../support/database';
import { eventCounts, startSandboxApp, type SandboxApp } from '../../support/sandbox-app';
import { seedDueMemberships } from './due-memberships';

const DUE = 600;

for (const { engine, label, skip } of SERVER_ENGINES) {
  (skip ? describe.skip : describe)(`two renewal workers at once on one ${label} database (two app instances, IamportGateway to one sandbox)`, function () {
    // 600 charges with both instances and the sandbox in this one process: tens of seconds, more on a busy machine.
    this.timeout(180_000);
    let first: SandboxApp;
    let second: SandboxApp;

    before(async () => {
      first = await startSandboxApp({ persistence: engine });
      second = await startSandboxApp({ database: first.database, sandbox: first.sandbox });
    });
    after(async () => {
      await second?.close();
      await first?.close();
    });

    it(`charges each of ${DUE} due periods exactly once: one \`again\` per merchant_uid at the sandbox, one paid renewal per membership, none skipped`, async () => {
      const seeded = await seedDueMemberships(first.database.database, first.sandbox, DUE);
      const started = Date.now();
      const [a, b] = await Promise.all([first.admin('/api/admin/renewals/run'), second.admin('/api/admin/renewals/run')]);
      const elapsed = Date.now() - started;
      expect(a.status, a.text).to.equal(200);
      expect(b.status, b.text).to.equal(200);
      console.log(`      runs in ${elapsed} ms: first ${JSON.stringify(a.body)}; second ${JSON.stringify(b.body)}`);
      expect(a.body.charged + b.body.charged, 'charged by both runs').to.equal(DUE);
      expect(a.body.failed + b.body.failed, 'failed').to.equal(0);

      // At the gateway: one `again` per period, and nothing else charged.
      const again = first.sandbox.againCallsByMerchantUid();
      const expectedUids = seeded.map((m) => renewalMerchantUid(m.id, 2));
      expect(again.size, 'merchant_uids charged at the sandbox').to.equal(DUE);
      const twice = expectedUids.filter((uid) => again.get(uid) !== 1);
      expect(twice, 'merchant_uids not charged exactly once').to.deep.equal([]);
      const paidAtSandbox = [...first.sandbox.sandbox.state.payments.values()].filter((r) => r.payment.status === 'paid').length;
      expect(paidAtSandbox, 'paid payments at the sandbox').to.equal(DUE);

      // In the database: one paid renewal payment per membership, every membership in period 2.
      const knex = first.database.database.knex;
      const perMembership: Array<{ membership_id: string; n: number | string }> = await knex('payments')
        .where({ purpose_kind: 'renewal', status: 'paid' }).select('membership_id').count({ n: '*' }).groupBy('membership_id');
      expect(perMembership, 'memberships with a paid renewal').to.have.length(DUE);
      expect(perMembership.filter((r) => Number(r.n) !== 1), 'memberships with more than one paid renewal').to.deep.equal([]);
      const periods: Array<{ period_no: number; status: string; n: number | string }> = await knex('memberships')
        .select('period_no', 'status').count({ n: '*' }).groupBy('period_no', 'status');
      expect(periods.map((p) => ({ ...p, n: Number(p.n) }))).to.deep.equal([{ period_no: 2, status: 'active', n: DUE }]);
      const events = await eventCounts(first.database);
      expect(events.PaymentPaid, 'PaymentPaid rows').to.equal(DUE);
      expect(events.MembershipRenewed, 'MembershipRenewed rows').to.equal(DUE);

      // Nothing left due once both have finished.
      const again2 = await first.admin('/api/admin/renewals/run');
      expect(again2.body).to.include({ due: 0, charged: 0 });
    });

    // Was a defect: the claim's FOR UPDATE scan (a filesort after `status IN (...)`) locked every due
    // row, so a second instance's SKIP LOCKED claim got none. Fixed by an index in charge order (the
    // scan stops at its batch) and one UPDATE per batch; RunRenewals also looks again after an empty claim.
    it(`two simultaneous claims over ${DUE} unleased due memberships each lease their own batch of 100`, async () => {
      await seedDueMemberships(first.database.database, first.sandbox, DUE);
      const now = new Date();
      const leaseUntil = new Date(now.getTime() + 5 * 60_000);
      const [a, b] = await Promise.all([first, second].map((app) =>
        app.container.get<MembershipRepository>(MEMBERSHIP.MembershipRepository).claimDueForRenewal(now, now, leaseUntil, 100)));
      expect([a.length, b.length]).to.deep.equal([100, 100]);
    });
  });
}
