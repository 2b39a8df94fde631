/**
 * Counts events per key over a sliding window (failed logins per IP and email, signups per IP).
 * The caller decides what counts as a hit and what the limit is.
 *
 * A limit that must hold against attempts sent at once takes its place first (`hitAndCount`, one
 * atomic step), does the slow work only when the answer is within the limit, and gives the place
 * back (`takeBack`) for an attempt that must not count. Reading `count` and then `hit`ting after the
 * slow work lets every attempt in flight read the same count.
 */
export interface RateLimiter {
  /** Records one event of `key` at `at`. */
  hit(key: string, at: Date): Promise<void>;
  /**
   * Records one event of `key` at `at` and answers the events of `key` after `at - windowMs`, that
   * one included, as one step: of attempts sent at once, each sees the ones recorded before it, so
   * the n-th to be recorded answers at least n. Events timed after `at` count too: an attempt that
   * read the clock a moment before another, but is recorded after it, must still see it. It never
   * joins an open unit of work (it is seen by every other attempt at once, and stays if that unit is
   * rolled back): call it outside one (on SQLite an open unit holds the one connection it needs).
   */
  hitAndCount(key: string, at: Date, windowMs: number): Promise<number>;
  /** Forgets one event of `key` recorded at `at` (by `hit` or `hitAndCount`); none left, nothing happens. Like `hitAndCount`, outside any unit of work. */
  takeBack(key: string, at: Date): Promise<void>;
  /** Events of `key` in the window `(now - windowMs, now]`. */
  count(key: string, windowMs: number, now: Date): Promise<number>;
  /** Forgets every event before `before` (no window reaches that far back); answers how many counters went. */
  purgeBefore(before: Date): Promise<number>;
}
