// Routes that are not Toss's: the browser SDK stand-in (`/sdk.js`, the window's calls) and the
// sandbox's control panel. No fault knobs here: they simulate Toss's REST side, while the buyer's
// window must stay usable to reach those failures at all.
import { readFileSync } from 'node:fs';
import type { Context } from 'koa';
import type { Router } from '@koa/router';
import { TOSS_CARD_KINDS, TOSS_TEST_CARDS, parseTossCardKind } from './toss-cards.js';
import type { TossStore } from './toss-store.js';
import type { TossPayment } from './toss-wire.types.js';
import type { FaultInjector, RestFaults } from '../shared/fault-injector.js';
import { bodyOf, bodyParsing } from '../shared/sandbox-http.js';
import { cors, controlForbidden, registerControlRoutes, registerSdkRoute } from '../shared/sandbox-routes.js';

export interface BrowserRouteDeps {
  store: TossStore;
  faults: FaultInjector<RestFaults>;
  clientKey: string;
  reset: () => void;
  /** Posts PAYMENT_STATUS_CHANGED for a payment; answers where to, or null without a webhook URL. */
  sendWebhook: (payment: TossPayment) => string | null;
}

/** What the fail redirect (or the SDK's rejected promise) carries; codes from Toss's SDK error list. */
export const TOSS_SDK_ERROR = {
  canceled: { code: 'PAY_PROCESS_CANCELED', message: '사용자에 의해 결제가 취소되었습니다.' },
  /** The × of the window: v1's promise rejects with USER_CANCEL and no redirect happens. */
  closed: { code: 'USER_CANCEL', message: '사용자가 결제를 취소하였습니다.' },
  badClientKey: { code: 'INVALID_CLIENT_KEY', message: '잘못된 클라이언트 키 입니다.' },
  invalid: { code: 'INVALID_REQUEST', message: '잘못된 요청입니다.' },
} as const;

const SDK_SOURCE = readFileSync(new URL('./sdk.js', import.meta.url), 'utf8');

type WindowResult =
  | { type: 'success'; query: Record<string, string | number> }
  | { type: 'fail'; query: { code: string; message: string; orderId?: string } };

function withQuery(url: unknown, query: Record<string, string | number>): string | null {
  if (typeof url !== 'string' || url === '') return null;
  const q = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)])).toString();
  return url + (url.includes('?') ? '&' : '?') + q;
}

/** The window's answer: the result, and where the page goes (successUrl / failUrl with the query). */
function reply(ctx: Context, params: Record<string, unknown>, result: WindowResult): void {
  const redirect = withQuery(result.type === 'success' ? params.successUrl : params.failUrl, result.query);
  ctx.body = { result, redirect };
}

const parseBody = bodyParsing(['json'], (ctx, err) => {
  ctx.status = 400;
  ctx.body = { error: err.message };
});

export function registerBrowserRoutes(router: Router, { store, faults, clientKey, reset, sendWebhook }: BrowserRouteDeps): void {
  const browser = [cors, parseBody];

  registerSdkRoute(router, SDK_SOURCE.replace('__TOSS_SANDBOX_CARDS__', JSON.stringify(
    TOSS_CARD_KINDS.map((k) => ({ kind: k, label: TOSS_TEST_CARDS[k].label, number: TOSS_TEST_CARDS[k].number, company: TOSS_TEST_CARDS[k].company })),
  )));

  /** Reads `{clientKey, params, card, action}`; answers the refusal, or the parts to use. */
  const read = (ctx: Context): { params: Record<string, unknown>; card: ReturnType<typeof parseTossCardKind>; cancel: boolean } | WindowResult => {
    const b = bodyOf(ctx);
    const params = b.params && typeof b.params === 'object' ? (b.params as Record<string, unknown>) : {};
    const orderId = typeof params.orderId === 'string' ? params.orderId : undefined;
    if (b.clientKey !== clientKey) return { type: 'fail', query: { ...TOSS_SDK_ERROR.badClientKey, ...(orderId ? { orderId } : {}) } };
    return { params, card: parseTossCardKind(b.card), cancel: b.action === 'cancel' };
  };

  // requestPayment('카드', {...}): the buyer authenticated a card (success redirect, payment IN_PROGRESS) or cancelled.
  router.post('/__sandbox/pay', ...browser, (ctx) => {
    const r = read(ctx);
    if ('type' in r) return void (ctx.body = { result: r, redirect: null });
    const orderId = typeof r.params.orderId === 'string' ? r.params.orderId : '';
    if (r.cancel) return reply(ctx, r.params, { type: 'fail', query: { ...TOSS_SDK_ERROR.canceled, orderId } });
    if (!r.card) return reply(ctx, r.params, { type: 'fail', query: { code: 'INVALID_REQUEST', message: '알 수 없는 테스트 카드입니다.', orderId } });
    const orderName = typeof r.params.orderName === 'string' ? r.params.orderName : null;
    const outcome = store.authorise({ orderId, amount: Number(r.params.amount), orderName, card: r.card });
    if (!outcome.ok) return reply(ctx, r.params, { type: 'fail', query: { ...outcome.error, orderId } });
    const p = outcome.value;
    reply(ctx, r.params, { type: 'success', query: { paymentKey: p.paymentKey, orderId: p.orderId, amount: p.totalAmount } });
  });
  router.options('/__sandbox/pay', cors);

  // requestBillingAuth('카드', {customerKey, ...}): success redirect with customerKey and authKey.
  router.post('/__sandbox/billing-auth', ...browser, (ctx) => {
    const r = read(ctx);
    if ('type' in r) return void (ctx.body = { result: r, redirect: null });
    if (r.cancel) return reply(ctx, r.params, { type: 'fail', query: { ...TOSS_SDK_ERROR.canceled } });
    if (!r.card) return reply(ctx, r.params, { type: 'fail', query: { code: 'INVALID_REQUEST', message: '알 수 없는 테스트 카드입니다.' } });
    const outcome = store.authoriseBilling(typeof r.params.customerKey === 'string' ? r.params.customerKey : '', r.card);
    if (!outcome.ok) return reply(ctx, r.params, { type: 'fail', query: { ...outcome.error } });
    reply(ctx, r.params, { type: 'success', query: { customerKey: outcome.value.customerKey, authKey: outcome.value.authKey } });
  });
  router.options('/__sandbox/billing-auth', cors);

  // --- control panel ---
  registerControlRoutes(router, { faults, reset, parseBody });
  router.post('/__sandbox/billing/:billingKey/card', controlForbidden, parseBody, (ctx) => {
    const card = parseTossCardKind(bodyOf(ctx).card);
    if (!card) {
      ctx.status = 400;
      ctx.body = { error: `card must be one of ${TOSS_CARD_KINDS.join(', ')}` };
      return;
    }
    const found = store.setBillingCard(ctx.params.billingKey, card);
    ctx.status = found ? 200 : 404;
    ctx.body = found ? { billingKey: ctx.params.billingKey, card } : { error: 'unknown billing key' };
  });
  // Sends a payment's PAYMENT_STATUS_CHANGED again, as Toss would on a retry.
  router.post('/__sandbox/notices', controlForbidden, parseBody, (ctx) => {
    const b = bodyOf(ctx);
    const found = typeof b.paymentKey === 'string' ? store.getPayment(b.paymentKey)
      : typeof b.orderId === 'string' ? store.getByOrderId(b.orderId) : null;
    if (!found?.ok) {
      ctx.status = 404;
      ctx.body = { error: 'unknown payment' };
      return;
    }
    const url = sendWebhook(found.value);
    ctx.status = url ? 202 : 409;
    ctx.body = url ? { notice: { eventType: 'PAYMENT_STATUS_CHANGED', paymentKey: found.value.paymentKey, orderId: found.value.orderId, status: found.value.status }, url }
      : { error: 'the sandbox has no webhook URL' };
  });
  router.get('/__sandbox/state', controlForbidden, (ctx) => {
    ctx.body = {
      payments: [...store.payments.values()].map((r) => ({ ...r.payment, sandbox_card: r.card })),
      billingKeys: [...store.billingKeys.values()],
      faults: faults.current,
    };
  });
}
