/**
 * The identity module's public entry (accounts, log-in and sessions' users): the only file of src/identity/ another module may import.
 * Which modules may use which: test/unit/architecture/module-borders.test.ts.
 */
export type { ConfirmPassword } from './application/confirm-password.use-case';
export { TooManyAttemptsError, UnauthenticatedError } from './application/identity.errors';
export type { UserRepository } from './application/user-repository.port';
export { sessionUser } from './application/session-user';
export type { User } from './domain/user.entity';
export { isDeletedUser } from './domain/user.entity';
export { presentExportedUser, presentUser } from './http/user.presenter';
export { liveUserRow } from './infrastructure/live-user.query';
export { IDENTITY } from './identity.tokens';
