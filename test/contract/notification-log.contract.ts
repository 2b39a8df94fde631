import { expect } from 'chai';
import type { NotificationKey } from '../../src/billing/application/notification-log.port';
import type { PersistenceKit } from '../support/persistence-adapters';

const AT = new Date('2026-11-25T09:00:00.000Z');
const reminder = (membershipId: string, periodNo = 2): NotificationKey => ({ membershipId, periodNo, kind: 'renewal_reminder' });

/** The NotificationLog port: the guard that sends each notice once per (membership, period, kind). */
export function notificationLogContract(open: () => Promise<PersistenceKit>): void {
  describe('NotificationLog', () => {
    let kit: PersistenceKit;
    beforeEach(async () => {
      kit = await open();
    });

    it('lets one caller take a key, even among concurrent ones', async () => {
      const outcomes = await Promise.all(Array.from({ length: 5 }, () => kit.notifications.claim(reminder('m1'), AT)));
      expect(outcomes.filter(Boolean)).to.have.length(1);
      expect(await kit.notifications.claim(reminder('m1', 3), AT)).to.equal(true);
      expect(await kit.notifications.claim({ ...reminder('m1'), kind: 'receipt' }, AT)).to.equal(true);
    });

    it('gives a released key to the next caller', async () => {
      await kit.notifications.claim(reminder('m1'), AT);
      await kit.notifications.release(reminder('m1'));
      expect(await kit.notifications.claim(reminder('m1'), AT)).to.equal(true);
    });

    it('tells which keys of a batch are taken, matching membership, period and kind', async () => {
      await kit.notifications.claim(reminder('m1'), AT);
      await kit.notifications.claim(reminder('m2', 3), AT);
      await kit.notifications.claim({ ...reminder('m3'), kind: 'receipt' }, AT);
      const asked = [reminder('m1'), reminder('m2'), reminder('m2', 3), reminder('m3'), reminder('m4')];
      expect(await kit.notifications.taken(asked)).to.deep.equal([reminder('m1'), reminder('m2', 3)]);
      expect(await kit.notifications.taken([])).to.deep.equal([]);
    });
  });
}
