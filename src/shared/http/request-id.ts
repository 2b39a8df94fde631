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
    // The child is made when something asks for it (an error's log line): making one costs pino a
    // redaction pass over its bindings, every request (issue 16). The request line needs none: the
    // parent with requestId first writes the same line.
    let child: Logger | undefined;
    Object.defineProperty(ctx.state, 'logger', { get: () => (child ??= logger.child({ requestId })), enumerable: true, configurable: true });
    ctx.set('X-Request-Id', requestId);
    const started = performance.now();
    try {
      await next();
    } finally {
      (child ?? logger).info(
        { ...(child ? {} : { requestId }), method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(performance.now() - started) },
        'request',
      );
    }
  };
}
