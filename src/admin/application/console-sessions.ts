import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { TooManyAttemptsError } from '../../identity/identity.api';
import type { Clock } from '../../shared/application/clock.port';
import { LimitedAttempt } from '../../shared/application/limited-attempt';
import type { RateLimiter } from '../../shared/application/rate-limiter.port';
import type { SessionStore } from '../../shared/application/session-store.port';
import { DomainError } from '../../shared/domain/domain-error';

/** A console session lasts a working day; the operator enters the token again after. */
export const CONSOLE_SESSION_MS = 8 * 60 * 60 * 1000;
const FAILURE_WINDOW_MS = 15 * 60 * 1000;
const FAILURE_LIMIT = 10;

export interface ConsoleSession {
  operator: string;
  expiresAt: Date;
}

export class WrongAdminTokenError extends DomainError {
  constructor() {
    super('unauthenticated', 'unauthenticated', 'the admin token is wrong');
  }
}

/** The store sees a hash of the cookie's id, as for the members' sessions. */
const storedId = (cookieId: string) => `console:${createHash('sha256').update(cookieId).digest('base64url')}`;

/**
 * The operator console's sessions: ADMIN_TOKEN entered once opens one (kept server-side in the
 * session store, with the operator's name for the audit record); wrong tokens are limited per
 * client address like failed logins. Expiry runs on real time, as the members' sessions do.
 */
export class ConsoleSessions {
  private readonly expected: Buffer;

  constructor(
    adminToken: string,
    private readonly store: SessionStore,
    private readonly limiter: RateLimiter,
    private readonly systemClock: Clock,
  ) {
    this.expected = Buffer.from(adminToken);
  }

  /** Answers the new session's cookie id. */
  async open(input: { token: string; operator: string; ip: string }): Promise<{ cookieId: string; session: ConsoleSession }> {
    const now = this.systemClock.now();
    // Counted before the comparison, given back for the right token: tries sent at once cannot pass the limit.
    const attempt = await LimitedAttempt.take(this.limiter, `console-login:${input.ip}`, FAILURE_LIMIT, FAILURE_WINDOW_MS, now);
    if (!attempt) throw new TooManyAttemptsError('too many wrong tokens; try again later');
    const presented = Buffer.from(input.token);
    if (presented.length !== this.expected.length || !timingSafeEqual(presented, this.expected)) throw new WrongAdminTokenError();
    await attempt.giveBack();
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
