/** Server-side session data; the cookie only carries a random id. */
export interface StoredSession {
  data: Record<string, unknown>;
  /** The logged-in user, kept beside the data so a user's sessions can be found and removed. */
  userId: string | null;
  expiresAt: Date;
}

/**
 * Where sessions live (the database in production), so any instance behind a load balancer can
 * read them. Ids reach the store already hashed: a leaked table holds no usable cookie.
 *
 * A destroyed session is revoked: never answered again, and listed by `revokedSince` for a while
 * (REVOKED_SESSIONS_KEPT_MS), so every instance's session cache learns of it (CachedSessionStore).
 */
export interface SessionStore {
  /** The session, or null when unknown, revoked or expired at `now`. */
  get(id: string, now: Date): Promise<StoredSession | null>;
  /** Inserts or replaces; a revoked id stays revoked. */
  set(id: string, session: StoredSession): Promise<void>;
  /** Revokes one session (logout). */
  destroy(id: string): Promise<void>;
  /** Revokes every session of a user (account deletion). */
  destroyForUser(userId: string): Promise<void>;
  /** The ids revoked at or after `since` (by this process's clock or another's), while they are kept. */
  revokedSince(since: Date): Promise<string[]>;
  /** Deletes sessions expired at `now`, and those revoked more than REVOKED_SESSIONS_KEPT_MS before it; answers how many. */
  purgeExpired(now: Date): Promise<number>;
}

/** How long a revoked session stays listed by `revokedSince` before housekeeping deletes it. */
export const REVOKED_SESSIONS_KEPT_MS = 60 * 60 * 1000;
