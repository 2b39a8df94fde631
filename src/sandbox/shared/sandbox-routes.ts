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

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/**
 * Whether a request comes from this machine and no further: a loopback peer (or one connecting to
 * its own address), with no proxy header saying it relays someone else. Proxy headers are never
 * believed here: a local reverse proxy in front of a sandbox relays the world.
 */
export function isLocalRequest(ctx: Context): boolean {
  const socket = ctx.req.socket;
  const remote = socket.remoteAddress ?? '';
  const local = LOOPBACK.test(remote) || (remote !== '' && remote === socket.localAddress);
  return local && ctx.get('X-Forwarded-For') === '' && ctx.get('Forwarded') === '' && ctx.get('X-Real-IP') === '';
}

/**
 * The sandbox's server side (its REST API with the public sandbox credentials, the control knobs,
 * its state) answers this machine only, and never a browser page: a request with an `Origin` is a
 * page making the developer's own browser post here (a cross-site form can reset the sandbox).
 * `forbidden` answers anyone else in the PG's own error shape.
 */
export function localOnly(forbidden: (ctx: Context) => void): Middleware {
  return async (ctx, next) => {
    if (!isLocalRequest(ctx) || ctx.get('Origin') !== '') return forbidden(ctx);
    await next();
  };
}

export interface ControlRouteDeps<F extends RestFaults> {
  faults: FaultInjector<F>;
  /** Forgets the sandbox's state; faults go back to the initial ones. */
  reset: () => void;
  /** The sandbox's own body parser (its refusal shape, the body types it takes). */
  parseBody: Middleware;
}

/** The control panel's refusal for a caller that is not on this machine. */
export const controlForbidden = localOnly((ctx) => {
  ctx.status = 403;
  ctx.body = { error: 'the sandbox control routes answer this machine only' };
});

/** `GET|POST /__sandbox/control` (read or patch the fault knobs) and `POST /__sandbox/reset`, for this machine only. */
export function registerControlRoutes<F extends RestFaults>(router: Router, { faults, reset, parseBody }: ControlRouteDeps<F>): void {
  router.get('/__sandbox/control', controlForbidden, (ctx) => {
    ctx.body = { faults: faults.current };
  });
  router.post('/__sandbox/control', controlForbidden, parseBody, (ctx) => {
    ctx.body = { faults: faults.set(bodyOf(ctx)) };
  });
  router.post('/__sandbox/reset', controlForbidden, (ctx) => {
    reset();
    ctx.status = 204;
  });
}
