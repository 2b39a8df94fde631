import type { Clock } from '../../shared/application/clock.port';
import { LimitedAttempt } from '../../shared/application/limited-attempt';
import type { RateLimiter } from '../../shared/application/rate-limiter.port';
import type { User } from '../domain/user.entity';
import { LOGIN_FAILURE_LIMIT, LOGIN_FAILURE_WINDOW_MS, loginFailureKey, normaliseEmail } from './account-limits';
import { InvalidCredentialsError, TooManyAttemptsError } from './identity.errors';
import type { PasswordHasher } from './password-hasher.port';
import type { UserRepository } from './user-repository.port';

export interface LogInInput {
  email: string;
  password: string;
  ip: string;
}

/**
 * Checks the password. After LOGIN_FAILURE_LIMIT failures for one (IP, email) inside the window,
 * every attempt is refused until the window has passed (a right password included; a success
 * never resets the count). An unknown email costs a hash too, so timing does not reveal accounts.
 *
 * Each attempt counts before its password is checked, and a right one is taken back after: of
 * attempts sent at once, at most LOGIN_FAILURE_LIMIT are ever checked (an attempt being checked
 * holds its place, so one sent alongside a full window's worth is refused).
 */
export class LogIn {
  private dummyHash: Promise<string> | null = null;

  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly limiter: RateLimiter,
    private readonly clock: Clock,
  ) {}

  async execute(input: LogInInput): Promise<User> {
    const email = normaliseEmail(input.email);
    const attempt = await LimitedAttempt.take(this.limiter, loginFailureKey(input.ip, email), LOGIN_FAILURE_LIMIT, LOGIN_FAILURE_WINDOW_MS, this.clock.now());
    if (!attempt) throw new TooManyAttemptsError('too many failed logins; try again later');
    const user = await attempt.run(() => this.check(email, input.password));
    // A wrong password keeps its place: that is the failure counted.
    if (!user) throw new InvalidCredentialsError();
    await attempt.giveBack();
    return user;
  }

  /** The user whose password this is, or null. */
  private async check(email: string, password: string): Promise<User | null> {
    const user = await this.users.findByEmail(email);
    if (!user) {
      await this.hasher.verify(password, await this.dummy());
      return null;
    }
    return (await this.hasher.verify(password, user.passwordHash)) ? user : null;
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= this.hasher.hash('not a password anyone has');
    return this.dummyHash;
  }
}
