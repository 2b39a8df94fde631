import type { RateLimiter } from '../../application/rate-limiter.port';
import type { TransactionContext } from '../transaction-context';
import type { KnexDatabase } from './knex-database';
import { currentDb } from './knex-scope';

/** Hits are counted in one-second buckets: a sliding window at most a second coarse. */
const BUCKET_MS = 1000;
const KEEP_MS = 24 * 60 * 60 * 1000;

/** Counters in `rate_limit_counters (key, window_start, count)`, shared by every instance. */
export class KnexRateLimiter implements RateLimiter {
  constructor(
    private readonly database: KnexDatabase,
    private readonly context: TransactionContext,
  ) {}

  /** In the open unit of work, if any (a signup counts only once its account is created). */
  async hit(key: string, at: Date): Promise<void> {
    const knex = currentDb(this.database, this.context);
    const bucket = new Date(Math.floor(at.getTime() / BUCKET_MS) * BUCKET_MS);
    await knex('rate_limit_counters')
      .insert({ key, window_start: bucket, count: 1 })
      .onConflict(['key', 'window_start'])
      .merge({ count: knex.raw('?? + 1', ['rate_limit_counters.count']) });
    await knex('rate_limit_counters').where('key', key).andWhere('window_start', '<', new Date(at.getTime() - KEEP_MS)).delete();
  }

  async purgeBefore(before: Date): Promise<number> {
    return this.database.knex('rate_limit_counters').where('window_start', '<', before).delete();
  }

  async count(key: string, windowMs: number, now: Date): Promise<number> {
    const row = await this.database.knex('rate_limit_counters')
      .where('key', key)
      .andWhere('window_start', '>', new Date(now.getTime() - windowMs))
      .andWhere('window_start', '<=', now)
      .sum({ total: 'count' })
      .first();
    return Number(row?.total ?? 0);
  }
}
