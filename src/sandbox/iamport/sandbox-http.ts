// Small HTTP helpers shared by the sandbox's routers: the Iamport envelope,
// body parsing (JSON and form, as Iamport accepts both) and lenient field reading.
import type { Context } from 'koa';
import { bodyParsing } from '../shared/sandbox-http.js';
import type { Outcome, Refusal } from './sandbox-store.js';

export function reply(ctx: Context, response: unknown, status = 200): void {
  ctx.status = status;
  ctx.body = { code: 0, message: null, response };
}

export function refuse(ctx: Context, r: Pick<Refusal, 'code' | 'message' | 'status'>): void {
  ctx.status = r.status;
  ctx.body = { code: r.code, message: r.message, response: null };
}

export function answer<T>(ctx: Context, outcome: Outcome<T>, shape: (v: T) => unknown = (v) => v): void {
  if (outcome.ok) reply(ctx, shape(outcome.value));
  else refuse(ctx, outcome);
}

export const badRequest = (ctx: Context, message: string): void => refuse(ctx, { code: -1, message, status: 400 });

/** Parses JSON or form bodies; a malformed body is a 4xx with the envelope. */
export const parseBody = bodyParsing(['json', 'form'], (ctx, err) => {
  const status = err.status ?? 400;
  refuse(ctx, { code: -1, message: `요청 본문을 해석할 수 없습니다. (${err.message})`, status: status >= 400 && status < 500 ? status : 400 });
});

/** A non-empty string, or null (numbers from forms are accepted as text). */
export function str(v: unknown): string | null {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') return null;
  const t = v.trim();
  return t === '' ? null : t;
}

/** undefined when absent or empty, NaN when present but not a number (form bodies send text). */
export function num(v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') return Number(v);
  return Number.NaN;
}

/** Iamport's paged list shape `{total, previous, next, list}`. */
export function paged<T>(items: T[], pageParam: unknown, limitParam: unknown, maxLimit = 1000): { total: number; previous: number; next: number; list: T[] } {
  const limit = Math.min(maxLimit, Math.max(1, Math.floor(num(limitParam) || 20)));
  const page = Math.max(1, Math.floor(num(pageParam) || 1));
  const list = items.slice((page - 1) * limit, page * limit);
  return { total: items.length, previous: page > 1 ? page - 1 : 0, next: page * limit < items.length ? page + 1 : 0, list };
}
