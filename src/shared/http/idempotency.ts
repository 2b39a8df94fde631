import { createHash } from 'node:crypto';
import type { Context, Middleware } from 'koa';
import type { Clock } from '../application/clock.port';
import { DatabaseUnavailableError } from '../application/database.errors';
import type { IdempotencyRecord, IdempotencyStore } from '../application/idempotency-store.port';
import type { Logger } from '../application/logger.port';
import { DomainError } from '../domain/domain-error';
import { answerNotFoundIfUnanswered, writeError } from './error-middleware';
import { currentUserId } from './session';
import { InvalidRequestError } from './validate';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** A request answers within 15 s; a claim still open after this belongs to a process that died. */
export const IN_FLIGHT_LEASE_MS = 60 * 1000;
const KEY_SHAPE = /^[\x21-\x7e]{1,255}$/;

export class IdempotencyKeyReusedError extends DomainError {
  constructor() {
    super('rule_violation', 'idempotency_key_reused', 'this Idempotency-Key was used with another request body');
  }
}

export class IdempotencyKeyInUseError extends DomainError {
  constructor() {
    super('conflict', 'idempotency_key_in_use', 'a request with this Idempotency-Key is still running; try again shortly');
  }
}

/** JSON with keys sorted at every level, so `{a,b}` and `{b,a}` are the same body. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function scopeOf(ctx: Context): string {
  const userId = currentUserId(ctx);
  const principal = userId ? `user:${userId}` : `ip:${ctx.ip}`;
  const route = `${ctx.method} ${ctx.path}`;
  const scope = `${principal} ${route}`;
  return scope.length <= 150 ? scope : `${principal.slice(0, 80)} ${sha256(route)}`;
}

/**
 * `Idempotency-Key` on a POST or DELETE: the first request runs and its answer (2xx-4xx) is kept 24 h; a
 * replay with the same body gets that answer again with `Idempotent-Replayed: true`. Runs after
 * the body parser (the fingerprint is the parsed, alias-normalised body) and the session (the scope).
 */
export function idempotencyMiddleware(store: IdempotencyStore, clock: Clock): Middleware {
  return async (ctx, next) => {
    const key = ctx.get('Idempotency-Key');
    if ((ctx.method !== 'POST' && ctx.method !== 'DELETE') || key === '') return next();
    if (!KEY_SHAPE.test(key)) {
      throw new InvalidRequestError([{ field: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' }], 'the Idempotency-Key header is not valid');
    }
    const now = clock.now();
    const scope = scopeOf(ctx);
    const fingerprint = sha256(canonicalJson(ctx.request.body ?? null));
    const claim = await store.claim(
      { scope, key, fingerprint, createdAt: now, expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS) },
      new Date(now.getTime() - IN_FLIGHT_LEASE_MS),
    );
    if (!claim.claimed) return replay(ctx, claim.existing, fingerprint);

    try {
      await next();
      answerNotFoundIfUnanswered(ctx);
    } catch (error) {
      writeError(ctx, error, ctx.state.logger as Logger);
    }
    await keepForReplays(ctx, () => (ctx.status >= 500
      ? store.release(scope, key)
      : store.complete(scope, key, ctx.status, ctx.body === null || ctx.body === undefined ? null : JSON.stringify(ctx.body))));
  };
}

/**
 * Stores what a replay of the key answers. The request's work is done by then and its answer says
 * what happened: a database that gives no connection for this write (overload) must not turn that
 * answer into a 503. The key then stays claimed until its lease lapses, as after a crash.
 */
async function keepForReplays(ctx: Context, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (!(error instanceof DatabaseUnavailableError)) throw error;
    (ctx.state.logger as Logger).warn({ code: error.code, reason: error.message, status: ctx.status }, 'answer sent without keeping it for Idempotency-Key replays');
  }
}

function replay(ctx: Context, record: IdempotencyRecord, fingerprint: string): void {
  if (record.fingerprint !== fingerprint) throw new IdempotencyKeyReusedError();
  if (record.statusCode === null) throw new IdempotencyKeyInUseError();
  ctx.set('Idempotent-Replayed', 'true');
  ctx.status = record.statusCode;
  ctx.body = record.responseBody === null ? null : JSON.parse(record.responseBody);
  // Koa turns a null body into 204; the stored status stands.
  ctx.status = record.statusCode;
}
