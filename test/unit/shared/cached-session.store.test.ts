import { expect } from 'chai';
import { REVOKED_SESSIONS_KEPT_MS, type SessionStore, type StoredSession } from '../../../src/shared/application/session-store.port';
import { CachedSessionStore } from '../../../src/shared/infrastructure/cached-session.store';
import { MemorySessionStore } from '../../../src/shared/infrastructure/memory/memory-session.store';

const DELAY = 2000;
const START = Date.UTC(2026, 10, 25, 9, 0, 0);

/** The shared store two instances use (the database), counting what they ask of it. */
class CountingStore implements SessionStore {
  reads = 0;
  looks = 0;
  constructor(private readonly inner: SessionStore) {}
  get(id: string, now: Date) { this.reads += 1; return this.inner.get(id, now); }
  set(id: string, session: StoredSession) { return this.inner.set(id, session); }
  destroy(id: string) { return this.inner.destroy(id); }
  destroyForUser(userId: string) { return this.inner.destroyForUser(userId); }
  revokedSince(since: Date) { this.looks += 1; return this.inner.revokedSince(since); }
  purgeExpired(now: Date) { return this.inner.purgeExpired(now); }
}

describe('CachedSessionStore: sessions kept per instance, revocations looked up at most every 2 s', () => {
  let t: number;
  let store: CountingStore;
  let here: CachedSessionStore;
  let elsewhere: CachedSessionStore;
  const now = () => new Date(t);
  const session = (userId: string | null, data: Record<string, unknown> = { userId }): StoredSession => ({ data, userId, expiresAt: new Date(START + 7 * 24 * 3600_000) });
  const later = (ms: number) => { t += ms; };

  beforeEach(() => {
    t = START;
    store = new CountingStore(new MemorySessionStore(now));
    here = new CachedSessionStore(store, { revocationDelayMs: DELAY, now: () => t });
    elsewhere = new CachedSessionStore(store, { revocationDelayMs: DELAY, now: () => t });
  });

  it('answers a session it wrote or read without reading the store again, within the delay and, after one look, past it', async () => {
    await here.set('s1', session('u1'));
    expect(await here.get('s1', now())).to.deep.equal(session('u1'));
    expect(await elsewhere.get('s1', now())).to.deep.equal(session('u1'));
    expect(await elsewhere.get('s1', now())).to.deep.equal(session('u1'));
    expect(store.reads, 'the other instance read it once').to.equal(1);
    later(DELAY + 1);
    expect(await here.get('s1', now())).to.deep.equal(session('u1'));
    expect(await here.get('s1', now())).to.deep.equal(session('u1'));
    expect([store.reads, store.looks]).to.deep.equal([1, 1]);
  });

  it('a session destroyed here is gone here at once, and on another instance within the delay', async () => {
    await here.set('s1', session('u1'));
    expect(await elsewhere.get('s1', now())).to.not.equal(null);
    await here.destroy('s1');
    expect(await here.get('s1', now())).to.equal(null);
    later(DELAY);
    expect(await elsewhere.get('s1', now()), 'still within the delay').to.not.equal(null);
    later(1);
    expect(await elsewhere.get('s1', now()), 'past it').to.equal(null);
    expect(await elsewhere.get('s1', now())).to.equal(null);
  });

  it("an account's sessions destroyed on another instance are refused here past the delay; another user's are not", async () => {
    for (const [id, userId] of [['a1', 'u1'], ['a2', 'u1'], ['b1', 'u2']]) {
      await elsewhere.set(id, session(userId));
      expect(await here.get(id, now())).to.not.equal(null);
    }
    later(500);
    await elsewhere.destroyForUser('u1');
    expect(await elsewhere.get('a1', now())).to.equal(null);
    later(DELAY);
    expect(await here.get('a1', now())).to.equal(null);
    expect(await here.get('a2', now())).to.equal(null);
    expect(await here.get('b1', now())).to.deep.equal(session('u2'));
  });

  it('one look serves every session kept: requests waiting at once share it', async () => {
    for (const id of ['s1', 's2', 's3']) await here.set(id, session(id));
    later(DELAY + 1);
    const answers = await Promise.all(['s1', 's2', 's3'].map((id) => here.get(id, now())));
    expect(answers.map((a) => a?.userId)).to.deep.equal(['s1', 's2', 's3']);
    expect(store.looks).to.equal(1);
  });

  it('a look reaches back past its last one, so a revocation stamped by a clock 30 s behind is still seen', async () => {
    const behind = new CountingStore(new MemorySessionStore(() => new Date(t - 30_000)));
    const revoking = new CachedSessionStore(behind, { revocationDelayMs: DELAY, now: () => t });
    const keeping = new CachedSessionStore(behind, { revocationDelayMs: DELAY, now: () => t });
    await revoking.set('x', session('u9'));
    expect(await keeping.get('x', now())).to.not.equal(null);
    later(DELAY + 1);
    expect(await keeping.get('x', now()), 'looked: nothing revoked yet').to.not.equal(null);
    await revoking.destroy('x'); // stamped 30 s before that look began
    later(DELAY + 1);
    expect(await keeping.get('x', now())).to.equal(null);
  });

  it('answers no expired session, and none that a late write would bring back after it was revoked', async () => {
    await here.set('old', { data: {}, userId: 'u1', expiresAt: new Date(START + 1000) });
    later(1000);
    expect(await here.get('old', now())).to.equal(null);

    await here.set('s1', session('u1'));
    await elsewhere.get('s1', now());
    await here.destroy('s1');
    later(DELAY + 1);
    expect(await elsewhere.get('s1', now())).to.equal(null);
    // A request served just before kept the session and writes it now (koa-session renewing it): still revoked.
    await elsewhere.set('s1', session('u1', { userId: 'u1', renewed: true }));
    expect(await elsewhere.get('s1', now())).to.equal(null);
    expect(await store.get('s1', now()), 'the store keeps it revoked too').to.equal(null);
  });

  it('after longer without a look than the store keeps revocations, forgets every session rather than look', async () => {
    await here.set('s1', session('u1'));
    await here.destroy('s1');
    await elsewhere.set('s2', session('u2'));
    expect(await here.get('s2', now())).to.not.equal(null);
    later(REVOKED_SESSIONS_KEPT_MS);
    const reads = store.reads;
    expect(await here.get('s2', now())).to.deep.equal(session('u2'));
    expect(store.looks, 'no look').to.equal(0);
    expect(store.reads, 'read again').to.equal(reads + 1);
  });

  it('keeps at most maxEntries sessions, dropping the least recently used', async () => {
    const small = new CachedSessionStore(store, { maxEntries: 2, now: () => t });
    for (const id of ['s1', 's2', 's3']) await small.set(id, session(id));
    expect(await small.get('s3', now())).to.not.equal(null);
    expect(await small.get('s2', now())).to.not.equal(null);
    expect(store.reads).to.equal(0);
    expect(await small.get('s1', now())).to.not.equal(null);
    expect(store.reads, 's1 was dropped and read again').to.equal(1);
  });
});
