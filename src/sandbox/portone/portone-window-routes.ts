// Routes that are not PortOne's REST API: the browser SDK stand-in (`/sdk.js`, the PG window's
// calls) and the sandbox's control panel. No fault knobs here: they simulate PortOne's REST side,
// while the buyer's window must stay usable to reach those failures at all.
import { readFileSync } from 'node:fs';
import type { Context } from 'koa';
import type { Router } from '@koa/router';
import type { FaultInjector } from '../shared/fault-injector.js';
import { bodyOf } from '../shared/sandbox-http.js';
import { controlForbidden, cors, registerControlRoutes, registerSdkRoute } from '../shared/sandbox-routes.js';
import { PORTONE_CARD_KINDS, PORTONE_TEST_CARDS, parsePortOneCardKind, type PortOneCardKind } from './portone-cards.js';
import type { PortOneFaults } from './portone-faults.js';
import type { PortOneNotifier } from './portone-notifier.js';
import { parseJsonBody } from './portone-rest-routes.js';
import {
  WINDOW_ERROR, customerOf, isWon, stringOf, urlsOf, type AttemptInput, type PortOneStore, type WindowRefusal,
} from './portone-store.js';
import type { V2Payment } from './portone-wire.types.js';

export interface WindowRouteDeps {
  store: PortOneStore;
  faults: FaultInjector<PortOneFaults>;
  notifier: PortOneNotifier;
  storeId: string;
  channelKey: string;
  reset: () => void;
}

export type TransactionType = 'PAYMENT' | 'ISSUE_BILLING_KEY' | 'ISSUE_BILLING_KEY_AND_PAY';
const TRANSACTION_TYPES: readonly TransactionType[] = ['PAYMENT', 'ISSUE_BILLING_KEY', 'ISSUE_BILLING_KEY_AND_PAY'];

/** What the browser SDK's promise resolves with: `code` present means nothing was paid or issued. */
export type WindowResult = Record<string, string | undefined> & { transactionType: TransactionType };

const SDK_SOURCE = readFileSync(new URL('./sdk.js', import.meta.url), 'utf8');

/** A request the window can act on, or the result the SDK answers without opening it. */
type Read =
  | { transactionType: TransactionType; attempt: AttemptInput | null; request: Record<string, unknown> }
  | { refused: WindowResult };

function readRequest(body: Record<string, unknown>, deps: Pick<WindowRouteDeps, 'storeId' | 'channelKey'>): Read {
  const transactionType = TRANSACTION_TYPES.find((t) => t === body.transactionType) ?? 'PAYMENT';
  const r = body.request && typeof body.request === 'object' ? (body.request as Record<string, unknown>) : {};
  const paymentId = stringOf(r.paymentId);
  const refuse = (code: string, message: string): Read => ({ refused: { transactionType, ...(paymentId ? { paymentId } : {}), code, message } });
  if (r.storeId !== deps.storeId) return refuse(WINDOW_ERROR.storeNotFound, `상점(${String(r.storeId)})을 찾을 수 없습니다.`);
  if (r.channelKey !== deps.channelKey) return refuse(WINDOW_ERROR.channelNotFound, `채널(${String(r.channelKey)})을 찾을 수 없습니다.`);
  const method = transactionType === 'PAYMENT' ? r.payMethod : r.billingKeyMethod;
  if (method !== 'CARD') return refuse(WINDOW_ERROR.invalidArgument, `sandbox: 카드(CARD)만 지원합니다. (${String(method)})`);
  if (transactionType === 'ISSUE_BILLING_KEY') return { transactionType, attempt: null, request: r };
  // sandbox: the checkout guide's older "CURRENCY_KRW" spelling is read as KRW.
  const currency = r.currency === 'CURRENCY_KRW' ? 'KRW' : r.currency;
  if (!paymentId || typeof r.orderName !== 'string' || r.orderName === '' || !isWon(r.totalAmount) || typeof currency !== 'string') {
    return refuse(WINDOW_ERROR.invalidArgument, 'paymentId, orderName, totalAmount(정수), currency 는 필수입니다.');
  }
  return {
    transactionType, request: r,
    attempt: {
      paymentId, orderName: r.orderName, totalAmount: r.totalAmount, currency, customer: customerOf(r.customer),
      customData: r.customData === undefined ? undefined : JSON.stringify(r.customData), noticeUrls: urlsOf(r.noticeUrls),
    },
  };
}

function refusalResult(transactionType: TransactionType, paymentId: string | undefined, refusal: WindowRefusal): WindowResult {
  return { transactionType, ...(paymentId ? { paymentId } : {}), ...refusal };
}

/** A payment the window made: success, or the PG's failure (a decline, the buyer's cancel). */
function paymentResult(transactionType: TransactionType, payment: V2Payment, billingKey?: string | null): WindowResult {
  const base: WindowResult = { transactionType, paymentId: payment.id, txId: payment.transactionId, ...(billingKey ? { billingKey } : {}) };
  if (payment.status !== 'FAILED') return base;
  return { ...base, code: WINDOW_ERROR.pgProvider, message: payment.failure?.reason ?? '결제에 실패했습니다.', pgCode: payment.failure?.pgCode, pgMessage: payment.failure?.pgMessage };
}

export function registerWindowRoutes(router: Router, deps: WindowRouteDeps): void {
  const { store, faults, notifier, reset } = deps;
  const browser = [cors, parseJsonBody];

  registerSdkRoute(router, SDK_SOURCE);

  // Before the window opens: the SDK refuses a wrong store or channel, a paid paymentId, an amount
  // other than the pre-registered one; else the window shows the order and the test cards.
  router.post('/__sandbox/window/open', ...browser, (ctx) => {
    const read = readRequest(bodyOf(ctx), deps);
    if ('refused' in read) return void (ctx.body = { ok: false, result: read.refused });
    const { attempt, transactionType } = read;
    const refusal = attempt && store.refusePayment(attempt.paymentId, attempt.totalAmount, attempt.currency);
    if (refusal) return void (ctx.body = { ok: false, result: refusalResult(transactionType, attempt.paymentId, refusal) });
    ctx.body = {
      ok: true,
      window: {
        title: 'KG이니시스 (포트원 V2)', flow: transactionType, orderName: attempt?.orderName ?? stringOf(read.request.issueName) ?? null,
        amount: attempt?.totalAmount ?? null, currency: attempt?.currency ?? null,
      },
      cards: PORTONE_CARD_KINDS.map((k) => ({ kind: k, label: PORTONE_TEST_CARDS[k].label, number: PORTONE_TEST_CARDS[k].number, company: PORTONE_TEST_CARDS[k].company })),
    };
  });
  router.options('/__sandbox/window/open', cors);

  // The buyer pressed pay with a card, or cancel inside the PG's window.
  router.post('/__sandbox/window/submit', ...browser, (ctx) => {
    const b = bodyOf(ctx);
    const read = readRequest(b, deps);
    if ('refused' in read) return void (ctx.body = { result: read.refused });
    const { transactionType, attempt, request } = read;
    const card = parsePortOneCardKind(b.card);
    const action = b.action === 'cancel' ? 'cancel' : 'pay';
    if (!card && action === 'pay') {
      return void (ctx.body = { result: refusalResult(transactionType, attempt?.paymentId, { code: WINDOW_ERROR.invalidArgument, message: `알 수 없는 테스트 카드입니다: ${String(b.card)}` }) });
    }
    ctx.body = { result: submit(store, transactionType, attempt, request, card ?? 'success', action) };
  });
  router.options('/__sandbox/window/submit', cors);

  // --- control panel ---
  // Tools on this machine send no Origin; a page of any site does, and this machine's browser passes
  // the local-only check: without this, a web page could reset the sandbox or turn its faults on.
  router.use(['/__sandbox/control', '/__sandbox/reset', '/__sandbox/state', '/__sandbox/billing-keys/:billingKey/card'], async (ctx, next) => {
    if (ctx.get('Origin') !== '') {
      ctx.status = 403;
      ctx.body = { error: 'the sandbox control routes answer tools on this machine, not web pages' };
      return;
    }
    await next();
  });
  registerControlRoutes(router, { faults, reset, parseBody: parseJsonBody });
  router.post('/__sandbox/billing-keys/:billingKey/card', controlForbidden, parseJsonBody, (ctx) => {
    const card = parsePortOneCardKind(bodyOf(ctx).card);
    if (!card) {
      ctx.status = 400;
      ctx.body = { error: `card must be one of ${PORTONE_CARD_KINDS.join(', ')}` };
      return;
    }
    const found = store.setBillingKeyCard(ctx.params.billingKey, card);
    ctx.status = found ? 200 : 404;
    ctx.body = found ? { billingKey: ctx.params.billingKey, card } : { error: 'unknown billing key' };
  });
  router.get('/__sandbox/state', controlForbidden, (ctx: Context) => {
    ctx.body = {
      payments: [...store.payments.values()].map((r) => ({ ...r.payment, sandbox_card: r.card, sandbox_notice_urls: r.noticeUrls })),
      preRegistrations: Object.fromEntries(store.preRegistrations),
      billingKeys: [...store.billingKeys.values()].map((k) => ({ ...k.info, sandbox_card: k.card })),
      notices: notifier.log,
      faults: faults.current,
    };
  });
}

function submit(store: PortOneStore, transactionType: TransactionType, attempt: AttemptInput | null, request: Record<string, unknown>, card: PortOneCardKind, action: 'pay' | 'cancel'): WindowResult {
  if (transactionType === 'ISSUE_BILLING_KEY' || !attempt) {
    if (action === 'cancel') return { transactionType, code: WINDOW_ERROR.pgProvider, message: '사용자가 빌링키 발급을 취소하였습니다.' };
    const issued = store.issueBillingKey({
      customer: customerOf(request.customer), issueId: stringOf(request.issueId), issueName: stringOf(request.issueName), noticeUrls: urlsOf(request.noticeUrls),
    }, card);
    return issued.ok ? { transactionType, billingKey: issued.value.billingKey } : { transactionType, ...issued.refusal };
  }
  if (transactionType === 'ISSUE_BILLING_KEY_AND_PAY' && action === 'pay') {
    const made = store.issueBillingKeyAndPay(attempt, card);
    return made.ok ? paymentResult(transactionType, made.value.payment, made.value.billingKey) : refusalResult(transactionType, attempt.paymentId, made.refusal);
  }
  const paid = store.payInWindow(attempt, card, action);
  return paid.ok ? paymentResult(transactionType, paid.value) : refusalResult(transactionType, attempt.paymentId, paid.refusal);
}
