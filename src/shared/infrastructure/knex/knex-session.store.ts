import type { SessionStore, StoredSession } from '../../application/session-store.port';
import { type KnexDatabase, readJson, readTime } from './knex-database';

interface SessionRow {
  id: string;
  user_id: string | null;
  data: unknown;
  expires_at: unknown;
}

/** Sessions in the `sessions` table; expired rows are ignored on read and removed when touched. */
export class KnexSessionStore implements SessionStore {
  constructor(private readonly database: KnexDatabase) {}

  async get(id: string, now: Date): Promise<StoredSession | null> {
    const row: SessionRow | undefined = await this.database.knex('sessions').where({ id }).first();
    if (!row) return null;
    const expiresAt = readTime(row.expires_at);
    if (expiresAt <= now) {
      await this.database.knex('sessions').where({ id }).delete();
      return null;
    }
    return { data: readJson<Record<string, unknown>>(row.data), userId: row.user_id, expiresAt };
  }

  async set(id: string, session: StoredSession): Promise<void> {
    const row = { id, user_id: session.userId, data: JSON.stringify(session.data), expires_at: session.expiresAt };
    await this.database.knex('sessions').insert(row).onConflict('id').merge(['user_id', 'data', 'expires_at']);
  }

  async destroy(id: string): Promise<void> {
    await this.database.knex('sessions').where({ id }).delete();
  }

  async purgeExpired(now: Date): Promise<number> {
    return this.database.knex('sessions').where('expires_at', '<=', now).delete();
  }

  async destroyForUser(userId: string): Promise<void> {
    await this.database.knex('sessions').where({ user_id: userId }).delete();
  }
}
