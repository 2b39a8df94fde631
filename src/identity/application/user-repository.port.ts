import type { User } from '../domain/user.entity';

export interface UserRepository {
  findById(id: string): Promise<User | null>;
  /** The users among `ids` that exist, in no particular order: one read for a batch. */
  findByIds(ids: string[]): Promise<User[]>;
  findByEmail(email: string): Promise<User | null>;
  /** Refuses a second user with the same email (EmailTakenError). */
  add(user: User): Promise<void>;
  /** Account deletion: the row stays (payments and memberships name its id) with no email, name or password left in it. */
  anonymise(id: string): Promise<void>;
}
