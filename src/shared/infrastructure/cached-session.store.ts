import { REVOKED_SESSIONS_KEPT_MS, type SessionStore, type StoredSession } from '../application/session-store.port';

/** How long a logout or an account's deletion on another instance may take to reach this one. */
export const SESSION_REVOCATION_DELAY_MS = 2000;

export interface SessionCacheSettings {
  revocationDelayMs: number;
  /** Sessions kept in memory at most; the least recently used go first. */
  maxEntries: number;
  /** How far before its last look a look at the revocations reaches back: other instances' clocks, and a revocation's commit after its time. */
  lookBackMs: number;
  /** Real time in ms, as revocations are stamped (never the business clock). */
  now: () => number;
}

const DEFAULTS: SessionCacheSettings = { revocationDelayMs: SESSION_REVOCATION_DELAY_MS, maxEntries: 10_000, lookBackMs: 60_000, now: Date.now };

interface Entry {
  session: StoredSession;
  /** When its read from the store (or its write) began: revocations before that are in it. */
  loadedAt: number;
}

/**
 * The session store with this process's sessions kept in memory, so most requests read none (issue 16).
 * A session destroyed here is gone at once. One destroyed on another instance reaches this one within
 * `revocationDelayMs`: a kept session is answered only while this process has looked at the store's
 * revocations (SessionStore.revokedSince) since `revocationDelayMs` ago, or loaded it since; otherwise
 * the request looks first: one statement, shared by the requests waiting then, that serves every kept
 * session for the next `revocationDelayMs`. Expiry is checked on every answer.
 */
export class CachedSessionStore implements SessionStore {
  private readonly settings: SessionCacheSettings;
  private readonly entries = new Map<string, Entry>();
  /** Ids known revoked (looked up, or destroyed here), with when: a late `set` of one must not keep it. */
  private readonly revoked = new Map<string, number>();
  /** When the last look at the revocations began (at first, when this process began: none kept before). */
  private checkedAt: number;
  private checking: Promise<void> | null = null;

  constructor(
    private readonly store: SessionStore,
    settings: Partial<SessionCacheSettings> = {},
  ) {
    this.settings = { ...DEFAULTS, ...settings };
    this.checkedAt = this.settings.now();
  }

  async get(id: string, now: Date): Promise<StoredSession | null> {
    const kept = this.entries.get(id);
    if (kept && kept.session.expiresAt > now) {
      if (Math.max(kept.loadedAt, this.checkedAt) < this.settings.now() - this.settings.revocationDelayMs) await this.checkRevocations();
      const current = this.entries.get(id);
      if (current) {
        this.keep(id, current);
        return copy(current.session);
      }
    } else if (kept) {
      this.entries.delete(id);
    }
    if (this.revoked.has(id)) return null;
    const loadedAt = this.settings.now();
    const session = await this.store.get(id, now);
    if (session && !this.revoked.has(id)) this.keep(id, { session: copy(session), loadedAt });
    return session;
  }

  async set(id: string, session: StoredSession): Promise<void> {
    const writtenAt = this.settings.now();
    await this.store.set(id, session);
    if (this.revoked.has(id)) return;
    // A session kept already stays as fresh as it was: a revocation since must still be looked for.
    this.keep(id, { session: copy(session), loadedAt: this.entries.get(id)?.loadedAt ?? writtenAt });
  }

  async destroy(id: string): Promise<void> {
    this.forget(id);
    await this.store.destroy(id);
  }

  async destroyForUser(userId: string): Promise<void> {
    this.forgetUser(userId);
    await this.store.destroyForUser(userId);
    // Any read while the store revoked them: they are gone now.
    this.forgetUser(userId);
  }

  async revokedSince(since: Date): Promise<string[]> {
    return this.store.revokedSince(since);
  }

  async purgeExpired(now: Date): Promise<number> {
    return this.store.purgeExpired(now);
  }

  /** Looks at the revocations since the last look (one at a time; callers meanwhile wait for it). */
  checkRevocations(): Promise<void> {
    this.checking ??= this.lookAtRevocations().finally(() => {
      this.checking = null;
    });
    return this.checking;
  }

  private async lookAtRevocations(): Promise<void> {
    const startedAt = this.settings.now();
    const { lookBackMs } = this.settings;
    if (startedAt - this.checkedAt > REVOKED_SESSIONS_KEPT_MS - lookBackMs) {
      // So long without a look that the store may have deleted revocations since: forget everything instead.
      this.entries.clear();
      this.revoked.clear();
    } else {
      for (const id of await this.store.revokedSince(new Date(this.checkedAt - lookBackMs))) this.forget(id, startedAt);
      for (const [id, at] of this.revoked) if (at < startedAt - REVOKED_SESSIONS_KEPT_MS) this.revoked.delete(id);
    }
    this.checkedAt = startedAt;
  }

  private keep(id: string, entry: Entry): void {
    this.entries.delete(id);
    this.entries.set(id, entry);
    if (this.entries.size > this.settings.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  private forget(id: string, at = this.settings.now()): void {
    this.entries.delete(id);
    if (!this.revoked.has(id)) this.revoked.set(id, at);
  }

  private forgetUser(userId: string): void {
    for (const [id, entry] of this.entries) if (entry.session.userId === userId) this.forget(id);
  }
}

function copy(session: StoredSession): StoredSession {
  return { data: structuredClone(session.data), userId: session.userId, expiresAt: session.expiresAt };
}
