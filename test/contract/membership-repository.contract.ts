import { expect } from 'chai';
import type { Membership } from '../../src/membership/domain/membership.entity';
import { ConflictError } from '../../src/shared/domain/conflict-error';
import { ConcurrencyConflictError } from '../../src/shared/domain/domain-error';
import { aMembership } from '../support/builders/membership.builder';
import type { PersistenceKit } from '../support/persistence-adapters';
import { rejection } from '../support/rejection';

const day = (d: number, ms = 0) => new Date(Date.UTC(2026, 11, d, 9, 0, 0, ms));

/** The MembershipRepository port as the memory adapter defines it; every adapter must pass. */
export function membershipRepositoryContract(open: () => Promise<PersistenceKit>): void {
  describe('MembershipRepository', () => {
    let kit: PersistenceKit;
    beforeEach(async () => {
      kit = await open();
    });

    it('round-trips a plain membership with its empty fields as nulls', async () => {
      const membership = aMembership().build();
      const expected = membership.toProps();
      await kit.memberships.save(membership);
      expect((await kit.memberships.findById(membership.id))?.toProps()).to.deep.equal({ ...expected, version: 1 });
    });

    it('round-trips every field, times to the millisecond and booleans', async () => {
      const membership = aMembership().pastDue(day(28, 999), 2).with({
        planId: 'annual', anchorAt: day(1, 1), monthsPaid: 13, periodNo: 4, periodStart: day(2, 2), periodEnd: day(3, 3),
        cancelAtPeriodEnd: true, cancelledAt: day(4, 4), billingKey: 'cu_card', renewalLeaseUntil: day(7, 7), createdAt: day(5, 5), updatedAt: day(6, 6),
      }).build();
      const expected = membership.toProps();
      await kit.memberships.save(membership);
      expect((await kit.memberships.findById(membership.id))?.toProps()).to.deep.equal({ ...expected, version: 1 });
    });

    it('knows a member\'s trial of a plan by the trial\'s plan, whatever plan an extension moved the membership to', async () => {
      const trial = aMembership().forUser('u_trial').with({ planId: 'annual', trialEndsAt: day(14), trialPlanId: 'monthly', consentedAmount: 99000 }).build();
      await kit.memberships.save(trial);
      expect((await kit.memberships.findById(trial.id))?.toProps()).to.include({ trialPlanId: 'monthly', planId: 'annual' });
      expect(await kit.memberships.hasHadTrial('u_trial', 'monthly')).to.equal(true);
      expect(await kit.memberships.hasHadTrial('u_trial', 'annual')).to.equal(false);
      expect(await kit.memberships.hasHadTrial('someone_else', 'monthly')).to.equal(false);
    });

    it('answers null for an unknown id and for a user without memberships', async () => {
      expect(await kit.memberships.findById('nope')).to.equal(null);
      expect(await kit.memberships.findLiveByUserId('nobody')).to.equal(null);
      expect(await kit.memberships.findLatestByUserId('nobody')).to.equal(null);
    });

    it('finds the live membership (active or past due), not an ended one', async () => {
      const ended = aMembership().forUser('u1').cancelled().createdAt(day(1)).build();
      const live = aMembership().forUser('u1').pastDue(day(20)).createdAt(day(2)).build();
      await kit.memberships.save(ended);
      expect(await kit.memberships.findLiveByUserId('u1')).to.equal(null);
      await kit.memberships.save(live);
      expect((await kit.memberships.findLiveByUserId('u1'))?.id).to.equal(live.id);
    });

    it('finds the latest membership of a user, live or not', async () => {
      const first = aMembership().forUser('u1').expired().createdAt(day(1)).build();
      const second = aMembership().forUser('u1').cancelled().createdAt(day(2)).build();
      const someoneElse = aMembership().forUser('u2').createdAt(day(3)).build();
      for (const m of [first, second, someoneElse]) await kit.memberships.save(m);
      expect((await kit.memberships.findLatestByUserId('u1'))?.id).to.equal(second.id);
    });

    it('refuses a second live membership per user, but keeps any number of ended ones', async () => {
      await kit.memberships.save(aMembership().forUser('u1').expired().build());
      await kit.memberships.save(aMembership().forUser('u1').cancelled().build());
      const live = aMembership().forUser('u1').build();
      await kit.memberships.save(live);
      await kit.memberships.save(aMembership().forUser('u2').build());
      const error = await rejection(kit.memberships.save(aMembership().forUser('u1').pastDue(day(9)).build()));
      expect(error).to.be.instanceOf(ConflictError);
      expect((error as ConflictError).rule).to.equal('memberships_one_live_per_user');
    });

    it('lets a new live membership in once the old one ended', async () => {
      const old = aMembership().forUser('u1').build();
      await kit.memberships.save(old);
      await kit.uow.run(async () => {
        const loaded = (await kit.memberships.findById(old.id)) as Membership;
        loaded.cancel('now', 'refund', day(10));
        await kit.memberships.save(loaded);
      });
      const next = aMembership().forUser('u1').build();
      await kit.memberships.save(next);
      expect((await kit.memberships.findLiveByUserId('u1'))?.id).to.equal(next.id);
    });

    it('refuses a save from a stale version', async () => {
      const membership = aMembership().renewing().build();
      await kit.memberships.save(membership);
      const a = (await kit.memberships.findById(membership.id)) as Membership;
      const b = (await kit.memberships.findById(membership.id)) as Membership;
      await kit.uow.run(async () => {
        a.setAutoRenew(false, day(2));
        await kit.memberships.save(a);
      });
      const error = await rejection(kit.uow.run(async () => {
        b.setAutoRenew(false, day(3));
        await kit.memberships.save(b);
      }));
      expect(error).to.be.instanceOf(ConcurrencyConflictError);
      expect((await kit.memberships.findById(membership.id))?.version).to.equal(2);
    });

    it('lists live memberships due for renewal, oldest due first, up to the limit', async () => {
      const later = aMembership().forUser('u1').renewing().with({ nextChargeAt: day(10) }).build();
      const sooner = aMembership().forUser('u2').pastDue(day(5)).build();
      const notYet = aMembership().forUser('u3').renewing().with({ nextChargeAt: day(20) }).build();
      const ended = aMembership().forUser('u4').expired().build();
      const manual = aMembership().forUser('u5').build();
      for (const m of [later, sooner, notYet, ended, manual]) await kit.memberships.save(m);
      expect((await kit.memberships.listDueForRenewal(day(10), 10)).map((m) => m.id)).to.deep.equal([sooner.id, later.id]);
      expect((await kit.memberships.listDueForRenewal(day(10), 1)).map((m) => m.id)).to.deep.equal([sooner.id]);
    });

    it('pages through due memberships after the last one seen, ties on the charge time broken by id', async () => {
      const due = [3, 1, 2, 2, 2, 1].map((d, n) => aMembership().forUser(`u${n}`).renewing().with({ nextChargeAt: day(d) }).build());
      for (const m of due) await kit.memberships.save(m);
      const order = [...due].sort((a, b) => a.nextChargeAt!.getTime() - b.nextChargeAt!.getTime() || (a.id < b.id ? -1 : 1)).map((m) => m.id);
      const seen: string[] = [];
      for (let after: Membership | undefined, page: Membership[]; ; after = page.at(-1)) {
        page = await kit.memberships.listDueForRenewal(day(10), 2, after);
        seen.push(...page.map((m) => m.id));
        if (page.length < 2) break;
      }
      expect(seen).to.deep.equal(order);
    });

    /** Three renewals due by day 10, one due later, one without auto-renew; the claim is made on day 10. */
    async function claimCase() {
      const due = [1, 2, 3].map((n) => aMembership().forUser(`u${n}`).renewing().with({ nextChargeAt: day(n) }).build());
      const notYet = aMembership().forUser('u4').renewing().with({ nextChargeAt: day(20) }).build();
      const manual = aMembership().forUser('u5').with({ nextChargeAt: day(1) }).build();
      for (const m of [...due, notYet, manual]) await kit.memberships.save(m);
      const now = day(10);
      return { due, now, leaseUntil: new Date(now.getTime() + 60_000) };
    }

    it('claims due renewals with a lease: a second claim, even a concurrent one, does not get them again', async () => {
      const { due, now, leaseUntil } = await claimCase();
      const [a, b] = await Promise.all([
        kit.memberships.claimDueForRenewal(day(10), now, leaseUntil, 2),
        kit.memberships.claimDueForRenewal(day(10), now, leaseUntil, 2),
      ]);
      // Concurrent claims never share a membership (MySQL may lock every row a sorted claim reads, so the second can get fewer).
      const concurrent = [...a, ...b].map((m) => m.id);
      expect(new Set(concurrent).size).to.equal(concurrent.length);
      expect(concurrent.length).to.be.within(2, 3);
      expect([...a, ...b].every((m) => m.version === 2 && m.renewalLeaseUntil?.getTime() === leaseUntil.getTime())).to.equal(true);
      expect((await kit.memberships.findById(a[0].id))?.renewalLeaseUntil).to.deep.equal(leaseUntil);
      const rest = await kit.memberships.claimDueForRenewal(day(10), now, leaseUntil, 10);
      expect([...concurrent, ...rest.map((m) => m.id)]).to.have.members(due.map((m) => m.id));
      expect(await kit.memberships.claimDueForRenewal(day(10), now, leaseUntil, 10)).to.deep.equal([]);
      const afterLease = new Date(leaseUntil.getTime() + 1);
      expect(await kit.memberships.claimDueForRenewal(day(10), afterLease, new Date(afterLease.getTime() + 60_000), 10)).to.have.length(3);
    });

    it('tells whether a claim has anything left to lease: not while every due one is leased, again once a lease runs out', async () => {
      const { now, leaseUntil } = await claimCase();
      expect(await kit.memberships.anyClaimableForRenewal(day(10), now)).to.equal(true);
      await kit.memberships.claimDueForRenewal(day(10), now, leaseUntil, 2);
      expect(await kit.memberships.anyClaimableForRenewal(day(10), now), 'one left past the first batch').to.equal(true);
      await kit.memberships.claimDueForRenewal(day(10), now, leaseUntil, 2);
      expect(await kit.memberships.anyClaimableForRenewal(day(10), now), 'all leased').to.equal(false);
      expect(await kit.memberships.anyClaimableForRenewal(day(10), leaseUntil), 'at the lease end').to.equal(true);
      expect(await kit.memberships.anyClaimableForRenewal(day(0), leaseUntil), 'nothing due yet').to.equal(false);
    });

    it('lists live memberships whose period is over with nothing to charge', async () => {
      const over = aMembership().forUser('u1').with({ periodEnd: day(5) }).build();
      const running = aMembership().forUser('u2').with({ periodEnd: day(15) }).build();
      const renewing = aMembership().forUser('u3').renewing().with({ periodEnd: day(5), nextChargeAt: day(5) }).build();
      const ended = aMembership().forUser('u4').with({ periodEnd: day(1) }).expired().build();
      for (const m of [over, running, renewing, ended]) await kit.memberships.save(m);
      expect((await kit.memberships.listOver(day(10), 10)).map((m) => m.id)).to.deep.equal([over.id]);
    });
  });
}
