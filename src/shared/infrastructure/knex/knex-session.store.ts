import { REVOKED_SESSIONS_KEPT_MS, type SessionStore, type StoredSession } from '../../application/session-store.port';
import type { TransactionContext } from '../transaction-context';
import { type KnexDatabase, readJson, readTime } from './knex-database';
import { currentDb } from './knex-scope';

interface SessionRow {
  id: string;
  user_id: string | null;
  data: unknown;
  expires_at: unknown;
}

/**
 * Sessions in the `sessions` table; expired rows are ignored on read and removed when touched.
 * Revoking marks `revoked_at` with real time (instances compare it with theirs: not the business clock).
 */
export class KnexSessionStore implements SessionStore {
  constructor(
    private readonly database: KnexDatabase,
    private readonly context: TransactionContext,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async get(id: string, now: Date): Promise<StoredSession | null> {
    const row: SessionRow | undefined = await this.database.knex('sessions').where({ id }).whereNull('revoked_at').first();
    if (!row) return null;
    const expiresAt = readTime(row.expires_at);
    if (expiresAt <= now) {
      await this.database.knex('sessions').where({ id }).delete();
      return null;
    }
    return { data: readJson<Record<string, unknown>>(row.data), userId: row.user_id, expiresAt };
  }

  /** In the open unit of work, if any: a signup's session is stored with its account or not at all. */
  async set(id: string, session: StoredSession): Promise<void> {
    const row = { id, user_id: session.userId, data: JSON.stringify(session.data), expires_at: session.expiresAt };
    await currentDb(this.database, this.context)('sessions').insert(row).onConflict('id').merge(['user_id', 'data', 'expires_at']);
  }

  async destroy(id: string): Promise<void> {
    await currentDb(this.database, this.context)('sessions').where({ id }).whereNull('revoked_at').update({ revoked_at: this.now() });
  }

  /** In the open unit of work, if any: an account's deletion and the revocation of its sessions commit together. */
  async destroyForUser(userId: string): Promise<void> {
    await currentDb(this.database, this.context)('sessions').where({ user_id: userId }).whereNull('revoked_at').update({ revoked_at: this.now() });
  }

  async revokedSince(since: Date): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.database.knex('sessions').select('id').where('revoked_at', '>=', since);
    return rows.map((row) => row.id);
  }

  async purgeExpired(now: Date): Promise<number> {
    return this.database.knex('sessions')
      .where('expires_at', '<=', now).orWhere('revoked_at', '<=', new Date(now.getTime() - REVOKED_SESSIONS_KEPT_MS))
      .delete();
  }
}
