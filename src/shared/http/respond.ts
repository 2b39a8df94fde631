import type { Context } from 'koa';

/** `{works:true, ...payload}` with the status. Payload fields sit at the top level beside `works`. */
export function answer(ctx: Context, payload: Record<string, unknown>, status = 200): void {
  ctx.status = status;
  ctx.body = { works: true, ...payload };
}

export function noContent(ctx: Context): void {
  ctx.status = 204;
  ctx.body = null;
}
