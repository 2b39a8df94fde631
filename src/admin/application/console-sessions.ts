import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../shared/application/clock.port';
import type { RateLimiter } from '../../shared/application/rate-limiter.port';
import type { SessionStore } from '../../shared/application/session-store.port';
import { AdminTokenCheck } from './admin-token-check';

/** A console session lasts a working day; the operator enters the token again after. */
export const CONSOLE_SESSION_MS = 8 * 60 * 60 * 1000;

export interface ConsoleSession {
  operator: string;
  expiresAt: Date;
}

/** The store sees a hash of the cookie's id, as for the members' sessions. */
const storedId = (cookieId: string) => `console:${createHash('sha256').update(cookieId).digest('base64url')}`;

/**
 * The operator console's sessions: ADMIN_TOKEN entered once opens one (kept server-side in the
 * session store, with the operator's name for the audit record); wrong tokens are limited per
 * client address, together with the admin API's bearer tokens (AdminTokenCheck). Expiry runs on
 * real time, as the members' sessions do.
 */
export class ConsoleSessions {
  private readonly adminToken: AdminTokenCheck;

  constructor(
    adminToken: string,
    private readonly store: SessionStore,
    limiter: RateLimiter,
    private readonly systemClock: Clock,
  ) {
    this.adminToken = new AdminTokenCheck(adminToken, limiter, systemClock);
  }

  /** Answers the new session's cookie id. */
  async open(input: { token: string; operator: string; ip: string }): Promise<{ cookieId: string; session: ConsoleSession }> {
    await this.adminToken.verify(input.token, input.ip);
    const now = this.systemClock.now();
    const cookieId = randomBytes(32).toString('base64url');
    const session = { operator: input.operator, expiresAt: new Date(now.getTime() + CONSOLE_SESSION_MS) };
    await this.store.set(storedId(cookieId), { data: { console: true, operator: session.operator }, userId: null, expiresAt: session.expiresAt });
    return { cookieId, session };
  }

  async find(cookieId: string): Promise<ConsoleSession | null> {
    const stored = await this.store.get(storedId(cookieId), this.systemClock.now());
    if (!stored || stored.data.console !== true || typeof stored.data.operator !== 'string') return null;
    return { operator: stored.data.operator, expiresAt: stored.expiresAt };
  }

  async close(cookieId: string): Promise<void> {
    await this.store.destroy(storedId(cookieId));
  }
}
