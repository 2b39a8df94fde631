import type { SessionStore, StoredSession } from '../../application/session-store.port';

export class MemorySessionStore implements SessionStore {
  private readonly sessions = new Map<string, StoredSession>();

  async get(id: string, now: Date): Promise<StoredSession | null> {
    const session = this.sessions.get(id);
    if (!session || session.expiresAt <= now) return null;
    return { ...session, data: structuredClone(session.data) };
  }

  async set(id: string, session: StoredSession): Promise<void> {
    this.sessions.set(id, { ...session, data: structuredClone(session.data) });
  }

  async destroy(id: string): Promise<void> {
    this.sessions.delete(id);
  }

  async destroyForUser(userId: string): Promise<void> {
    for (const [id, session] of this.sessions) if (session.userId === userId) this.sessions.delete(id);
  }

  async purgeExpired(now: Date): Promise<number> {
    let purged = 0;
    for (const [id, session] of this.sessions) {
      if (session.expiresAt <= now) {
        this.sessions.delete(id);
        purged += 1;
      }
    }
    return purged;
  }

  /** For tests: how many sessions exist. */
  size(): number {
    return this.sessions.size;
  }
}
