import { ContainerModule } from 'inversify';
import type { Clock } from '../shared/application/clock.port';
import type { IdGenerator } from '../shared/application/id-generator.port';
import type { RateLimiter } from '../shared/application/rate-limiter.port';
import type { SessionStore } from '../shared/application/session-store.port';
import type { UnitOfWork } from '../shared/application/unit-of-work.port';
import type { Persistence } from '../shared/shared.module';
import { SHARED } from '../shared/shared.tokens';
import { ConfirmPassword } from './application/confirm-password.use-case';
import { LogIn } from './application/log-in.use-case';
import { LogOut } from './application/log-out.use-case';
import type { PasswordHasher } from './application/password-hasher.port';
import { SignUp } from './application/sign-up.use-case';
import type { UserRepository } from './application/user-repository.port';
import { IDENTITY } from './identity.tokens';
import { ScryptPasswordHasher } from './infrastructure/scrypt-password-hasher';
import { MemoryUserRepository } from './infrastructure/memory/memory-user.repository';
import { KnexUserRepository } from './infrastructure/knex-user.repository';
import type { KnexDatabase } from '../shared/infrastructure/knex/knex-database';
import type { TransactionContext } from '../shared/infrastructure/transaction-context';

export function identityModule(persistence: Persistence): ContainerModule {
  return new ContainerModule(({ bind }) => {
    if (persistence === 'memory') bind(IDENTITY.UserRepository).toConstantValue(new MemoryUserRepository());
    else {
      bind(IDENTITY.UserRepository).toResolvedValue(
        (database: KnexDatabase, context: TransactionContext) => new KnexUserRepository(database, context), [SHARED.Database, SHARED.TransactionTracker]);
    }
    bind(IDENTITY.PasswordHasher).toConstantValue(new ScryptPasswordHasher());
    bind(IDENTITY.SignUp).toResolvedValue(
      (users: UserRepository, hasher: PasswordHasher, limiter: RateLimiter, clock: Clock, ids: IdGenerator, uow: UnitOfWork) =>
        new SignUp(users, hasher, limiter, clock, ids, uow),
      [IDENTITY.UserRepository, IDENTITY.PasswordHasher, SHARED.RateLimiter, SHARED.Clock, SHARED.IdGenerator, SHARED.UnitOfWork],
    );
    bind(IDENTITY.LogIn).toResolvedValue(
      (users: UserRepository, hasher: PasswordHasher, limiter: RateLimiter, clock: Clock) => new LogIn(users, hasher, limiter, clock),
      [IDENTITY.UserRepository, IDENTITY.PasswordHasher, SHARED.RateLimiter, SHARED.Clock],
    );
    bind(IDENTITY.LogOut).toResolvedValue((sessions: SessionStore) => new LogOut(sessions), [SHARED.SessionStore]);
    bind(IDENTITY.ConfirmPassword).toResolvedValue(
      (users: UserRepository, hasher: PasswordHasher, limiter: RateLimiter, clock: Clock) => new ConfirmPassword(users, hasher, limiter, clock),
      [IDENTITY.UserRepository, IDENTITY.PasswordHasher, SHARED.RateLimiter, SHARED.Clock],
    );
  });
}
