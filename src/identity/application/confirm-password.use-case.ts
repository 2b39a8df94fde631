import type { Clock } from '../../shared/application/clock.port';
import { LimitedAttempt } from '../../shared/application/limited-attempt';
import type { RateLimiter } from '../../shared/application/rate-limiter.port';
import type { User } from '../domain/user.entity';
import { LOGIN_FAILURE_LIMIT, LOGIN_FAILURE_WINDOW_MS, loginFailureKey } from './account-limits';
import { TooManyAttemptsError, WrongPasswordError } from './identity.errors';
import { sessionUser } from './session-user';
import type { PasswordHasher } from './password-hasher.port';
import type { UserRepository } from './user-repository.port';

export interface ConfirmPasswordInput {
  userId: string;
  password: string;
  ip: string;
}

/**
 * The password asked again before a write that cannot be undone (account deletion). Wrong ones
 * count with failed logins for (IP, email) and hit the same limit (429 too_many_attempts), counted
 * before the password is checked as LogIn does, so wrong ones sent at once cannot pass it.
 */
export class ConfirmPassword {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly limiter: RateLimiter,
    private readonly clock: Clock,
  ) {}

  async execute(input: ConfirmPasswordInput): Promise<User> {
    const user = await sessionUser(this.users, input.userId);
    const attempt = await LimitedAttempt.take(this.limiter, loginFailureKey(input.ip, user.email), LOGIN_FAILURE_LIMIT, LOGIN_FAILURE_WINDOW_MS, this.clock.now());
    if (!attempt) throw new TooManyAttemptsError('too many wrong passwords; try again later');
    // A wrong password keeps its place (the failure counted); a right one gives it back.
    if (!(await attempt.run(() => this.hasher.verify(input.password, user.passwordHash)))) throw new WrongPasswordError();
    await attempt.giveBack();
    return user;
  }
}
