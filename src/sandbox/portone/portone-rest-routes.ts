// The PortOne V2 REST paths memberpay uses, at the root of the sandbox's own port (the official
// server SDK drops any path in its base URL), with `Authorization: PortOne <secret>` and V2's
// `{type, message}` on every non-2xx answer.
import type { Context, Middleware, Next } from 'koa';
import type { Router } from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import type { FaultInjector } from '../shared/fault-injector.js';
import { bodyOf } from '../shared/sandbox-http.js';
import { localOnly } from '../shared/sandbox-routes.js';
import type { PortOneFaults } from './portone-faults.js';
import { ERR, type Outcome, type PortOneStore } from './portone-store.js';

export interface RestRouteDeps {
  store: PortOneStore;
  faults: FaultInjector<PortOneFaults>;
  apiSecret: string;
  storeId: string;
}

export function answer<T>(ctx: Context, outcome: Outcome<T>): void {
  ctx.status = outcome.ok ? 200 : outcome.status;
  ctx.body = outcome.ok ? outcome.value : outcome.error;
}

/**
 * The SDK posts `JSON.stringify`d bodies with no Content-Type (Node's fetch sends text/plain), so
 * every body is read as JSON whatever its type; one that is not JSON is a 400 INVALID_REQUEST.
 */
export const parseJsonBody: Middleware = (() => {
  const parser = bodyParser({ enableTypes: ['json'], detectJSON: () => true, jsonLimit: '100kb' });
  return async (ctx: Context, next: Next) => {
    try {
      await parser(ctx, async () => undefined);
    } catch {
      return answer(ctx, ERR.invalid('the body is not JSON'));
    }
    await next();
  };
})();

export function registerRestRoutes(router: Router, { store, faults, apiSecret, storeId }: RestRouteDeps): void {
  const expected = `PortOne ${apiSecret}`;
  const auth = async (ctx: Context, next: Next): Promise<void> => {
    if (ctx.get('authorization') !== expected) {
      ctx.status = 401;
      ctx.body = { type: 'UNAUTHORIZED', message: '인증 정보가 올바르지 않습니다.' };
      return;
    }
    await next();
  };
  /** `storeId` may come in the body or the query; defaults to the secret's store, and no other is ours. */
  const sameStore = async (ctx: Context, next: Next): Promise<void> => {
    const asked = bodyOf(ctx).storeId ?? ctx.query.storeId;
    if (asked !== undefined && asked !== storeId) return answer(ctx, ERR.forbidden());
    await next();
  };
  // The REST API takes the public sandbox secret: only this machine (the app) may call it.
  const thisMachine = localOnly((ctx) => {
    ctx.status = 403;
    ctx.body = { type: 'FORBIDDEN', message: 'the sandbox REST API answers this machine only' };
  });
  const rest = [thisMachine, faults.middleware, auth, parseJsonBody, sameStore];

  router.post('/payments/:paymentId/pre-register', ...rest, (ctx) => {
    const b = bodyOf(ctx);
    answer(ctx, store.preRegister(ctx.params.paymentId, { totalAmount: b.totalAmount, currency: b.currency }));
  });
  router.get('/payments/:paymentId', ...rest, (ctx) => answer(ctx, store.getPayment(ctx.params.paymentId)));
  router.post('/payments/:paymentId/cancel', ...rest, (ctx) => {
    const b = bodyOf(ctx);
    answer(ctx, store.cancel(ctx.params.paymentId, { reason: b.reason, amount: b.amount, currentCancellableAmount: b.currentCancellableAmount }));
  });
  router.post('/payments/:paymentId/billing-key', ...rest, (ctx) => {
    const b = bodyOf(ctx);
    answer(ctx, store.payWithBillingKey(ctx.params.paymentId, {
      billingKey: b.billingKey, orderName: b.orderName, amount: b.amount, currency: b.currency, customer: b.customer,
      customData: b.customData, noticeUrls: b.noticeUrls,
    }));
  });
  router.get('/billing-keys/:billingKey', ...rest, (ctx) => answer(ctx, store.getBillingKey(ctx.params.billingKey)));
  // `reason` and `requester` come in the query; DELETE has no body.
  router.delete('/billing-keys/:billingKey', ...rest, (ctx) => answer(ctx, store.deleteBillingKey(ctx.params.billingKey)));
}

/**
 * Last on the sandbox's own port: any other path or method answers V2's error shape, so a client
 * (the SDK parses every non-2xx body as JSON) gets a typed error, never a text page.
 */
export function registerUnknownRoute(router: Router): void {
  router.all('/{*path}', (ctx) => {
    ctx.status = 404;
    ctx.body = { type: 'NOT_FOUND', message: `${ctx.method} ${ctx.path} is not a PortOne V2 API this sandbox offers` };
  });
}
