import type { Context } from 'koa';

/** `{works:true, ...payload}` with the status. Payload fields sit at the top level beside `works`. */
export function answer(ctx: Context, payload: Record<string, unknown>, status = 200): void {
  ctx.status = status;
  ctx.body = { works: true, ...payload };
}

/**
 * A refund's answer (DESIGN §6 "Refund outcomes"): one the gateway has not confirmed is 202 with
 * works:false, never a success; a confirmed one (or none asked) is 200.
 */
export function answerRefund(ctx: Context, payload: Record<string, unknown> & { refund: { status: string } | null }): void {
  if (payload.refund?.status === 'pending') {
    ctx.status = 202;
    ctx.body = { works: false, ...payload };
    return;
  }
  answer(ctx, payload);
}

export function noContent(ctx: Context): void {
  ctx.status = 204;
  ctx.body = null;
}
