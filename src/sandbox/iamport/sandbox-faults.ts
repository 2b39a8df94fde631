// Fault knobs: make the fake Iamport slow, failing or silent, so callers' timeout,
// retry and "unknown outcome" paths can be exercised. Rates are shares in [0, 1].
import type { Context, Next } from 'koa';

export interface WebhookFaults {
  /** Share of notices never sent (true = 1). */
  drop: number;
  /** Share of notices sent twice (true = 1). */
  duplicate: number;
  /** Wait before sending each notice. */
  delayMs: number;
  /** Hold notices and send each pair newest first. */
  reorder: boolean;
}

export interface SandboxFaults {
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
  webhook: WebhookFaults;
}

export type FaultsPatch = Partial<Omit<SandboxFaults, 'webhook'>> & { webhook?: Partial<WebhookFaults> };

export const defaultFaults = (): SandboxFaults => ({
  latencyMs: 0,
  errorRate: 0,
  timeoutRate: 0,
  hangMs: 60_000,
  failNext: 0,
  hangNext: 0,
  webhook: { drop: 0, duplicate: 0, delayMs: 0, reorder: false },
});

/** `SANDBOX_LATENCY_MS`, `SANDBOX_ERROR_RATE`, `SANDBOX_TIMEOUT_RATE`. */
export function faultsFromEnv(env: NodeJS.ProcessEnv): FaultsPatch {
  const patch: FaultsPatch = {};
  if (env.SANDBOX_LATENCY_MS) patch.latencyMs = Number(env.SANDBOX_LATENCY_MS);
  if (env.SANDBOX_ERROR_RATE) patch.errorRate = Number(env.SANDBOX_ERROR_RATE);
  if (env.SANDBOX_TIMEOUT_RATE) patch.timeoutRate = Number(env.SANDBOX_TIMEOUT_RATE);
  return patch;
}

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

/** Merges a (possibly JSON-sourced) patch into `base`, ignoring values of the wrong kind. */
export function mergeFaults(base: SandboxFaults, patch: FaultsPatch | undefined): SandboxFaults {
  if (!patch || typeof patch !== 'object') return base;
  const w = patch.webhook && typeof patch.webhook === 'object' ? patch.webhook : {};
  return {
    latencyMs: 'latencyMs' in patch ? count(patch.latencyMs, base.latencyMs) : base.latencyMs,
    errorRate: 'errorRate' in patch ? rate(patch.errorRate, base.errorRate) : base.errorRate,
    timeoutRate: 'timeoutRate' in patch ? rate(patch.timeoutRate, base.timeoutRate) : base.timeoutRate,
    hangMs: 'hangMs' in patch ? count(patch.hangMs, base.hangMs) : base.hangMs,
    failNext: 'failNext' in patch ? count(patch.failNext, base.failNext) : base.failNext,
    hangNext: 'hangNext' in patch ? count(patch.hangNext, base.hangNext) : base.hangNext,
    webhook: {
      drop: 'drop' in w ? rate(w.drop, base.webhook.drop) : base.webhook.drop,
      duplicate: 'duplicate' in w ? rate(w.duplicate, base.webhook.duplicate) : base.webhook.duplicate,
      delayMs: 'delayMs' in w ? count(w.delayMs, base.webhook.delayMs) : base.webhook.delayMs,
      reorder: 'reorder' in w ? Boolean(w.reorder) : base.webhook.reorder,
    },
  };
}

export class FaultInjector {
  current: SandboxFaults;
  private readonly pending = new Set<() => void>();

  constructor(private readonly initial: SandboxFaults, private readonly random: () => number = Math.random) {
    this.current = structuredClone(initial);
  }

  set(patch: FaultsPatch): SandboxFaults {
    this.current = mergeFaults(this.current, patch);
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

  /** Koa middleware placed in front of every REST route (getToken included). */
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
    ctx.body = { code: -1, message: 'sandbox: injected timeout', response: null };
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
  ctx.body = { code: -1, message: 'sandbox: injected server error', response: null };
}
