import { REVOKED_SESSIONS_KEPT_MS, type SessionStore, type StoredSession } from '../../application/session-store.port';

interface Kept extends StoredSession {
  revokedAt: Date | null;
}

export class MemorySessionStore implements SessionStore {
  private readonly sessions = new Map<string, Kept>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  async get(id: string, now: Date): Promise<StoredSession | null> {
    const session = this.sessions.get(id);
    if (!session || session.revokedAt || session.expiresAt <= now) return null;
    return { data: structuredClone(session.data), userId: session.userId, expiresAt: session.expiresAt };
  }

  async set(id: string, session: StoredSession): Promise<void> {
    const revokedAt = this.sessions.get(id)?.revokedAt ?? null;
    this.sessions.set(id, { ...session, data: structuredClone(session.data), revokedAt });
  }

  async destroy(id: string): Promise<void> {
    const session = this.sessions.get(id);
    if (session && !session.revokedAt) session.revokedAt = this.now();
  }

  async destroyForUser(userId: string): Promise<void> {
    for (const session of this.sessions.values()) if (session.userId === userId && !session.revokedAt) session.revokedAt = this.now();
  }

  async revokedSince(since: Date): Promise<string[]> {
    return [...this.sessions].filter(([, s]) => s.revokedAt && s.revokedAt >= since).map(([id]) => id);
  }

  async purgeExpired(now: Date): Promise<number> {
    const revokedBefore = now.getTime() - REVOKED_SESSIONS_KEPT_MS;
    let purged = 0;
    for (const [id, session] of this.sessions) {
      if (session.expiresAt <= now || (session.revokedAt && session.revokedAt.getTime() <= revokedBefore)) {
        this.sessions.delete(id);
        purged += 1;
      }
    }
    return purged;
  }
}
