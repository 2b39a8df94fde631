import type { Clock } from '../application/clock.port';
import type { IdempotencyStore } from '../application/idempotency-store.port';
import type { RateLimiter } from '../application/rate-limiter.port';
import type { SessionStore } from '../application/session-store.port';

/** Records with a purge time (membership's retained records of deleted accounts): the kernel names no module. */
export interface ExpiringRecords {
  purgeExpired(now: Date): Promise<number>;
}

/** No rate-limit window reaches further back than this. */
const RATE_LIMIT_KEEP_MS = 24 * 60 * 60 * 1000;

export interface HousekeepingResult {
  sessions: number;
  idempotencyKeys: number;
  rateLimitCounters: number;
  /** Records kept after an account's deletion whose retention class has run out (E-Commerce Act art. 6). */
  retainedRecords: number;
}

/**
 * Deletes what has expired, so the tables that every request touches stay small: sessions (they
 * expire in real time), idempotency keys after their 24 h, rate-limit counters older than any window;
 * and the records a deleted account left behind, once their retention class has run out (business time).
 */
export class Housekeeping {
  constructor(
    private readonly sessions: SessionStore,
    private readonly idempotency: IdempotencyStore,
    private readonly rateLimiter: RateLimiter,
    private readonly retainedRecords: ExpiringRecords,
    private readonly clock: Clock,
  ) {}

  async run(): Promise<HousekeepingResult> {
    const now = this.clock.now();
    return {
      sessions: await this.sessions.purgeExpired(new Date()),
      idempotencyKeys: await this.idempotency.purgeExpired(now),
      rateLimitCounters: await this.rateLimiter.purgeBefore(new Date(now.getTime() - RATE_LIMIT_KEEP_MS)),
      retainedRecords: await this.retainedRecords.purgeExpired(now),
    };
  }
}
