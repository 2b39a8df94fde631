import type { LeaseStore } from '../../application/lease-store.port';
import { isDuplicatePrimaryKey } from './database-errors';
import type { KnexDatabase } from './knex-database';

/** Leases in `leases (name, holder, expires_at)`: an insert takes a free name, a conditional update an expired one. */
export class KnexLeaseStore implements LeaseStore {
  constructor(private readonly database: KnexDatabase) {}

  async acquire(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const knex = this.database.knex;
    const now = new Date();
    const until = new Date(now.getTime() + ttlMs);
    try {
      await knex('leases').insert({ name, holder, expires_at: until });
      return true;
    } catch (error) {
      if (!isDuplicatePrimaryKey(error, 'leases.name')) throw error;
    }
    const taken = await knex('leases').where({ name }).andWhere('expires_at', '<=', now).update({ holder, expires_at: until });
    return taken === 1;
  }

  async release(name: string, holder: string): Promise<void> {
    await this.database.knex('leases').where({ name, holder }).delete();
  }
}
