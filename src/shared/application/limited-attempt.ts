import type { RateLimiter } from './rate-limiter.port';

/**
 * One attempt's place under a limit of `limit` events per `windowMs`, taken before the slow check
 * (a password hash, an account insert) so that attempts sent at once cannot all pass on the same
 * count: at most `limit` of them ever hold a place. The attempt then either keeps its place (it
 * counts, e.g. a wrong password) or gives it back (a right password; an error before any answer).
 */
export class LimitedAttempt {
  private constructor(
    private readonly limiter: RateLimiter,
    private readonly key: string,
    private readonly at: Date,
  ) {}

  /** The attempt's place, or null when the limit is reached (then nothing is counted for it). */
  static async take(limiter: RateLimiter, key: string, limit: number, windowMs: number, at: Date): Promise<LimitedAttempt | null> {
    // A key already at its limit is refused on a read alone: a locked-out guesser writes nothing.
    if ((await limiter.count(key, windowMs, at)) >= limit) return null;
    if ((await limiter.hitAndCount(key, at, windowMs)) > limit) {
      await limiter.takeBack(key, at);
      return null;
    }
    return new LimitedAttempt(limiter, key, at);
  }

  /** This attempt does not count after all. */
  async giveBack(): Promise<void> {
    await this.limiter.takeBack(this.key, this.at);
  }

  /**
   * Runs `work` holding the place; an error from it gives the place back (the attempt was not
   * answered) and is thrown as it was, even if giving back fails too.
   */
  async run<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      await this.giveBack().catch(() => undefined);
      throw error;
    }
  }
}
