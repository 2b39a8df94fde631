import { expect } from 'chai';
import type { NotificationKey } from '../../src/billing/application/notification-log.port';
import type { PersistenceKit } from '../support/persistence-adapters';

const AT = new Date('2026-11-25T09:00:00.000Z');
const HOLD_MS = 10 * 60_000;
const UNTIL = new Date(AT.getTime() + HOLD_MS);
const later = (ms: number) => new Date(AT.getTime() + ms);
const reminder = (membershipId: string, periodNo = 2): NotificationKey => ({ membershipId, periodNo, kind: 'renewal_reminder', attempt: 0 });
const failure = (membershipId: string, periodNo: number, attempt: number): NotificationKey => ({ membershipId, periodNo, kind: 'renewal_failed', attempt });

/** The NotificationLog port: the guard that sends each notice once per (membership, period, kind, attempt). */
export function notificationLogContract(open: () => Promise<PersistenceKit>): void {
  describe('NotificationLog', () => {
    let kit: PersistenceKit;
    beforeEach(async () => {
      kit = await open();
    });

    it('lets one caller take a key, even among concurrent ones', async () => {
      const outcomes = await Promise.all(Array.from({ length: 5 }, () => kit.notifications.claim(reminder('m1'), AT, UNTIL)));
      expect(outcomes.filter(Boolean)).to.have.length(1);
      expect(await kit.notifications.claim(reminder('m1', 3), AT, UNTIL)).to.equal(true);
      expect(await kit.notifications.claim({ ...reminder('m1'), kind: 'receipt' }, AT, UNTIL)).to.equal(true);
    });

    it('keys by membership, period, kind and attempt: each attempt of each period is its own notice', async () => {
      expect(await kit.notifications.claim(failure('m1', 2, 1), AT, UNTIL)).to.equal(true);
      await kit.notifications.sent(failure('m1', 2, 1), AT);
      expect(await kit.notifications.claim(failure('m1', 2, 1), later(1), UNTIL), 'the same attempt again').to.equal(false);
      expect(await kit.notifications.claim(failure('m1', 2, 2), AT, UNTIL), 'the next attempt of the period').to.equal(true);
      expect(await kit.notifications.claim(failure('m1', 5, 1), AT, UNTIL), 'the first attempt of a later period').to.equal(true);
      const asked = [failure('m1', 2, 1), failure('m1', 2, 3), failure('m1', 5, 1), failure('m1', 9, 1)];
      expect(await kit.notifications.taken(asked, AT)).to.deep.equal([failure('m1', 2, 1), failure('m1', 5, 1)]);
      expect(await kit.notifications.isSent(failure('m1', 2, 1))).to.equal(true);
      expect(await kit.notifications.isSent(failure('m1', 2, 2))).to.equal(false);
    });

    it('gives a released key to the next caller', async () => {
      await kit.notifications.claim(reminder('m1'), AT, UNTIL);
      await kit.notifications.release(reminder('m1'));
      expect(await kit.notifications.claim(reminder('m1'), AT, UNTIL)).to.equal(true);
    });

    it('keeps a sent key taken for good, and a held one until its hold runs out unsent: then one of several callers takes it over', async () => {
      await kit.notifications.claim(reminder('sent'), AT, UNTIL);
      await kit.notifications.sent(reminder('sent'), later(1000));
      await kit.notifications.claim(reminder('died'), AT, UNTIL);
      expect(await kit.notifications.isSent(reminder('sent'))).to.equal(true);
      expect(await kit.notifications.isSent(reminder('died'))).to.equal(false);
      expect(await kit.notifications.isSent(reminder('never'))).to.equal(false);

      expect(await kit.notifications.claim(reminder('died'), later(HOLD_MS - 1), later(2 * HOLD_MS)), 'inside the hold').to.equal(false);
      const takeovers = await Promise.all(Array.from({ length: 5 }, () => kit.notifications.claim(reminder('died'), UNTIL, later(2 * HOLD_MS))));
      expect(takeovers.filter(Boolean), 'takeovers at the hold\'s end').to.have.length(1);
      expect(await kit.notifications.claim(reminder('died'), later(HOLD_MS + 1), later(2 * HOLD_MS)), 'held again by the new taker').to.equal(false);
      expect(await kit.notifications.claim(reminder('sent'), later(100 * HOLD_MS), later(101 * HOLD_MS)), 'sent, however late').to.equal(false);
    });

    it('tells which keys of a batch are taken at a moment, matching membership, period, kind and attempt: sent ones, and held ones inside their hold', async () => {
      await kit.notifications.claim(reminder('m1'), AT, UNTIL);
      await kit.notifications.sent(reminder('m1'), AT);
      await kit.notifications.claim(reminder('m2', 3), AT, UNTIL);
      await kit.notifications.claim({ ...reminder('m3'), kind: 'receipt' }, AT, UNTIL);
      const asked = [reminder('m1'), reminder('m2'), reminder('m2', 3), reminder('m3'), reminder('m4')];
      expect(await kit.notifications.taken(asked, AT)).to.deep.equal([reminder('m1'), reminder('m2', 3)]);
      expect(await kit.notifications.taken(asked, UNTIL), 'the hold of m2 ran out unsent').to.deep.equal([reminder('m1')]);
      expect(await kit.notifications.taken([], AT)).to.deep.equal([]);
    });
    const receipt = (membershipId: string, periodNo = 1): NotificationKey => ({ membershipId, periodNo, kind: 'receipt', attempt: 0 });

    it('takes every free key of a batch at once, and of a batch with taken keys exactly those claim would take', async () => {
      const batch = [receipt('r1'), receipt('r2'), receipt('r2', 2), failure('r1', 1, 1)];
      expect(await kit.notifications.claimEach(batch, AT, UNTIL)).to.deep.equal(batch);
      expect(await kit.notifications.taken(batch, AT), 'all held').to.deep.equal(batch);
      expect(await kit.notifications.claimEach([], AT, UNTIL)).to.deep.equal([]);

      await kit.notifications.sentEach([receipt('r1'), receipt('r2', 2)], later(1000));
      expect(await kit.notifications.isSent(receipt('r1'))).to.equal(true);
      expect(await kit.notifications.isSent(receipt('r2', 2))).to.equal(true);
      expect(await kit.notifications.isSent(receipt('r2')), 'not in the sent list: still held').to.equal(false);
      await kit.notifications.sentEach([], later(1000));

      // r1 sent, r2 held within its hold, failure(r1,1,1) held and run out, r3 free.
      const mixed = [receipt('r1'), receipt('r2'), failure('r1', 1, 1), receipt('r3')];
      expect(await kit.notifications.claimEach(mixed, later(HOLD_MS - 1), later(2 * HOLD_MS)), 'inside the holds').to.deep.equal([receipt('r3')]);
      expect(await kit.notifications.claimEach([...mixed, receipt('r4')], UNTIL, later(2 * HOLD_MS)), 'the holds ran out unsent')
        .to.deep.equal([receipt('r2'), failure('r1', 1, 1), receipt('r4')]);
      expect(await kit.notifications.claim(receipt('r1'), later(100 * HOLD_MS), later(101 * HOLD_MS)), 'sent, however late').to.equal(false);
    });

    it('gives each key of overlapping batches taken at once to one caller', async () => {
      const keys = Array.from({ length: 6 }, (_, i) => receipt(`o${i}`));
      const answers = await Promise.all([keys.slice(0, 4), keys.slice(2), keys, [keys[5], keys[0]]].map((batch) => kit.notifications.claimEach(batch, AT, UNTIL)));
      const taken = answers.flat().map((k) => k.membershipId).sort();
      expect(taken).to.deep.equal(keys.map((k) => k.membershipId).sort());
    });
  });
}
