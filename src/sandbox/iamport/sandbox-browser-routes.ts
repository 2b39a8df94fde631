// Routes that are not Iamport's: the browser SDK stand-in (`/sdk.js`, the PG window's
// calls) and the sandbox's own control panel. No fault knobs here: they simulate the PG's
// REST side, while the buyer's window must stay usable to reach those failures at all.
import { readFileSync } from 'node:fs';
import type { Context } from 'koa';
import type { Router } from '@koa/router';
import { CARD_KINDS, TEST_CARDS, parseCardKind } from './sandbox-cards.js';
import { MSG, PAYMENT_STATUSES, type IamportPayment, type PayRequest, type PaymentStatus, type SandboxStore } from './sandbox-store.js';
import type { SandboxFaults } from './sandbox-faults.js';
import type { SandboxNotifier } from './sandbox-notifier.js';
import { num, parseBody, str } from './sandbox-http.js';
import type { FaultInjector } from '../shared/fault-injector.js';
import { bodyOf } from '../shared/sandbox-http.js';
import { controlForbidden, cors, registerControlRoutes, registerSdkRoute } from '../shared/sandbox-routes.js';

export interface BrowserRouteDeps {
  store: SandboxStore;
  faults: FaultInjector<SandboxFaults>;
  notifier: SandboxNotifier;
  impCode: string;
  reset: () => void;
}

/** error_code values the window answers with (the PG's own codes vary; these are stable for tests). */
export const SDK_ERROR = {
  invalidParams: 'F0000',
  unknownImpCode: 'F0001',
  alreadyPaid: 'F0003',
  amountMismatch: 'F0004',
  userCancelled: 'F1001',
  windowClosed: 'F1002',
} as const;

const preCheckCode = (message: string) => (message === MSG.alreadyPaid ? SDK_ERROR.alreadyPaid : SDK_ERROR.amountMismatch);

const SDK_SOURCE = readFileSync(new URL('./sdk.js', import.meta.url), 'utf8');

/** The callback `rsp` of IMP.request_pay, with the fields of the v1 SDK (IAMPORT_V1.md §6). */
function rspOf(p: IamportPayment, customData: unknown): Record<string, unknown> {
  const paid = p.status === 'paid';
  const declined = Object.values(TEST_CARDS).find((c) => c.decline?.reason === p.fail_reason);
  return {
    success: paid,
    imp_success: paid,
    imp_uid: p.imp_uid,
    merchant_uid: p.merchant_uid,
    pay_method: p.pay_method,
    paid_amount: paid ? p.amount : 0,
    status: p.status,
    name: p.name,
    pg_provider: p.pg_provider,
    emb_pg_provider: p.emb_pg_provider,
    pg_tid: p.pg_tid,
    buyer_name: p.buyer_name,
    buyer_email: p.buyer_email,
    buyer_tel: p.buyer_tel,
    buyer_addr: p.buyer_addr,
    buyer_postcode: p.buyer_postcode,
    custom_data: customData ?? null,
    paid_at: p.paid_at,
    receipt_url: p.receipt_url,
    apply_num: p.apply_num,
    card_name: p.card_name,
    card_number: p.card_number,
    card_quota: p.card_quota,
    currency: p.currency,
    customer_uid: p.customer_uid,
    error_code: paid ? null : declined?.decline?.errorCode ?? SDK_ERROR.userCancelled,
    error_msg: paid ? null : p.fail_reason,
  };
}

/** A refusal before any record exists: imp_uid null, like the real SDK's pre-checks. */
function refusedRsp(merchantUid: string | null, errorCode: string, errorMsg: string, customerUid: string | null = null): Record<string, unknown> {
  return {
    success: false,
    imp_success: false,
    imp_uid: null,
    merchant_uid: merchantUid,
    paid_amount: 0,
    status: null,
    pay_method: null,
    pg_provider: null,
    customer_uid: customerUid,
    error_code: errorCode,
    error_msg: errorMsg,
  };
}

export function registerBrowserRoutes(router: Router, { store, faults, notifier, impCode, reset }: BrowserRouteDeps): void {
  const browser = [cors, parseBody];

  registerSdkRoute(router, SDK_SOURCE);

  /** Reads `{imp_code, params}` from the window; answers a refusal rsp, or the request to use. */
  const readPay = (ctx: Context): { req: PayRequest; customData: unknown } | { refused: Record<string, unknown> } => {
    const b = bodyOf(ctx);
    const params = b.params && typeof b.params === 'object' ? (b.params as Record<string, unknown>) : {};
    const merchantUid = str(params.merchant_uid);
    const customerUid = str(params.customer_uid);
    if (str(b.imp_code) !== impCode) {
      return { refused: refusedRsp(merchantUid, SDK_ERROR.unknownImpCode, `가맹점 식별코드(${String(b.imp_code)})가 올바르지 않습니다. IMP.init('${impCode}') 을 호출하세요.`, customerUid) };
    }
    const amount = num(params.amount);
    if (!merchantUid || amount === undefined || !Number.isFinite(amount) || amount < 0) {
      return { refused: refusedRsp(merchantUid, SDK_ERROR.invalidParams, 'merchant_uid 와 amount(숫자)는 필수 파라미터입니다.', customerUid) };
    }
    const req: PayRequest = {
      merchant_uid: merchantUid,
      amount,
      name: str(params.name),
      currency: str(params.currency),
      pg: str(params.pg) ?? str(params.channelKey),
      pay_method: str(params.pay_method),
      buyer_name: str(params.buyer_name),
      buyer_email: str(params.buyer_email),
      buyer_tel: str(params.buyer_tel),
      buyer_addr: str(params.buyer_addr),
      buyer_postcode: str(params.buyer_postcode),
      custom_data: params.custom_data,
      customer_uid: customerUid,
      notice_url: Array.isArray(params.notice_url) ? str(params.notice_url[0]) : str(params.notice_url),
      user_agent: ctx.get('user-agent') || 'unknown',
      mobile: b.mobile === true,
    };
    const check = store.checkPayable(req.merchant_uid, req.amount, req.currency);
    if (!check.ok) return { refused: refusedRsp(merchantUid, preCheckCode(check.message), check.message, customerUid) };
    return { req, customData: params.custom_data };
  };

  // Called before the window opens: Iamport refuses a wrong amount or a paid merchant_uid up front.
  router.post('/__sandbox/pay/open', ...browser, (ctx) => {
    const r = readPay(ctx);
    if ('refused' in r) {
      ctx.body = { ok: false, rsp: r.refused };
      return;
    }
    ctx.body = {
      ok: true,
      window: { title: 'KG이니시스 (INIpay Standard)', name: r.req.name, amount: r.req.amount, currency: r.req.currency ?? 'KRW' },
      cards: CARD_KINDS.map((k) => ({ kind: k, label: TEST_CARDS[k].label, number: TEST_CARDS[k].number, card_name: TEST_CARDS[k].cardName })),
    };
  });
  router.options('/__sandbox/pay/open', cors);

  // The buyer pressed pay, or cancel after choosing a card (seed case 4: a failed record).
  router.post('/__sandbox/pay', ...browser, (ctx) => {
    const r = readPay(ctx);
    if ('refused' in r) {
      ctx.body = { rsp: r.refused };
      return;
    }
    const b = bodyOf(ctx);
    const kind = parseCardKind(b.card);
    if (!kind) {
      ctx.body = { rsp: refusedRsp(r.req.merchant_uid, SDK_ERROR.invalidParams, `알 수 없는 테스트 카드입니다: ${String(b.card)}`, r.req.customer_uid) };
      return;
    }
    const outcome = store.payInBrowser(r.req, kind, b.action === 'cancel' ? 'cancel' : 'pay');
    ctx.body = outcome.ok
      ? { rsp: rspOf(outcome.value, r.customData) }
      : { rsp: refusedRsp(r.req.merchant_uid, preCheckCode(outcome.message), outcome.message, r.req.customer_uid) };
  });
  router.options('/__sandbox/pay', cors);

  router.get('/__sandbox/receipts/:imp_uid', (ctx) => {
    const p = store.getPayment(ctx.params.imp_uid);
    if (!p) {
      ctx.status = 404;
      ctx.body = MSG.notFound;
      return;
    }
    const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = `<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>영수증 (sandbox)</title><h1>영수증 (sandbox)</h1><dl>
<dt>imp_uid</dt><dd>${esc(p.imp_uid)}</dd><dt>merchant_uid</dt><dd>${esc(p.merchant_uid)}</dd>
<dt>상품명</dt><dd>${esc(p.name)}</dd><dt>금액</dt><dd>${esc(p.amount)} ${esc(p.currency)}</dd>
<dt>취소금액</dt><dd>${esc(p.cancel_amount)}</dd><dt>상태</dt><dd>${esc(p.status)}</dd></dl>`;
  });

  // --- control panel ---
  registerControlRoutes(router, { faults, reset, parseBody });
  router.post('/__sandbox/customers/:customer_uid/card', controlForbidden, parseBody, (ctx) => {
    const kind = parseCardKind(bodyOf(ctx).card);
    if (!kind) {
      ctx.status = 400;
      ctx.body = { error: `card must be one of ${CARD_KINDS.join(', ')}` };
      return;
    }
    const outcome = store.setCustomerCard(ctx.params.customer_uid, kind);
    ctx.status = outcome.ok ? 200 : 404;
    ctx.body = outcome.ok ? { customer: outcome.value, card: kind } : { error: outcome.message };
  });
  // Sends a payment's notice again, as Iamport would on a retry; `status` other than the payment's makes a stale or forged one.
  router.post('/__sandbox/notices', controlForbidden, parseBody, (ctx) => {
    const b = bodyOf(ctx);
    const impUid = str(b.imp_uid);
    const merchantUid = str(b.merchant_uid);
    const payment = impUid ? store.getPayment(impUid) : merchantUid ? store.findByMerchantUid(merchantUid)[0] : undefined;
    const status = str(b.status) ?? payment?.status;
    if (!payment) {
      ctx.status = 404;
      ctx.body = { error: MSG.notFound };
      return;
    }
    if (!PAYMENT_STATUSES.includes(status as PaymentStatus)) {
      ctx.status = 400;
      ctx.body = { error: `status must be one of ${PAYMENT_STATUSES.join(', ')}` };
      return;
    }
    const noticeUrl = store.payments.get(payment.imp_uid)?.noticeUrl ?? null;
    const url = notifier.targetOf(noticeUrl);
    if (!url) {
      ctx.status = 409;
      ctx.body = { error: 'the sandbox has no notice URL for this payment' };
      return;
    }
    const notice = { imp_uid: payment.imp_uid, merchant_uid: payment.merchant_uid, status: status as string };
    notifier.notify(notice, noticeUrl);
    ctx.status = 202;
    ctx.body = { notice, url };
  });
  router.get('/__sandbox/state', controlForbidden, (ctx) => {
    ctx.body = {
      payments: [...store.payments.values()].map((r) => r.payment),
      prepared: [...store.prepared.values()],
      customers: [...store.customers.values()].map((c) => ({ ...c.customer, sandbox_card: c.card })),
      notices: notifier.log,
      faults: faults.current,
    };
  });
}
