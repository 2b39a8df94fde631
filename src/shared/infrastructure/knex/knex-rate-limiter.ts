import type { Knex } from 'knex';
import type { RateLimiter } from '../../application/rate-limiter.port';
import type { TransactionContext } from '../transaction-context';
import type { KnexDatabase } from './knex-database';
import { currentDb } from './knex-scope';

/** Hits are counted in one-second buckets: a sliding window at most a second coarse. */
const BUCKET_MS = 1000;
const KEEP_MS = 24 * 60 * 60 * 1000;
const bucketOf = (at: Date) => new Date(Math.floor(at.getTime() / BUCKET_MS) * BUCKET_MS);

/** Counters in `rate_limit_counters (key, window_start, count)`, shared by every instance. */
export class KnexRateLimiter implements RateLimiter {
  constructor(
    private readonly database: KnexDatabase,
    private readonly context: TransactionContext,
  ) {}

  /** In the open unit of work, if any. */
  async hit(key: string, at: Date): Promise<void> {
    await this.record(currentDb(this.database, this.context), key, at);
  }

  /**
   * The increment is one upsert, committed on its own before the sum is read: the n-th attempt to
   * commit its increment reads at least n, on every engine (each statement commits by itself and
   * reads what was committed before it). Inside a unit of work's transaction an uncommitted hit
   * would be hidden from the others, so this never joins one.
   */
  async hitAndCount(key: string, at: Date, windowMs: number): Promise<number> {
    await this.record(this.database.knex, key, at);
    // No upper bound: a hit timed a moment after `at` (a clock read earlier, recorded later) counts too.
    return this.sumSince(key, new Date(at.getTime() - windowMs));
  }

  async takeBack(key: string, at: Date): Promise<void> {
    const knex = this.database.knex;
    const bucket = { key, window_start: bucketOf(at) };
    const taken = await knex('rate_limit_counters').where(bucket).andWhere('count', '>', 0).decrement('count', 1);
    // Only an empty bucket goes: a hit of the same second that came in between keeps it (or makes a new one).
    if (taken > 0) await knex('rate_limit_counters').where(bucket).andWhere('count', '<=', 0).delete();
  }

  private async record(knex: Knex, key: string, at: Date): Promise<void> {
    await knex('rate_limit_counters')
      .insert({ key, window_start: bucketOf(at), count: 1 })
      .onConflict(['key', 'window_start'])
      .merge({ count: knex.raw('?? + 1', ['rate_limit_counters.count']) });
    await knex('rate_limit_counters').where('key', key).andWhere('window_start', '<', new Date(at.getTime() - KEEP_MS)).delete();
  }

  async purgeBefore(before: Date): Promise<number> {
    return this.database.knex('rate_limit_counters').where('window_start', '<', before).delete();
  }

  async count(key: string, windowMs: number, now: Date): Promise<number> {
    return this.sumSince(key, new Date(now.getTime() - windowMs), now);
  }

  /** Hits of `key` in buckets after `since`, and up to `until` when given; one statement. */
  private async sumSince(key: string, since: Date, until?: Date): Promise<number> {
    const row = await this.database.knex('rate_limit_counters')
      .where('key', key)
      .andWhere('window_start', '>', since)
      .modify((query) => {
        if (until) query.andWhere('window_start', '<=', until);
      })
      .sum({ total: 'count' })
      .first();
    return Number(row?.total ?? 0);
  }
}
