// The Toss core API V1 paths the adapter uses, with Basic auth (`base64(secretKey + ':')`) and
// Toss's error object `{code, message}` on every refusal.
import type { Context, Next } from 'koa';
import type { Router } from '@koa/router';
import type { Outcome, TossStore } from './toss-store.js';
import type { FaultInjector, RestFaults } from '../shared/fault-injector.js';
import { bodyOf, bodyParsing } from '../shared/sandbox-http.js';
import { localOnly } from '../shared/sandbox-routes.js';

export interface RestRouteDeps {
  store: TossStore;
  faults: FaultInjector<RestFaults>;
  secretKey: string;
}

function answer<T>(ctx: Context, outcome: Outcome<T>): void {
  ctx.status = outcome.ok ? 200 : outcome.status;
  ctx.body = outcome.ok ? outcome.value : outcome.error;
}

const parseBody = bodyParsing(['json'], (ctx, err) => {
  ctx.status = 400;
  ctx.body = { code: 'INVALID_REQUEST', message: `잘못된 요청입니다. (${err.message})` };
});

export function registerRestRoutes(router: Router, { store, faults, secretKey }: RestRouteDeps): void {
  const expected = `Basic ${Buffer.from(`${secretKey}:`).toString('base64')}`;
  const auth = async (ctx: Context, next: Next): Promise<void> => {
    if (ctx.get('authorization') !== expected) {
      ctx.status = 401;
      ctx.body = { code: 'UNAUTHORIZED_KEY', message: '인증되지 않은 시크릿 키 혹은 클라이언트 키 입니다.' };
      return;
    }
    await next();
  };
  /** Replays the first answer under the same Idempotency-Key, method and path. */
  const idempotent = async (ctx: Context, next: Next): Promise<void> => {
    const key = ctx.get('idempotency-key');
    if (!key) return next();
    const scope = `${ctx.method} ${ctx.path} ${key}`;
    const seen = store.replyOf(scope);
    if (seen) {
      ctx.status = seen.status;
      ctx.body = structuredClone(seen.body);
      return;
    }
    await next();
    store.rememberReply(scope, { status: ctx.status, body: structuredClone(ctx.body) });
  };
  // The REST API takes the public sandbox secret key: only this machine (the app) may call it.
  const thisMachine = localOnly((ctx) => {
    ctx.status = 403;
    ctx.body = { code: 'FORBIDDEN_REQUEST', message: 'the sandbox REST API answers this machine only' };
  });
  const rest = [thisMachine, faults.middleware, auth];

  router.post('/v1/payments/confirm', ...rest, parseBody, (ctx) => {
    const b = bodyOf(ctx);
    answer(ctx, store.confirm({ paymentKey: b.paymentKey, orderId: b.orderId, amount: b.amount }));
  });
  router.get('/v1/payments/orders/:orderId', ...rest, (ctx) => answer(ctx, store.getByOrderId(ctx.params.orderId)));
  router.get('/v1/payments/:paymentKey', ...rest, (ctx) => answer(ctx, store.getPayment(ctx.params.paymentKey)));
  router.post('/v1/payments/:paymentKey/cancel', ...rest, parseBody, idempotent, (ctx) => {
    const b = bodyOf(ctx);
    answer(ctx, store.cancel(ctx.params.paymentKey, { cancelReason: b.cancelReason, cancelAmount: b.cancelAmount, refundableAmount: b.refundableAmount }));
  });
  router.post('/v1/billing/authorizations/issue', ...rest, parseBody, (ctx) => {
    const b = bodyOf(ctx);
    answer(ctx, store.issueBillingKey({ authKey: b.authKey, customerKey: b.customerKey }));
  });
  router.post('/v1/billing/:billingKey', ...rest, parseBody, (ctx) => {
    const b = bodyOf(ctx);
    answer(ctx, store.chargeBilling(ctx.params.billingKey, { customerKey: b.customerKey, amount: b.amount, orderId: b.orderId, orderName: b.orderName }));
  });
  router.delete('/v1/billing/:billingKey', ...rest, (ctx) => answer(ctx, store.deleteBillingKey(ctx.params.billingKey)));
}
