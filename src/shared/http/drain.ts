import type { Context, Middleware } from 'koa';
import { errorBody } from './error-middleware';

/**
 * A graceful stop: once draining, requests already inside finish and new ones answer 503
 * `shutting_down` with `Connection: close` (a load balancer sends them elsewhere), except those
 * `exempt` lets through: the in-process sandbox must keep answering the requests still waiting on it.
 */
export class Drain {
  private inFlight = 0;
  private draining = false;
  private readonly waiters = new Set<() => void>();

  constructor(private readonly exempt: (ctx: Context) => boolean = () => false) {}

  get isDraining(): boolean {
    return this.draining;
  }

  readonly middleware: Middleware = async (ctx, next) => {
    if (this.exempt(ctx)) return next();
    if (this.draining) {
      ctx.set('Connection', 'close');
      ctx.status = 503;
      ctx.body = errorBody('shutting_down', 'this instance is shutting down; try again');
      return;
    }
    this.inFlight += 1;
    try {
      await next();
    } finally {
      this.inFlight -= 1;
      if (this.inFlight === 0) for (const wake of this.waiters) wake();
    }
  };

  /** Stops taking new requests; resolves true once those inside have answered, false after `timeoutMs`. */
  async drain(timeoutMs: number): Promise<boolean> {
    this.draining = true;
    if (this.inFlight === 0) return true;
    return new Promise((resolve) => {
      const done = (idle: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(idle);
      };
      const wake = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.waiters.add(wake);
    });
  }
}
