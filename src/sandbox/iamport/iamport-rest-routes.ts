// The Iamport V1 REST surface (IAMPORT_V1.md §1-4): same paths, envelope and statuses.
import type { Context, Next } from 'koa';
import type { Router } from '@koa/router';
import { PAYMENT_STATUSES, MSG, type PaymentStatus, type SandboxStore } from './sandbox-store.js';
import type { FaultInjector } from '../shared/fault-injector.js';
import type { SandboxFaults } from './sandbox-faults.js';
import { answer, badRequest, num, paged, parseBody, refuse, reply, str } from './sandbox-http.js';
import { bodyOf } from '../shared/sandbox-http.js';
import { localOnly } from '../shared/sandbox-routes.js';

export interface RestRouteDeps {
  store: SandboxStore;
  faults: FaultInjector<SandboxFaults>;
  impKey: string;
  impSecret: string;
}

const unauthorized = (ctx: Context, message = 'Unauthorized') => refuse(ctx, { code: -1, message, status: 401 });

export function registerRestRoutes(router: Router, { store, faults, impKey, impSecret }: RestRouteDeps): void {
  /** Both `Bearer <token>` (current docs) and the bare token (most SDKs) are accepted, as live Iamport does. */
  const requireToken = async (ctx: Context, next: Next): Promise<void> => {
    const header = ctx.get('authorization') || ctx.get('x-imptokenheader');
    const token = header.replace(/^Bearer\s+/i, '').trim();
    if (!token || !store.isTokenValid(token)) return unauthorized(ctx);
    await next();
  };
  // The REST API takes the public sandbox credentials: only this machine (the app) may call it.
  const thisMachine = localOnly((ctx) => refuse(ctx, { code: -1, message: 'the sandbox REST API answers this machine only', status: 403 }));
  const open = [thisMachine, faults.middleware, parseBody];
  const authed = [...open, requireToken];

  router.post('/users/getToken', ...open, (ctx) => {
    const b = bodyOf(ctx);
    if (str(b.imp_key) !== impKey || str(b.imp_secret) !== impSecret) {
      return unauthorized(ctx, 'imp_key 또는 imp_secret 이 올바르지 않습니다.');
    }
    reply(ctx, store.issueToken());
  });

  // --- prepare ---
  const readPrepare = (ctx: Context) => {
    const b = bodyOf(ctx);
    const merchantUid = str(b.merchant_uid);
    const amount = num(b.amount);
    if (!merchantUid || amount === undefined || !Number.isFinite(amount) || amount < 0) {
      badRequest(ctx, 'merchant_uid, amount 는 필수입니다.');
      return null;
    }
    return { merchantUid, amount, currency: str(b.currency) };
  };
  router.post('/payments/prepare', ...authed, (ctx) => {
    const p = readPrepare(ctx);
    if (p) answer(ctx, store.prepare(p.merchantUid, p.amount, p.currency));
  });
  router.put('/payments/prepare', ...authed, (ctx) => {
    const p = readPrepare(ctx);
    if (p) answer(ctx, store.updatePrepare(p.merchantUid, p.amount, p.currency));
  });
  router.get('/payments/prepare/:merchant_uid', ...authed, (ctx) => {
    answer(ctx, store.getPrepare(ctx.params.merchant_uid));
  });

  // --- lookups ---
  const statusOf = (ctx: Context, raw: string | undefined): PaymentStatus | undefined | null => {
    if (raw === undefined || raw === 'all') return undefined;
    if ((PAYMENT_STATUSES as readonly string[]).includes(raw)) return raw as PaymentStatus;
    badRequest(ctx, MSG.badStatus);
    return null;
  };
  const findOne = (ctx: Context & { params: Record<string, string> }) => {
    const status = statusOf(ctx, ctx.params.status);
    if (status === null) return;
    const [first] = store.findByMerchantUid(ctx.params.merchant_uid, status, str(ctx.query.sorting) ?? '-started');
    if (!first) return refuse(ctx, { code: 1, message: MSG.notFound, status: 404 });
    reply(ctx, first);
  };
  const findAll = (ctx: Context & { params: Record<string, string> }) => {
    const status = statusOf(ctx, ctx.params.status);
    if (status === null) return;
    const all = store.findByMerchantUid(ctx.params.merchant_uid, status, str(ctx.query.sorting) ?? '-started');
    if (all.length === 0) return refuse(ctx, { code: 1, message: MSG.notFound, status: 404 });
    reply(ctx, paged(all, ctx.query.page, ctx.query.limit));
  };
  router.get('/payments/find/:merchant_uid', ...authed, findOne);
  router.get('/payments/find/:merchant_uid/:status', ...authed, findOne);
  router.get('/payments/findAll/:merchant_uid', ...authed, findAll);
  router.get('/payments/findAll/:merchant_uid/:status', ...authed, findAll);

  // Multi-lookup: `imp_uid[]=a&merchant_uid[]=m`; 207 when some ids are unknown, 404 when all are.
  router.get('/payments', ...authed, (ctx) => {
    const list = (k: string): string[] => [ctx.query[`${k}[]`], ctx.query[k]].flat().filter((v): v is string => typeof v === 'string' && v !== '');
    const impUids = list('imp_uid');
    const merchantUids = list('merchant_uid');
    const found = [
      ...impUids.map((u) => store.getPayment(u)),
      ...merchantUids.map((m) => store.findByMerchantUid(m)[0]),
    ];
    const hits = found.filter((p) => p !== undefined);
    if (hits.length === 0) return refuse(ctx, { code: 1, message: MSG.notFound, status: 404 });
    reply(ctx, hits, hits.length < found.length ? 207 : 200);
  });

  router.get('/payments/:imp_uid', ...authed, (ctx) => {
    const p = store.getPayment(ctx.params.imp_uid);
    if (!p) return refuse(ctx, { code: 1, message: MSG.notFound, status: 404 });
    reply(ctx, p);
  });

  // --- cancel ---
  router.post('/payments/cancel', ...authed, (ctx) => {
    const b = bodyOf(ctx);
    const amount = num(b.amount);
    const checksum = num(b.checksum);
    if (Number.isNaN(amount) || (amount !== undefined && amount < 0)) return refuse(ctx, { code: 1, message: '취소요청금액(amount)이 올바르지 않습니다.', status: 200 });
    if (Number.isNaN(checksum)) return refuse(ctx, { code: 1, message: 'checksum 이 올바르지 않습니다.', status: 200 });
    answer(ctx, store.cancel({ imp_uid: str(b.imp_uid), merchant_uid: str(b.merchant_uid), amount, checksum, reason: str(b.reason) }));
  });

  // --- billing keys ---
  router.get('/subscribe/customers/:customer_uid', ...authed, (ctx) => {
    answer(ctx, store.getCustomer(ctx.params.customer_uid));
  });
  router.post('/subscribe/customers/:customer_uid', ...authed, (ctx) => {
    const b = bodyOf(ctx);
    const cardNumber = str(b.card_number);
    const expiry = str(b.expiry);
    if (!cardNumber || !expiry) return badRequest(ctx, 'card_number, expiry 는 필수입니다.');
    answer(ctx, store.registerCustomer(ctx.params.customer_uid, cardNumber, expiry, {
      customer_id: str(b.customer_id),
      customer_name: str(b.customer_name),
      customer_tel: str(b.customer_tel),
      customer_email: str(b.customer_email),
      customer_addr: str(b.customer_addr),
      customer_postcode: str(b.customer_postcode),
    }, str(b.pg)));
  });
  router.delete('/subscribe/customers/:customer_uid', ...authed, (ctx) => {
    answer(ctx, store.deleteCustomer(ctx.params.customer_uid));
  });
  router.get('/subscribe/customers/:customer_uid/payments', ...authed, (ctx) => {
    const uid = ctx.params.customer_uid;
    const list = [...store.payments.values()]
      .filter((r) => r.payment.customer_uid === uid)
      .sort((a, b) => b.seq - a.seq)
      .map((r) => r.payment);
    reply(ctx, paged(list, ctx.query.page, 20, 20));
  });

  router.post('/subscribe/payments/again', ...authed, (ctx) => {
    const b = bodyOf(ctx);
    const customerUid = str(b.customer_uid);
    const merchantUid = str(b.merchant_uid);
    const amount = num(b.amount);
    const name = str(b.name);
    if (!customerUid || !merchantUid || !name || amount === undefined || !Number.isFinite(amount) || amount <= 0) {
      return badRequest(ctx, 'customer_uid, merchant_uid, amount, name 은 필수입니다.');
    }
    answer(ctx, store.chargeAgain({
      customer_uid: customerUid,
      merchant_uid: merchantUid,
      amount,
      name,
      currency: str(b.currency),
      buyer_name: str(b.buyer_name),
      buyer_email: str(b.buyer_email),
      buyer_tel: str(b.buyer_tel),
      custom_data: b.custom_data,
      notice_url: str(b.notice_url),
    }));
  });
}
