import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from '../application/logger.port';

const ACCEPTED_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Takes the caller's `X-Request-Id` (when sane) or makes one, echoes it, and gives the request a child logger carrying it. */
export function requestIdMiddleware(logger: Logger): Middleware {
  return async (ctx, next) => {
    const given = ctx.get('X-Request-Id');
    const requestId = ACCEPTED_ID.test(given) ? given : randomUUID();
    ctx.state.requestId = requestId;
    ctx.state.logger = logger.child({ requestId });
    ctx.set('X-Request-Id', requestId);
    const started = performance.now();
    try {
      await next();
    } finally {
      (ctx.state.logger as Logger).info(
        { method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(performance.now() - started) },
        'request',
      );
    }
  };
}
