import type { UserRepository } from '../../application/user-repository.port';
import { EmailTakenError } from '../../domain/identity.errors';
import { anonymisedUser, type User } from '../../domain/user.entity';
import type { TransactionContext, TransactionScope } from '../../../shared/infrastructure/transaction-context';

export class MemoryUserRepository implements UserRepository {
  private readonly users = new Map<string, User>();
  /** Per user, the end of the last unit of work that read it for update. */
  private readonly holds = new Map<string, Promise<void>>();
  private readonly heldBy = new WeakMap<TransactionScope, Set<string>>();

  constructor(private readonly context: TransactionContext | null = null) {}

  async findById(id: string): Promise<User | null> {
    const user = this.users.get(id);
    return user ? { ...user } : null;
  }

  /** As a row lock: held by the unit of work until it ends; another unit asking for the same user waits for that. */
  async findByIdForUpdate(id: string): Promise<User | null> {
    const scope = this.context?.current();
    const held = scope ? this.heldBy.get(scope) ?? new Set<string>() : null;
    if (scope && held && !held.has(id)) {
      const previous = this.holds.get(id) ?? Promise.resolve();
      let release!: () => void;
      const tail = previous.then(() => new Promise<void>((resolve) => { release = resolve; }));
      this.holds.set(id, tail);
      held.add(id);
      this.heldBy.set(scope, held);
      await previous;
      (scope.ended ??= []).push(() => {
        release();
        if (this.holds.get(id) === tail) this.holds.delete(id);
      });
    }
    return this.findById(id);
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
