import type { ClaimOutcome, IdempotencyRecord, IdempotencyStore } from '../../application/idempotency-store.port';
import type { TransactionContext } from '../transaction-context';
import { violatedUniqueRule } from './database-errors';
import { type KnexDatabase, readTime } from './knex-database';
import { currentDb } from './knex-scope';

interface IdempotencyRow {
  scope: string;
  key: string;
  fingerprint: string;
  status_code: number | null;
  response_body: string | null;
  created_at: unknown;
  expires_at: unknown;
}

const UNIQUE = [{ name: 'idempotency_keys_scope_key_unique', sqliteColumns: 'idempotency_keys.scope, idempotency_keys.key' }];

/** `idempotency_keys`: the unique (scope, key) index decides which of two concurrent requests runs. */
export class KnexIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly database: KnexDatabase,
    private readonly context: TransactionContext,
  ) {}

  async claim(record: Omit<IdempotencyRecord, 'statusCode' | 'responseBody'>, staleBefore: Date): Promise<ClaimOutcome> {
    const knex = this.database.knex;
    for (let attempt = 0; attempt < 3; attempt++) {
      await knex('idempotency_keys')
        .where({ scope: record.scope, key: record.key })
        .andWhere((q) => q.where('expires_at', '<=', record.createdAt).orWhere((s) => s.whereNull('status_code').andWhere('created_at', '<', staleBefore)))
        .delete();
      try {
        await knex('idempotency_keys').insert({
          scope: record.scope, key: record.key, fingerprint: record.fingerprint, status_code: null, response_body: null,
          created_at: record.createdAt, expires_at: record.expiresAt,
        });
        return { claimed: true };
      } catch (error) {
        if (!violatedUniqueRule(error, UNIQUE)) throw error;
      }
      const row: IdempotencyRow | undefined = await knex('idempotency_keys').where({ scope: record.scope, key: record.key }).first();
      // Gone between the insert and the read (released or expired): try the claim again.
      if (row) return { claimed: false, existing: toRecord(row) };
    }
    throw new Error(`idempotency key ${record.key} could not be claimed`);
  }

  async complete(scope: string, key: string, statusCode: number, responseBody: string | null): Promise<void> {
    await this.database.knex('idempotency_keys').where({ scope, key }).update({ status_code: statusCode, response_body: responseBody });
  }

  async forgetUser(userId: string): Promise<void> {
    // User ids are the id generator's ULIDs: no LIKE wildcard in them.
    if (/[%_\\]/.test(userId)) throw new Error(`not a user id: ${userId}`);
    await currentDb(this.database, this.context)('idempotency_keys')
      .where('scope', 'like', `user:${userId} %`).orWhere('response_body', 'like', `%"id":"${userId}"%`)
      .delete();
  }

  async purgeExpired(now: Date): Promise<number> {
    return this.database.knex('idempotency_keys').where('expires_at', '<=', now).delete();
  }

  async release(scope: string, key: string): Promise<void> {
    await this.database.knex('idempotency_keys').where({ scope, key }).delete();
  }
}

function toRecord(row: IdempotencyRow): IdempotencyRecord {
  return {
    scope: row.scope, key: row.key, fingerprint: row.fingerprint,
    statusCode: row.status_code === null ? null : Number(row.status_code), responseBody: row.response_body,
    createdAt: readTime(row.created_at), expiresAt: readTime(row.expires_at),
  };
}
