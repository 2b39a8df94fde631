// Routes every fake PG has beside its REST API: CORS for the browser's calls, the SDK stand-in,
// and the control panel's fault knobs and reset.
import type { Context, Middleware, Next } from 'koa';
import type { Router } from '@koa/router';
import type { FaultInjector, RestFaults } from './fault-injector.js';
import { bodyOf } from './sandbox-http.js';

/** Browser pages may load sdk.js from another origin (standalone sandbox on its own port, app elsewhere). */
export async function cors(ctx: Context, next: Next): Promise<void> {
  ctx.set('Access-Control-Allow-Origin', '*');
  ctx.set('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
  ctx.set('Access-Control-Allow-Headers', 'content-type');
  if (ctx.method === 'OPTIONS') {
    ctx.status = 204;
    return;
  }
  await next();
}

/** `GET /sdk.js`: the PG's browser SDK stand-in, never cached. */
export function registerSdkRoute(router: Router, source: string): void {
  router.get('/sdk.js', cors, (ctx) => {
    ctx.type = 'application/javascript; charset=utf-8';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = source;
  });
}

export interface ControlRouteDeps<F extends RestFaults> {
  faults: FaultInjector<F>;
  /** Forgets the sandbox's state; faults go back to the initial ones. */
  reset: () => void;
  /** The sandbox's own body parser (its refusal shape, the body types it takes). */
  parseBody: Middleware;
}

/** `GET|POST /__sandbox/control` (read or patch the fault knobs) and `POST /__sandbox/reset`. */
export function registerControlRoutes<F extends RestFaults>(router: Router, { faults, reset, parseBody }: ControlRouteDeps<F>): void {
  router.get('/__sandbox/control', (ctx) => {
    ctx.body = { faults: faults.current };
  });
  router.post('/__sandbox/control', parseBody, (ctx) => {
    ctx.body = { faults: faults.set(bodyOf(ctx)) };
  });
  router.post('/__sandbox/reset', (ctx) => {
    reset();
    ctx.status = 204;
  });
}
