// Fault knobs of the fake Toss: slow, failing or silent REST calls, so callers' timeout, retry
// and "unknown outcome" paths can be exercised. Same knobs as the Iamport sandbox, Toss-shaped bodies.
import type { Context, Next } from 'koa';

export interface TossFaults {
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

export type TossFaultsPatch = Partial<TossFaults>;

export const defaultTossFaults = (): TossFaults => ({ latencyMs: 0, errorRate: 0, timeoutRate: 0, hangMs: 60_000, failNext: 0, hangNext: 0 });

const rate = (v: unknown, fallback: number): number => {
  if (v === true) return 1;
  if (v === false) return 0;
  const n = Number(v);
  return Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : fallback;
};
const count = (v: unknown, fallback: number): number => {
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? Math.floor(n) : fallback;
};

/** Merges a (possibly JSON-sourced) patch, ignoring values of the wrong kind. */
export function mergeTossFaults(base: TossFaults, patch: unknown): TossFaults {
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

export class TossFaultInjector {
  current: TossFaults;
  private readonly pending = new Set<() => void>();

  constructor(private readonly initial: TossFaults, private readonly random: () => number = Math.random) {
    this.current = { ...initial };
  }

  set(patch: unknown): TossFaults {
    this.current = mergeTossFaults(this.current, patch);
    return this.current;
  }

  reset(): void {
    this.current = { ...this.initial };
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
      return fail(ctx);
    }
    if (f.timeoutRate > 0 && this.random() < f.timeoutRate) return this.hang(ctx, f.hangMs);
    if (f.errorRate > 0 && this.random() < f.errorRate) return fail(ctx);
    if (f.latencyMs > 0) await this.wait(ctx, f.latencyMs);
    await next();
  };

  private async hang(ctx: Context, ms: number): Promise<void> {
    await this.wait(ctx, ms);
    ctx.status = 504;
    ctx.body = { code: 'FAILED_INTERNAL_SYSTEM_PROCESSING', message: 'sandbox: injected timeout' };
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

function fail(ctx: Context): void {
  ctx.status = 500;
  ctx.body = { code: 'FAILED_INTERNAL_SYSTEM_PROCESSING', message: '내부 시스템 처리 작업이 실패했습니다. 잠시 후 다시 시도해주세요. (sandbox: injected)' };
}
