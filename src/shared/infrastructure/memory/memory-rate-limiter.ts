import type { RateLimiter } from '../../application/rate-limiter.port';

const KEEP_MS = 24 * 60 * 60 * 1000;

export class MemoryRateLimiter implements RateLimiter {
  private readonly hits = new Map<string, number[]>();

  async hit(key: string, at: Date): Promise<void> {
    const kept = (this.hits.get(key) ?? []).filter((t) => t > at.getTime() - KEEP_MS);
    kept.push(at.getTime());
    this.hits.set(key, kept);
  }

  async count(key: string, windowMs: number, now: Date): Promise<number> {
    const from = now.getTime() - windowMs;
    return (this.hits.get(key) ?? []).filter((t) => t > from && t <= now.getTime()).length;
  }
}
