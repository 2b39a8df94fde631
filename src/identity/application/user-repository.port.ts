import type { User } from '../domain/user.entity';

export interface UserRepository {
  findById(id: string): Promise<User | null>;
  findByEmail(email: string): Promise<User | null>;
  /** Refuses a second user with the same email (EmailTakenError). */
  add(user: User): Promise<void>;
}
