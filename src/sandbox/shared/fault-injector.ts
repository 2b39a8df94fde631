// Fault knobs shared by the fake PGs: slow, failing or silent REST calls, so callers' timeout,
// retry and "unknown outcome" paths can be exercised. Rates are shares in [0, 1]. Each sandbox
// brings the bodies of its faulted answers, and may extend the knobs (Iamport's webhook ones).
import type { Context, Next } from 'koa';

export interface RestFaults {
  latencyMs: number;
  /** Share of REST calls answered HTTP 500. */
  errorRate: number;
  /** Share of REST calls that hang for `hangMs` and then answer 504. */
  timeoutRate: number;
  hangMs: number;
  /** The next n REST calls answer 500 (deterministic, for tests). */
  failNext: number;
  /** The next n REST calls hang (deterministic, for tests). */
  hangNext: number;
}

export const defaultRestFaults = (): RestFaults => ({ latencyMs: 0, errorRate: 0, timeoutRate: 0, hangMs: 60_000, failNext: 0, hangNext: 0 });

/** A share in [0, 1] (true = 1, false = 0), or `fallback` when `v` is not one. */
export const rate = (v: unknown, fallback: number): number => {
  if (v === true) return 1;
  if (v === false) return 0;
  const n = Number(v);
  return Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : fallback;
};

/** A whole number >= 0, or `fallback` when `v` is not one. */
export const count = (v: unknown, fallback: number): number => {
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? Math.floor(n) : fallback;
};

/** Merges a (possibly JSON-sourced) patch into `base`, ignoring values of the wrong kind. */
export function mergeRestFaults(base: RestFaults, patch: unknown): RestFaults {
  if (!patch || typeof patch !== 'object') return base;
  const p = patch as Record<string, unknown>;
  return {
    latencyMs: 'latencyMs' in p ? count(p.latencyMs, base.latencyMs) : base.latencyMs,
    errorRate: 'errorRate' in p ? rate(p.errorRate, base.errorRate) : base.errorRate,
    timeoutRate: 'timeoutRate' in p ? rate(p.timeoutRate, base.timeoutRate) : base.timeoutRate,
    hangMs: 'hangMs' in p ? count(p.hangMs, base.hangMs) : base.hangMs,
    failNext: 'failNext' in p ? count(p.failNext, base.failNext) : base.failNext,
    hangNext: 'hangNext' in p ? count(p.hangNext, base.hangNext) : base.hangNext,
  };
}

export interface FaultInjectorOptions<F extends RestFaults> {
  /** Merges a control-panel patch; a sandbox with extra knobs merges those too. */
  merge: (base: F, patch: unknown) => F;
  /** Bodies of the injected 500 (`error`) and 504 (`timeout`), in the PG's own error shape. */
  answers: { error: object; timeout: object };
  /** Dice for the rate knobs; tests may pin it. */
  random?: () => number;
}

export class FaultInjector<F extends RestFaults> {
  current: F;
  private readonly pending = new Set<() => void>();
  private readonly random: () => number;

  constructor(private readonly initial: F, private readonly options: FaultInjectorOptions<F>) {
    this.current = structuredClone(initial);
    this.random = options.random ?? Math.random;
  }

  set(patch: unknown): F {
    this.current = this.options.merge(this.current, patch);
    return this.current;
  }

  reset(): void {
    this.current = structuredClone(this.initial);
  }

  /** Releases every hung or delayed request so a server can close. */
  close(): void {
    for (const release of this.pending) release();
    this.pending.clear();
  }

  /** Koa middleware in front of every REST route; a faulted call changes nothing. */
  readonly middleware = async (ctx: Context, next: Next): Promise<void> => {
    const f = this.current;
    if (f.hangNext > 0) {
      f.hangNext -= 1;
      return this.hang(ctx, f.hangMs);
    }
    if (f.failNext > 0) {
      f.failNext -= 1;
      return this.fail(ctx);
    }
    if (f.timeoutRate > 0 && this.random() < f.timeoutRate) return this.hang(ctx, f.hangMs);
    if (f.errorRate > 0 && this.random() < f.errorRate) return this.fail(ctx);
    if (f.latencyMs > 0) await this.wait(ctx, f.latencyMs);
    await next();
  };

  private fail(ctx: Context): void {
    ctx.status = 500;
    ctx.body = { ...this.options.answers.error };
  }

  private async hang(ctx: Context, ms: number): Promise<void> {
    await this.wait(ctx, ms);
    ctx.status = 504;
    ctx.body = { ...this.options.answers.timeout };
  }

  /** Resolves after `ms`, when the client goes away, or on close(). */
  private wait(ctx: Context, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const release = () => {
        clearTimeout(timer);
        ctx.res.off('close', release);
        this.pending.delete(release);
        resolve();
      };
      const timer = setTimeout(release, ms);
      ctx.res.once('close', release);
      this.pending.add(release);
    });
  }
}
