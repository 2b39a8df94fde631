/**
 * Counts events per key over a sliding window (failed logins per IP and email, signups per IP).
 * The caller decides what counts as a hit and what the limit is.
 */
export interface RateLimiter {
  /** Records one event of `key` at `at`. */
  hit(key: string, at: Date): Promise<void>;
  /** Events of `key` in the window `(now - windowMs, now]`. */
  count(key: string, windowMs: number, now: Date): Promise<number>;
  /** Forgets every event before `before` (no window reaches that far back); answers how many counters went. */
  purgeBefore(before: Date): Promise<number>;
}
