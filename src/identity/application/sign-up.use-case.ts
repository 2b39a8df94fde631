import type { Clock } from '../../shared/application/clock.port';
import type { IdGenerator } from '../../shared/application/id-generator.port';
import { LimitedAttempt } from '../../shared/application/limited-attempt';
import type { RateLimiter } from '../../shared/application/rate-limiter.port';
import type { UnitOfWork } from '../../shared/application/unit-of-work.port';
import type { Language } from '../../shared/domain/language';
import type { User } from '../domain/user.entity';
import { MIN_PASSWORD_LENGTH, SIGNUP_LIMIT, SIGNUP_WINDOW_MS, normaliseEmail, signupKey } from './account-limits';
import { PasswordTooShortError, TooManyAttemptsError } from './identity.errors';
import type { PasswordHasher } from './password-hasher.port';
import type { UserRepository } from './user-repository.port';

export interface SignUpInput {
  email: string;
  password: string;
  name: string;
  /** E.164, already normalised by the edge; absent or null when none was given. */
  phone?: string | null;
  ip: string;
  language: Language;
}

/**
 * Creates an account (email unique, case-insensitive); at most SIGNUP_LIMIT successful signups per IP and hour.
 * A signup takes its place under the limit before its password is hashed, and gives it back when no
 * account comes of it: signups sent at once cannot create more than the limit allows.
 */
export class SignUp {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly limiter: RateLimiter,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly uow: UnitOfWork,
  ) {}

  /**
   * `logIn` (the new account's session) runs in the unit that creates the account: a signup whose
   * session cannot be stored creates nothing, so it can be sent again.
   */
  async execute(input: SignUpInput, logIn: (user: User) => Promise<void> = async () => undefined): Promise<User> {
    if (input.password.length < MIN_PASSWORD_LENGTH) throw new PasswordTooShortError(MIN_PASSWORD_LENGTH);
    const now = this.clock.now();
    const attempt = await LimitedAttempt.take(this.limiter, signupKey(input.ip), SIGNUP_LIMIT, SIGNUP_WINDOW_MS, now);
    if (!attempt) throw new TooManyAttemptsError('too many accounts were created from this address; try again later');
    // Any failure (the email taken, the session not stored, the database) creates nothing and gives the place back.
    return attempt.run(async () => {
      const user: User = {
        id: this.ids.newId(), email: normaliseEmail(input.email), name: input.name.trim(),
        passwordHash: await this.hasher.hash(input.password), language: input.language, ...(input.phone ? { phone: input.phone } : {}), createdAt: now,
      };
      await this.uow.run(async () => {
        await this.users.add(user);
        await logIn(user);
      });
      return user;
    });
  }
}
