import type { UserRepository } from '../../application/user-repository.port';
import { EmailTakenError } from '../../domain/identity.errors';
import { anonymisedUser, type User } from '../../domain/user.entity';

export class MemoryUserRepository implements UserRepository {
  private readonly users = new Map<string, User>();

  async findById(id: string): Promise<User | null> {
    const user = this.users.get(id);
    return user ? { ...user } : null;
  }

  async findByIds(ids: string[]): Promise<User[]> {
    return [...new Set(ids)].flatMap((id) => {
      const user = this.users.get(id);
      return user ? [{ ...user }] : [];
    });
  }

  async findByEmail(email: string): Promise<User | null> {
    const normalized = email.toLowerCase();
    const user = [...this.users.values()].find((u) => u.email === normalized);
    return user ? { ...user } : null;
  }

  async add(user: User): Promise<void> {
    if (await this.findByEmail(user.email)) throw new EmailTakenError();
    this.users.set(user.id, { ...user, email: user.email.toLowerCase() });
  }

  async anonymise(id: string): Promise<void> {
    const user = this.users.get(id);
    if (user) this.users.set(id, anonymisedUser(user));
  }
}
