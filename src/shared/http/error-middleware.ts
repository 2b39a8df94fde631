import type { Context, Middleware } from 'koa';
import type { Logger } from '../application/logger.port';
import { DomainError, type ErrorKind } from '../domain/domain-error';

/** The one table from a domain error's kind to an HTTP status. */
export const STATUS_BY_KIND: Record<ErrorKind, number> = {
  invalid_input: 400,
  not_found: 404,
  conflict: 409,
  rule_violation: 422,
  unauthenticated: 401,
  forbidden: 403,
  rate_limited: 429,
  gateway_rejected: 502,
  gateway_unavailable: 503,
  unavailable: 503,
};

export interface ErrorBody {
  works: false;
  error: { code: string; message: string; details?: unknown };
}

/** Errors thrown by Koa's own parts (body parser, router) carry an HTTP status; these are the ones a client caused. */
const HTTP_ERRORS: Record<number, { code: string; message: string }> = {
  400: { code: 'invalid_request', message: 'the request body cannot be parsed' },
  405: { code: 'method_not_allowed', message: 'this method is not allowed here' },
  413: { code: 'payload_too_large', message: 'the request body is too large' },
  415: { code: 'unsupported_media_type', message: 'send JSON (or a form for the webhook)' },
};

export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return { works: false, error: details === undefined ? { code, message } : { code, message, details } };
}

/**
 * What a 503 says: the adapters' own messages name hosts, paths and library errors (`... (ENOTFOUND)`),
 * which go to the log only. A 502 keeps its message: it is the gateway's own answer to show the buyer.
 */
const UNAVAILABLE_MESSAGE = 'the payment gateway did not answer; the outcome is unknown and will be checked again';

/**
 * Overload (the database gave no connection in time): the same answer whatever the adapter said, and a
 * Retry-After as long as /readyz keeps a result, so a load balancer has seen the instance not ready by then.
 */
export const OVERLOAD_RETRY_AFTER_S = 5;
const OVERLOAD_MESSAGE = 'the service is busy and could not handle this request; try again in a few seconds';

export interface ErrorAnswer {
  status: number;
  body: ErrorBody;
  headers?: Record<string, string>;
}

/** The answer for any thrown value: a domain error by the table, a client's HTTP error by its status, anything else 500 with no detail. */
export function errorAnswer(error: unknown): ErrorAnswer {
  if (error instanceof DomainError) {
    const status = STATUS_BY_KIND[error.kind] ?? 500;
    if (error.kind === 'gateway_unavailable') return { status, body: errorBody(error.code, UNAVAILABLE_MESSAGE) };
    if (error.kind === 'unavailable') {
      return {
        status,
        body: errorBody(error.code, OVERLOAD_MESSAGE, { retry_after_s: OVERLOAD_RETRY_AFTER_S }),
        headers: { 'Retry-After': String(OVERLOAD_RETRY_AFTER_S) },
      };
    }
    return { status, body: errorBody(error.code, error.message, error.details) };
  }
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const known = HTTP_ERRORS[status] ?? { code: 'invalid_request', message: 'the request cannot be handled' };
    return { status, body: errorBody(known.code, known.message) };
  }
  return { status: 500, body: errorBody('internal_error', 'something went wrong on our side; it has been logged') };
}

/**
 * Writes the error answer on the context. A 5xx of a known kind (the gateway, overload) is logged as a
 * warning with its reason; any other 5xx with its stack (the stack never goes out).
 */
export function writeError(ctx: Context, error: unknown, logger: Logger): void {
  const { status, body, headers } = errorAnswer(error);
  if (status >= 500) {
    const e = error as Error;
    if (error instanceof DomainError) {
      logger.warn({ code: error.code, reason: error.message, status }, error.kind === 'unavailable' ? 'request answered as overloaded' : 'request answered without the gateway');
    } else {
      logger.error({ err: { name: e?.name, message: e?.message, stack: e?.stack }, status }, 'request failed');
    }
  }
  if (headers) ctx.set(headers);
  ctx.status = status;
  ctx.body = body;
}

/** Nothing answered: the route does not exist. */
export function answerNotFoundIfUnanswered(ctx: Context): void {
  if (ctx.status === 404 && (ctx.body === undefined || ctx.body === null)) {
    ctx.status = 404;
    ctx.body = errorBody('not_found', `no route ${ctx.method} ${ctx.path}`);
  }
}

export function errorMiddleware(fallbackLogger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      answerNotFoundIfUnanswered(ctx);
    } catch (error) {
      writeError(ctx, error, (ctx.state.logger as Logger | undefined) ?? fallbackLogger);
    }
  };
}
