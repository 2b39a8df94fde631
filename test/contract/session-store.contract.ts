import { expect } from 'chai';
import { REVOKED_SESSIONS_KEPT_MS, type SessionStore, type StoredSession } from '../../src/shared/application/session-store.port';

export interface SessionStoreKit {
  sessions: SessionStore;
  close(): Promise<void>;
}

const NOW = new Date('2026-11-25T09:00:00.000Z');
const session = (userId: string | null, hours = 24): StoredSession => ({ data: { userId, n: 1 }, userId, expiresAt: new Date(NOW.getTime() + hours * 3600_000) });

/**
 * The SessionStore port as the memory adapter defines it: a destroyed session is revoked, answered no
 * more and listed as revoked until housekeeping deletes it, so other instances' caches learn of it.
 */
export function sessionStoreContract(name: string, open: (revokedAt: () => Date) => Promise<SessionStoreKit>): void {
  describe(`SessionStore: ${name}`, () => {
    let kit: SessionStoreKit;
    let clock: Date;
    beforeEach(async () => {
      clock = NOW;
      kit = await open(() => clock);
    });
    afterEach(async () => {
      await kit.close();
    });

    it('revokes a session on destroy and a user\'s sessions on destroyForUser; lists them as revoked since a time; a revoked id stays revoked when set again', async () => {
      for (const [id, userId] of [['a', 'u1'], ['b', 'u1'], ['c', 'u2'], ['d', null]] as const) await kit.sessions.set(id, session(userId));
      expect(await kit.sessions.get('a', NOW)).to.deep.equal(session('u1'));
      clock = new Date(NOW.getTime() + 1000);
      await kit.sessions.destroy('d');
      clock = new Date(NOW.getTime() + 2000);
      await kit.sessions.destroyForUser('u1');
      for (const id of ['a', 'b', 'd']) expect(await kit.sessions.get(id, NOW), id).to.equal(null);
      expect(await kit.sessions.get('c', NOW)).to.deep.equal(session('u2'));
      expect((await kit.sessions.revokedSince(NOW)).sort()).to.deep.equal(['a', 'b', 'd']);
      expect((await kit.sessions.revokedSince(new Date(NOW.getTime() + 1500))).sort()).to.deep.equal(['a', 'b']);
      // Destroying again keeps the first time.
      clock = new Date(NOW.getTime() + 9000);
      await kit.sessions.destroy('d');
      expect(await kit.sessions.revokedSince(new Date(NOW.getTime() + 1500))).to.not.include('d');
      await kit.sessions.set('a', session('u1', 48));
      expect(await kit.sessions.get('a', NOW), 'set again: still revoked').to.equal(null);
    });

    it('purges expired sessions and those revoked longer ago than they are kept, not those revoked since', async () => {
      await kit.sessions.set('expired', session(null, -1));
      await kit.sessions.set('old', session('u1'));
      await kit.sessions.set('recent', session('u2'));
      await kit.sessions.set('live', session('u3'));
      await kit.sessions.destroy('old');
      clock = new Date(NOW.getTime() + 1000);
      await kit.sessions.destroy('recent');
      expect(await kit.sessions.purgeExpired(new Date(NOW.getTime() + REVOKED_SESSIONS_KEPT_MS))).to.equal(2);
      expect(await kit.sessions.revokedSince(NOW)).to.deep.equal(['recent']);
      expect(await kit.sessions.get('live', NOW)).to.deep.equal(session('u3'));
    });
  });
}
