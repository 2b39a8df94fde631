import { Router } from '@koa/router';
import type Koa from 'koa';
import type { Middleware } from 'koa';

/**
 * The one way to make a router: paths match exactly, case-sensitively, with no trailing-slash
 * leniency. A looser match than the guards see is how `/API/admin/...` once skipped the admin token.
 */
export function createRouter(options: { prefix?: string } = {}): Router {
  return new Router({ ...options, sensitive: true, strict: true });
}

/** An HTTP-level refusal (the error middleware maps 405 to `method_not_allowed`); the domain has no notion of methods. */
/** The name of the per-path layer that answers the methods a path has no route for. */
const OTHER_METHODS = 'other-methods';

export class MethodNotAllowedError extends Error {
  readonly status = 405;
  constructor(readonly allow: string[]) {
    super(`this path answers ${allow.join(', ')} only`);
  }
}

/**
 * Puts `guards` on every route of `router` itself (never on a prefix match), and answers every
 * other method of each path (OPTIONS with `Allow`, else 405) behind the same guards, so a method
 * the router does not know cannot tell an unauthenticated caller what exists.
 */
export function guardRoutes(router: Router, guards: Middleware[]): Router {
  const methodsByPath = new Map<string, Set<string>>();
  for (const layer of router.stack) {
    if (layer.methods.length === 0) continue;
    const path = String(layer.path);
    const methods = methodsByPath.get(path) ?? new Set<string>();
    for (const method of layer.methods) methods.add(method);
    methodsByPath.set(path, methods);
  }
  for (const [path, methods] of methodsByPath) {
    const allow = [...methods, 'OPTIONS'];
    // Registered without the prefix the layers already carry.
    const bare = router.opts.prefix ? path.slice(router.opts.prefix.length) || '/' : path;
    router.all(OTHER_METHODS, bare, (ctx) => {
      ctx.set('Allow', allow.join(', '));
      if (ctx.method !== 'OPTIONS') throw new MethodNotAllowedError(allow);
      ctx.status = 204;
    });
  }
  for (const layer of router.stack) layer.stack.unshift(...guards);
  return router;
}

/** Mounts a router's routes on the app (no `allowedMethods`: `guardRoutes` answers other methods behind the guards). */
export function mountRouter(app: Koa<any, any>, router: Router, guards: Middleware[] = []): void {
  app.use(guardRoutes(router, guards).routes());
}

/** A route the app mounts: its method (HEAD left out: the router derives it from GET) and its Koa pattern. */
export interface MountedRoute {
  method: string;
  path: string;
}

/** Every route mounted on the app, read from its routers (the API document and the security sweep are checked against it). */
export function mountedRoutes(app: Koa<any, any>): MountedRoute[] {
  const routes = new Map<string, MountedRoute>();
  for (const middleware of app.middleware) {
    const router = (middleware as { router?: Router }).router;
    if (!router) continue;
    for (const layer of router.stack) {
      if (layer.name === OTHER_METHODS) continue;
      for (const method of layer.methods) {
        if (method !== 'HEAD') routes.set(`${method} ${String(layer.path)}`, { method, path: String(layer.path) });
      }
    }
  }
  return [...routes.values()].sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`));
}
