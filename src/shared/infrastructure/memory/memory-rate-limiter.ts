import type { RateLimiter } from '../../application/rate-limiter.port';

const KEEP_MS = 24 * 60 * 60 * 1000;

export class MemoryRateLimiter implements RateLimiter {
  private readonly hits = new Map<string, number[]>();

  async hit(key: string, at: Date): Promise<void> {
    const kept = (this.hits.get(key) ?? []).filter((t) => t > at.getTime() - KEEP_MS);
    kept.push(at.getTime());
    this.hits.set(key, kept);
  }

  /** JavaScript runs one callback at a time: the hit and the count cannot interleave with another. */
  async hitAndCount(key: string, at: Date, windowMs: number): Promise<number> {
    const kept = (this.hits.get(key) ?? []).filter((t) => t > at.getTime() - KEEP_MS);
    kept.push(at.getTime());
    this.hits.set(key, kept);
    return kept.filter((t) => t > at.getTime() - windowMs).length;
  }

  async takeBack(key: string, at: Date): Promise<void> {
    const times = this.hits.get(key);
    const index = times?.lastIndexOf(at.getTime()) ?? -1;
    if (!times || index < 0) return;
    times.splice(index, 1);
    if (times.length === 0) this.hits.delete(key);
  }

  async purgeBefore(before: Date): Promise<number> {
    let purged = 0;
    for (const [key, times] of this.hits) {
      const kept = times.filter((t) => t >= before.getTime());
      if (kept.length === 0) {
        this.hits.delete(key);
        purged += 1;
      } else {
        this.hits.set(key, kept);
      }
    }
    return purged;
  }

  async count(key: string, windowMs: number, now: Date): Promise<number> {
    const from = now.getTime() - windowMs;
    return (this.hits.get(key) ?? []).filter((t) => t > from && t <= now.getTime()).length;
  }
}
