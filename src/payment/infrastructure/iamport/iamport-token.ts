// The Iamport access token, cached until shortly before it expires. The lifetime comes from the
// server's own `expired_at - now`, so a skewed local clock cannot make us use an expired token.
import type { IamportToken } from './iamport.types';

/** Refresh this long before Iamport's expiry (its last minute also extends the token, IAMPORT_V1.md §1). */
const REFRESH_MARGIN_S = 60;

export class IamportTokenCache {
  private cached: { token: string; validUntilMs: number } | null = null;
  private inFlight: Promise<string> | null = null;

  constructor(
    private readonly fetchToken: () => Promise<IamportToken>,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** A usable token; concurrent callers share one getToken request. */
  get(): Promise<string> {
    if (this.cached && this.nowMs() < this.cached.validUntilMs) return Promise.resolve(this.cached.token);
    this.inFlight ??= this.refresh().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  /** Forgets a token the server refused (401); a newer one fetched meanwhile is kept. */
  invalidate(token: string): void {
    if (this.cached?.token === token) this.cached = null;
  }

  private async refresh(): Promise<string> {
    const askedAt = this.nowMs();
    const answer = await this.fetchToken();
    const lifetimeS = answer.expired_at - answer.now;
    // A token with less than the margin left still serves the call that asked; the next one refreshes.
    this.cached = { token: answer.access_token, validUntilMs: askedAt + (lifetimeS - REFRESH_MARGIN_S) * 1000 };
    return answer.access_token;
  }
}
