import type { User } from '../domain/user.entity';

/** A user as the API shows it (never the password hash). */
export function presentUser(user: User) {
  return { id: user.id, email: user.email, name: user.name, phone: user.phone ?? null };
}

/** Everything the user row holds about them, for their data export (still never the password hash). */
export function presentExportedUser(user: User) {
  return { ...presentUser(user), language: user.language, created_at: user.createdAt.toISOString() };
}
