import type { Clock } from '../../shared/application/clock.port';
import type { RateLimiter } from '../../shared/application/rate-limiter.port';
import type { User } from '../domain/user.entity';
import { LOGIN_FAILURE_LIMIT, LOGIN_FAILURE_WINDOW_MS, loginFailureKey } from './account-limits';
import { TooManyAttemptsError, UnauthenticatedError, WrongPasswordError } from './identity.errors';
import type { PasswordHasher } from './password-hasher.port';
import type { UserRepository } from './user-repository.port';

export interface ConfirmPasswordInput {
  userId: string;
  password: string;
  ip: string;
}

/**
 * The password asked again before a write that cannot be undone (account deletion). Wrong ones
 * count with failed logins for (IP, email) and hit the same limit (429 too_many_attempts).
 */
export class ConfirmPassword {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly limiter: RateLimiter,
    private readonly clock: Clock,
  ) {}

  async execute(input: ConfirmPasswordInput): Promise<User> {
    const user = await this.users.findById(input.userId);
    if (!user) throw new UnauthenticatedError();
    const key = loginFailureKey(input.ip, user.email);
    if ((await this.limiter.count(key, LOGIN_FAILURE_WINDOW_MS, this.clock.now())) >= LOGIN_FAILURE_LIMIT) {
      throw new TooManyAttemptsError('too many wrong passwords; try again later');
    }
    if (!(await this.hasher.verify(input.password, user.passwordHash))) {
      await this.limiter.hit(key, this.clock.now());
      throw new WrongPasswordError();
    }
    return user;
  }
}
