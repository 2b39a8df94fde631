import { createHash, randomBytes } from 'node:crypto';
import type Koa from 'koa';
import type { Context, Middleware } from 'koa';
import createSession from 'koa-session';
import type { Clock } from '../application/clock.port';
import type { SessionStore } from '../application/session-store.port';
import { DatabaseUnavailableError } from '../application/database.errors';
import { DomainError } from '../domain/domain-error';

export const SESSION_COOKIE = 'memberpay.sid';
export const SESSION_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;
/** ctx.state: the cookie id of the session this request read from the store. */
const LOADED_SESSION_KEY = 'loadedSessionKey';
/** ctx.state: the cookie id and content of the session this request wrote. */
const WRITTEN_SESSION = 'writtenSession';

/** A session's data without koa-session's expiry fields, which it sets anew on each write. */
function contentOf(data: Record<string, unknown>): string {
  const { _expire: _e, _maxAge: _m, ...content } = data;
  return JSON.stringify(content);
}

export interface SessionSettings {
  secret: string;
  /** Secure cookies when the public URL is https. */
  secure: boolean;
  store: SessionStore;
  clock: Clock;
  maxAgeMs?: number;
}

/** The store sees a hash of the cookie's id: a copy of the table cannot be replayed as cookies. */
export function storedSessionId(cookieId: string): string {
  return createHash('sha256').update(cookieId).digest('base64url');
}

/** Session cookie (httpOnly, SameSite=Lax, signed) pointing at a server-side session in the store. */
export function sessionMiddleware(app: Koa<any, any>, settings: SessionSettings): Middleware {
  app.keys = [settings.secret];
  const { store, clock } = settings;
  return createSession({
    key: SESSION_COOKIE,
    maxAge: settings.maxAgeMs ?? SESSION_MAX_AGE_MS,
    httpOnly: true,
    signed: true,
    sameSite: 'lax',
    secure: settings.secure,
    renew: true,
    genid: () => randomBytes(32).toString('base64url'),
    store: {
      async get(key: string, _maxAge: unknown, options?: { ctx?: Context }) {
        const session = await store.get(storedSessionId(key), clock.now());
        if (session && options?.ctx) options.ctx.state[LOADED_SESSION_KEY] = key;
        return session?.data ?? null;
      },
      async set(key: string, data: Record<string, unknown>, maxAge: number, options?: { changed?: boolean; ctx?: Context }) {
        const userId = typeof data.userId === 'string' ? data.userId : null;
        const written = `${key} ${contentOf(data)}`;
        try {
          await store.set(storedSessionId(key), { data, userId, expiresAt: new Date(clock.now().getTime() + maxAge) });
          if (options?.ctx) options.ctx.state[WRITTEN_SESSION] = written;
        } catch (error) {
          // Writes koa-session makes after the route's work that change nothing the store does not hold: a renewal of
          // the session this request read (unchanged, same id), or the session a login wrote already (koa-session
          // writes it again at the end). The session stays valid to its current expiry, so the answer of work done is
          // not turned into a 503. A login's new session or changed data still fails.
          const renewal = options?.changed === false && options.ctx?.state[LOADED_SESSION_KEY] === key;
          const again = options?.ctx?.state[WRITTEN_SESSION] === written;
          if (!((renewal || again) && error instanceof DatabaseUnavailableError)) throw error;
        }
      },
      async destroy(key: string) {
        await store.destroy(storedSessionId(key));
      },
    },
  }, app);
}

interface SessionLike {
  userId?: string;
  externalKey?: string;
  regenerate(): Promise<void>;
}

function sessionOf(ctx: Context): SessionLike | null {
  return ((ctx as unknown as { session?: SessionLike | null }).session) ?? null;
}

/** The logged-in user's id, or null. */
export function currentUserId(ctx: Context): string | null {
  const userId = sessionOf(ctx)?.userId;
  return typeof userId === 'string' && userId ? userId : null;
}

/** The logged-in user's id; 401 `unauthenticated` otherwise. */
export function requireUserId(ctx: Context): string {
  const userId = currentUserId(ctx);
  if (!userId) throw new DomainError('unauthenticated', 'unauthenticated', 'log in first');
  return userId;
}

/**
 * A guard for routers whose paths carry ids: logged out, every method answers 401 before the
 * router could answer 405 and tell a stranger which methods a path has.
 */
export const signedInOnly: Middleware = async (ctx, next) => {
  requireUserId(ctx);
  await next();
};

/** Logs the user in under a fresh session id (no session fixation). */
export async function startUserSession(ctx: Context, userId: string): Promise<void> {
  const session = sessionOf(ctx);
  if (!session) throw new Error('the session middleware is not mounted');
  session.userId = userId;
  await session.regenerate();
}

/** The store's id of the current session (for a server-side logout), or null. */
export function currentStoredSessionId(ctx: Context): string | null {
  const key = sessionOf(ctx)?.externalKey;
  return key ? storedSessionId(key) : null;
}

export function endUserSession(ctx: Context): void {
  (ctx as unknown as { session: null }).session = null;
}
