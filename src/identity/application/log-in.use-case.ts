import type { Clock } from '../../shared/application/clock.port';
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
    const key = loginFailureKey(input.ip, email);
    if ((await this.limiter.count(key, LOGIN_FAILURE_WINDOW_MS, this.clock.now())) >= LOGIN_FAILURE_LIMIT) {
      throw new TooManyAttemptsError('too many failed logins; try again later');
    }
    const user = await this.users.findByEmail(email);
    const matches = user
      ? await this.hasher.verify(input.password, user.passwordHash)
      : (await this.hasher.verify(input.password, await this.dummy()), false);
    if (!user || !matches) {
      await this.limiter.hit(key, this.clock.now());
      throw new InvalidCredentialsError();
    }
    return user;
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= this.hasher.hash('not a password anyone has');
    return this.dummyHash;
  }
}
