import type { User } from '../domain/user.entity';

/** A user as the API shows it (never the password hash). */
export function presentUser(user: User) {
  return { id: user.id, email: user.email, name: user.name };
}
