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
 */
export interface SessionStore {
  /** The session, or null when unknown or expired at `now`. */
  get(id: string, now: Date): Promise<StoredSession | null>;
  /** Inserts or replaces. */
  set(id: string, session: StoredSession): Promise<void>;
  destroy(id: string): Promise<void>;
  /** Removes every session of a user (password change, account removal). */
  destroyForUser(userId: string): Promise<void>;
  /** Deletes sessions expired at `now`; answers how many. */
  purgeExpired(now: Date): Promise<number>;
}
