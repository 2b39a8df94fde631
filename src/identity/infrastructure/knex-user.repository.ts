import { DEFAULT_LANGUAGE, isLanguage } from '../../shared/domain/language';
import { type UniqueRule, violatedUniqueRule } from '../../shared/infrastructure/knex/database-errors';
import { type KnexDatabase, readTime } from '../../shared/infrastructure/knex/knex-database';
import { currentDb } from '../../shared/infrastructure/knex/knex-scope';
import type { TransactionContext } from '../../shared/infrastructure/transaction-context';
import type { UserRepository } from '../application/user-repository.port';
import { EmailTakenError } from '../domain/identity.errors';
import { anonymisedFields, type User } from '../domain/user.entity';

interface UserRow {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  language: string;
  phone: string | null;
  created_at: unknown;
}

const UNIQUE_RULES: UniqueRule[] = [{ name: 'users_email_unique', sqliteColumns: 'users.email' }];

/** Emails are stored lower-cased, so the unique index is case-insensitive on every engine. */
export class KnexUserRepository implements UserRepository {
  constructor(
    private readonly database: KnexDatabase,
    private readonly context: TransactionContext,
  ) {}

  async findById(id: string): Promise<User | null> {
    const row: UserRow | undefined = await currentDb(this.database, this.context)('users').where({ id }).first();
    return row ? toUser(row) : null;
  }

  async findByIds(ids: string[]): Promise<User[]> {
    if (ids.length === 0) return [];
    const rows: UserRow[] = await currentDb(this.database, this.context)('users').whereIn('id', [...new Set(ids)]);
    return rows.map(toUser);
  }

  async findByEmail(email: string): Promise<User | null> {
    const row: UserRow | undefined = await currentDb(this.database, this.context)('users').where({ email: email.toLowerCase() }).first();
    return row ? toUser(row) : null;
  }

  async add(user: User): Promise<void> {
    const row: UserRow = { id: user.id, email: user.email.toLowerCase(), name: user.name, password_hash: user.passwordHash, language: user.language, phone: user.phone ?? null, created_at: user.createdAt };
    try {
      await currentDb(this.database, this.context)('users').insert(row);
    } catch (error) {
      if (violatedUniqueRule(error, UNIQUE_RULES)) throw new EmailTakenError();
      throw error;
    }
  }

  /**
   * One UPDATE, no read before it: first in the deletion's unit of work, it waits for a checkout of this
   * user under way (which holds the row) and takes no snapshot before that checkout's order is committed.
   */
  async anonymise(id: string): Promise<void> {
    const gone = anonymisedFields(id);
    await currentDb(this.database, this.context)('users').where({ id }).update({ email: gone.email, name: gone.name, password_hash: gone.passwordHash, phone: null });
  }
}

function toUser(row: UserRow): User {
  return {
    id: row.id, email: row.email, name: row.name, passwordHash: row.password_hash,
    language: isLanguage(row.language) ? row.language : DEFAULT_LANGUAGE, ...(row.phone ? { phone: row.phone } : {}), createdAt: readTime(row.created_at),
  };
}
