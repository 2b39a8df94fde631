import type { Context, Middleware, Next } from 'koa';
import { SecretToken } from '../application/secret-token';
import { DomainError } from '../domain/domain-error';

/** An HTTP-level refusal of the body's media type (the error middleware maps 415 to `unsupported_media_type`). */
export class UnsupportedMediaTypeError extends Error {
  readonly status = 415;
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/**
 * The origins a browser page of ours has: PUBLIC_URL's. On a loopback PUBLIC_URL the other loopback
 * names of the same scheme and port are the same machine, and no other site can be served there.
 */
export function pageOrigins(publicUrl: string): Set<string> {
  const url = new URL(publicUrl);
  const origins = new Set([url.origin]);
  if (LOOPBACK_NAMES.includes(url.hostname)) {
    for (const name of LOOPBACK_NAMES) origins.add(`${url.protocol}//${name}${url.port ? `:${url.port}` : ''}`);
  }
  return origins;
}

/** A route that uses the session answers only our own pages: an `Origin` of another site gets 403 `forbidden_origin`. */
export function sameOriginOnly(origins: Set<string>): Middleware {
  return async (ctx: Context, next: Next) => {
    const origin = ctx.get('Origin');
    if (origin !== '' && !origins.has(origin)) {
      throw new DomainError('forbidden', 'forbidden_origin', 'this request comes from another site; use the page at PUBLIC_URL');
    }
    await next();
  };
}

const isJson = (type: string) => type === 'application/json' || type.endsWith('+json');
const isForm = (type: string) => type === 'application/x-www-form-urlencoded';

/** A request that declares a type, or carries a body, must be of an accepted type; a bare POST is fine. */
function bodyTypes(accepts: (type: string) => boolean, what: string): Middleware {
  return async (ctx: Context, next: Next) => {
    if (ctx.method === 'GET' || ctx.method === 'HEAD') return next();
    const hasBody = ctx.get('Transfer-Encoding') !== '' || Number(ctx.get('Content-Length') || 0) > 0;
    if ((hasBody || ctx.get('Content-Type') !== '') && !accepts(ctx.request.type)) throw new UnsupportedMediaTypeError(`send ${what}`);
    await next();
  };
}

/** State-changing routes take JSON only: a form post from another site cannot reach them. */
export const jsonBodyOnly: Middleware = bodyTypes(isJson, 'JSON (Content-Type: application/json)');

/** Gateways post notices as JSON or as a form. */
export const jsonOrFormBody: Middleware = bodyTypes((type) => isJson(type) || isForm(type), 'JSON or a form');

/** The token of `Authorization: Bearer <token>`, or undefined when the request presents none. */
export function presentedBearerToken(ctx: Context): string | undefined {
  return /^Bearer (.+)$/i.exec(ctx.get('authorization'))?.[1];
}

/** `Authorization: Bearer <token>`, compared in constant time; 401 `unauthenticated` otherwise. */
export function bearerToken(token: string, what: string): Middleware {
  const secret = new SecretToken(token);
  return async (ctx: Context, next: Next) => {
    if (!secret.matches(presentedBearerToken(ctx) ?? '')) throw new DomainError('unauthenticated', 'unauthenticated', `a valid ${what} is required`);
    await next();
  };
}

/** Only the listed client addresses (as TRUST_PROXY_HOPS derives them) may call; empty = anyone. 403 `forbidden_sender` otherwise. */
export function allowedSenders(addresses: string[]): Middleware {
  const allowed = new Set(addresses);
  return async (ctx: Context, next: Next) => {
    if (allowed.size > 0 && !allowed.has(ctx.ip.replace(/^::ffff:/, ''))) {
      throw new DomainError('forbidden', 'forbidden_sender', 'notices are accepted from the configured sender addresses only');
    }
    await next();
  };
}
