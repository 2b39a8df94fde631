// Body reading shared by the fake PGs' routers; each PG answers a malformed body in its own shape.
import type { Context, Middleware } from 'koa';
import { bodyParser } from '@koa/bodyparser';

/** A middleware parsing `types` bodies; a malformed body is answered by `refuse` (a 4xx), not a stack trace. */
export function bodyParsing(types: Array<'json' | 'form'>, refuse: (ctx: Context, error: Error & { status?: number }) => void): Middleware {
  const parser = bodyParser({ enableTypes: types, jsonLimit: '100kb', formLimit: '100kb' });
  return async (ctx, next) => {
    try {
      await parser(ctx, async () => undefined);
    } catch (err) {
      return refuse(ctx, err as Error & { status?: number });
    }
    await next();
  };
}

/** The parsed body when it is an object, else {}. */
export function bodyOf(ctx: Context): Record<string, unknown> {
  const b = ctx.request.body;
  return b && typeof b === 'object' && !Array.isArray(b) ? (b as Record<string, unknown>) : {};
}
