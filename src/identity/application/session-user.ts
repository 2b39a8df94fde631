import type { User } from '../domain/user.entity';
import { UnauthenticatedError } from './identity.errors';
import type { UserRepository } from './user-repository.port';

/** The user a session names; a session whose user is gone is no login (401). */
export async function sessionUser(users: UserRepository, userId: string): Promise<User> {
  const user = await users.findById(userId);
  if (!user) throw new UnauthenticatedError();
  return user;
}
