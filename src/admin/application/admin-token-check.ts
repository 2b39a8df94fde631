import { TooManyAttemptsError } from '../../identity/identity.api';
import type { Clock } from '../../shared/application/clock.port';
import { LimitedAttempt } from '../../shared/application/limited-attempt';
import type { RateLimiter } from '../../shared/application/rate-limiter.port';
import { SecretToken } from '../../shared/application/secret-token';
import { DomainError } from '../../shared/domain/domain-error';

const FAILURE_WINDOW_MS = 15 * 60 * 1000;
const FAILURE_LIMIT = 10;

export class WrongAdminTokenError extends DomainError {
  constructor() {
    super('unauthenticated', 'unauthenticated', 'the admin token is wrong');
  }
}

/**
 * ADMIN_TOKEN compared under one limit per client address, wherever it is presented (the console's
 * login, the admin API's bearer token): 10 wrong tokens per 15 minutes, then every token answers
 * 429, the right one too, so a guesser cannot try more tokens through another door. The attempt
 * takes its place before the comparison and gives it back for the right token: of tokens sent at
 * once at most 10 are ever compared, and the right token never uses up the limit.
 */
export class AdminTokenCheck {
  private readonly adminToken: SecretToken;

  constructor(
    adminToken: string,
    private readonly limiter: RateLimiter,
    private readonly systemClock: Clock,
  ) {
    this.adminToken = new SecretToken(adminToken);
  }

  /** Throws TooManyAttemptsError while the address is at its limit, WrongAdminTokenError for a wrong token. */
  async verify(token: string, ip: string): Promise<void> {
    const attempt = await LimitedAttempt.take(this.limiter, `console-login:${ip}`, FAILURE_LIMIT, FAILURE_WINDOW_MS, this.systemClock.now());
    if (!attempt) throw new TooManyAttemptsError('too many wrong admin tokens; try again later');
    if (!this.adminToken.matches(token)) throw new WrongAdminTokenError();
    await attempt.giveBack();
  }
}
