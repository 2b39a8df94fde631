import { isDeletedUser, type User } from '../domain/user.entity';
import { UnauthenticatedError } from './identity.errors';
import type { UserRepository } from './user-repository.port';

/**
 * The user a session names; a session whose user is gone is no login (401). Deleted counts as gone: another
 * instance may answer that account's session for up to 2 s after the deletion (ADR 0016).
 */
export async function sessionUser(users: UserRepository, userId: string): Promise<User> {
  const user = await users.findById(userId);
  if (!user || isDeletedUser(user)) throw new UnauthenticatedError();
  return user;
}
