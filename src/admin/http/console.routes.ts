import type { Router } from '@koa/router';
import type { Context, Middleware, Next } from 'koa';
import type { RunRenewals } from '../../billing/billing.api';
import { type CancelMembership, presentMembership } from '../../membership/membership.api';
import { type HandleWebhookNotice, type PaymentGateway, PaymentNotFoundError, type PaymentStatus, type ReconcilePayments, type RefundPayment } from '../../payment/payment.api';
import type { Clock } from '../../shared/application/clock.port';
import { DatabaseUnavailableError } from '../../shared/application/database.errors';
import type { Logger } from '../../shared/application/logger.port';
import { DomainError } from '../../shared/domain/domain-error';
import { errorAnswer } from '../../shared/http/error-middleware';
import { answer, answerRefund, noContent } from '../../shared/http/respond';
import { createRouter } from '../../shared/http/routing';
import { validate } from '../../shared/http/validate';
import type { ConsoleDashboard } from '../application/console-dashboard.query';
import { MemberNotFoundError, ReceiptNotFoundError, TestClockDisabledError } from '../application/console.errors';
import type { GetConsolePayment } from '../application/console-payment.query';
import type { ConsoleAuditLog, ConsoleReadModel } from '../application/console-read-model.port';
import { CONSOLE_SESSION_MS, type ConsoleSession, type ConsoleSessions } from '../application/console-sessions';
import { asJson, presentConsolePayment } from './console.presenter';
import {
  consoleAuditQuerySchema, consoleCancelSchema, consoleLogInSchema, consoleMemberQuerySchema, consolePaymentsQuerySchema, consoleReceiptsQuerySchema,
  consoleRefundSchema, consoleReplaySchema, receiptIdSchema, userIdSchema,
} from './console.schemas';
import { merchantUidSchema } from './admin.schemas';

/** The console's own cookie: httpOnly, SameSite=Strict, signed, expiring with the server-side session. */
export const CONSOLE_COOKIE = 'memberpay.console';
/** Replay of a range goes through this many notices at most per request. */
const REPLAY_LIMIT = 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface ConsoleRouteDeps {
  sessions: ConsoleSessions;
  secureCookie: boolean;
  testClock: boolean;
  clock: Clock;
  dashboard: ConsoleDashboard;
  readModel: ConsoleReadModel;
  getPayment: GetConsolePayment;
  gateway: PaymentGateway;
  refund: RefundPayment;
  reconcile: ReconcilePayments;
  cancelMembership: CancelMembership;
  renewals: RunRenewals;
  webhooks: HandleWebhookNotice;
}

function setConsoleCookie(ctx: Context, value: string | null, secure: boolean): void {
  ctx.cookies.set(CONSOLE_COOKIE, value, {
    httpOnly: true, sameSite: 'strict', signed: true, secure: secure || ctx.cookies.secure, path: '/', maxAge: value ? CONSOLE_SESSION_MS : 0, overwrite: true,
  });
}

const consoleSessionOf = (ctx: Context): ConsoleSession | null => (ctx.state.consoleSession as ConsoleSession | undefined) ?? null;

/** 401 `unauthenticated` without a live console session; the session's operator is kept for the audit record. */
export function requireConsoleSession(sessions: ConsoleSessions): Middleware {
  return async (ctx: Context, next: Next) => {
    const cookieId = ctx.cookies.get(CONSOLE_COOKIE, { signed: true });
    const session = cookieId ? await sessions.find(cookieId) : null;
    if (!session) throw new DomainError('unauthenticated', 'unauthenticated', 'log in to the console with the admin token');
    ctx.state.consoleSession = session;
    await next();
  };
}

const SECRET_FIELDS = new Set(['token', 'password']);

/**
 * Who did what and when: every POST is recorded with its answer's status, after it ran (refused
 * ones too). `actor` names the credential: the console session's operator, or the bearer token.
 * Not recorded, so that nobody without the token can fill the record: a request the rate limit
 * refused (429: nothing was tried), and a logout without a console session (nothing to end).
 * A record the database cannot take goes to the error log, and the request keeps its own answer.
 */
export function auditWrites(log: ConsoleAuditLog, clock: Clock, credential: 'console' | 'admin_token', logger: Logger): Middleware {
  return async (ctx: Context, next: Next) => {
    if (ctx.method !== 'POST') return next();
    let failure: unknown = null;
    try {
      await next();
    } catch (error) {
      failure = error;
    }
    const status = failure ? errorAnswer(failure).status : ctx.status;
    if (status === 429 || ctx.state.auditSkip === true) {
      if (failure) throw failure;
      return;
    }
    const body = ctx.request.body && typeof ctx.request.body === 'object'
      ? Object.fromEntries(Object.entries(ctx.request.body as Record<string, unknown>).filter(([k]) => !SECRET_FIELDS.has(k)))
      : null;
    const operator = consoleSessionOf(ctx)?.operator;
    const entry = {
      at: clock.now(),
      actor: credential === 'console' ? `console:${operator ?? 'unknown'}` : 'admin_token',
      clientIp: ctx.ip,
      action: `${ctx.method} ${String((ctx as { _matchedRoute?: string })._matchedRoute ?? ctx.path)}`,
      // PostgreSQL text takes no NUL: a path id spelled %00 is recorded with it replaced, not refused with a 500.
      target: Object.entries(ctx.params ?? {}).map(([k, v]) => `${k}=${String(v).replaceAll('\0', '\uFFFD')}`).join('&') || null,
      request: body ? JSON.stringify(body).slice(0, 2000) : null,
      statusCode: status,
    };
    try {
      await log.record(entry);
    } catch (error) {
      if (!(error instanceof DatabaseUnavailableError)) throw error;
      // The request's work is done (a refund may have moved money): a 503 would deny it. The log keeps the record instead.
      logger.error({ audit: entry }, 'audit record not stored: the database was unavailable');
    }
    if (failure) throw failure;
  };
}

/** Login, logout and "am I logged in": the routes a browser without a console session may call. */
export function consoleSessionRoutes(deps: Pick<ConsoleRouteDeps, 'sessions' | 'secureCookie'>): Router {
  const router = createRouter({ prefix: '/api/console' });

  router.get('/session', async (ctx) => {
    const cookieId = ctx.cookies.get(CONSOLE_COOKIE, { signed: true });
    const session = cookieId ? await deps.sessions.find(cookieId) : null;
    answer(ctx, { signed_in: session !== null, operator: session?.operator ?? null, expires_at: session?.expiresAt.toISOString() ?? null });
  });

  router.post('/session', async (ctx) => {
    const body = validate(consoleLogInSchema, ctx.request.body);
    const { cookieId, session } = await deps.sessions.open({ token: body.token, operator: body.operator, ip: ctx.ip });
    setConsoleCookie(ctx, cookieId, deps.secureCookie);
    ctx.state.consoleSession = session;
    answer(ctx, { signed_in: true, operator: session.operator, expires_at: session.expiresAt.toISOString() });
  });

  router.post('/logout', async (ctx) => {
    const cookieId = ctx.cookies.get(CONSOLE_COOKIE, { signed: true });
    const session = cookieId ? await deps.sessions.find(cookieId) : null;
    if (cookieId && session) {
      await deps.sessions.close(cookieId);
      ctx.state.consoleSession = session;
    } else {
      ctx.state.auditSkip = true;
    }
    setConsoleCookie(ctx, null, deps.secureCookie);
    noContent(ctx);
  });

  return router;
}

/**
 * The console's JSON API: reads from the console read model, writes through the same use cases as
 * the admin API. The app mounts it only with ADMIN_TOKEN, behind the console session, same-origin
 * only, JSON bodies, Idempotency-Key and the audit record.
 */
export function consoleRoutes(deps: ConsoleRouteDeps): Router {
  const router = createRouter({ prefix: '/api/console' });

  router.get('/overview', async (ctx) => {
    answer(ctx, asJson(await deps.dashboard.overview()) as Record<string, unknown>);
  });

  router.get('/charts', async (ctx) => {
    answer(ctx, asJson(await deps.dashboard.charts()) as Record<string, unknown>);
  });

  router.get('/payments', async (ctx) => {
    const query = validate(consolePaymentsQuerySchema, ctx.query);
    const page = await deps.readModel.searchPayments(
      { query: query.q || null, status: (query.status as PaymentStatus | undefined) ?? null, pg: query.pg ?? null, from: query.from ?? null, to: query.to ?? null },
      { cursor: query.cursor ?? null, limit: query.limit },
    );
    answer(ctx, { payments: asJson(page.items), next: page.next });
  });

  router.get('/payments/:merchant_uid', async (ctx) => {
    const view = await deps.getPayment.execute(validate(merchantUidSchema, ctx.params.merchant_uid));
    answer(ctx, {
      payment: presentConsolePayment(view.payment),
      buyer: view.buyer,
      membership: view.membership ? presentMembership(view.membership) : null,
      refundable: view.refundable,
      policy_quote: view.policyQuote ? asJson(view.policyQuote) : null,
      receipts: asJson(view.receipts),
      events: asJson(view.events),
    });
  });

  // The gateway's own record of the payment, asked live (outside any transaction); a silent gateway answers 503.
  router.get('/payments/:merchant_uid/gateway', async (ctx) => {
    const merchantUid = validate(merchantUidSchema, ctx.params.merchant_uid);
    const record = await deps.gateway.findByMerchantUid(merchantUid);
    if (!record) throw new PaymentNotFoundError(merchantUid);
    answer(ctx, { gateway_payment: asJson(record) });
  });

  router.post('/payments/:merchant_uid/refund', async (ctx) => {
    const merchantUid = validate(merchantUidSchema, ctx.params.merchant_uid);
    const body = validate(consoleRefundSchema, ctx.request.body);
    const result = await deps.refund.execute({ merchantUid, amount: body.amount ?? null, reason: body.reason });
    answerRefund(ctx, { payment: presentConsolePayment(result.payment), refund: result.refund });
  });

  router.post('/payments/:merchant_uid/reconcile', async (ctx) => {
    const result = await deps.reconcile.executeOne(validate(merchantUidSchema, ctx.params.merchant_uid));
    answer(ctx, { payment: presentConsolePayment(result.payment), settled: result.settled });
  });

  router.get('/members', async (ctx) => {
    const { q } = validate(consoleMemberQuerySchema, ctx.query);
    const member = await deps.readModel.findMember(q.includes('@') ? { email: q } : { userId: q });
    if (!member) throw new MemberNotFoundError();
    answer(ctx, { member: asJson(member) });
  });

  router.post('/members/:user_id/cancel', async (ctx) => {
    const userId = validate(userIdSchema, ctx.params.user_id);
    const body = validate(consoleCancelSchema, ctx.request.body);
    const operator = consoleSessionOf(ctx)?.operator ?? 'operator';
    const result = await deps.cancelMembership.execute({ userId, refund: body.refund, reason: body.reason ?? `cancelled by ${operator} at the console` });
    answerRefund(ctx, { membership: presentMembership(result.membership), refund: result.refund });
  });

  router.get('/renewals', async (ctx) => {
    const now = deps.clock.now();
    const queues = await deps.readModel.renewalQueues({ now, until: new Date(now.getTime() + 7 * DAY_MS), limit: 100 });
    answer(ctx, { as_of: now.toISOString(), test_clock: deps.testClock, ...(asJson(queues) as Record<string, unknown>) });
  });

  router.post('/renewals/run', async (ctx) => {
    // "Run now" is for the sandbox and the test clock: in production the workers own the schedule.
    if (!deps.testClock) throw new TestClockDisabledError();
    const run = await deps.renewals.execute(deps.clock.now());
    answer(ctx, { ...run });
  });

  router.get('/webhooks', async (ctx) => {
    const query = validate(consoleReceiptsQuerySchema, ctx.query);
    const page = await deps.readModel.webhookReceipts(
      { outcome: query.outcome ?? null, merchantUid: query.merchant_uid ?? null },
      { cursor: query.cursor ?? null, limit: query.limit },
    );
    answer(ctx, { receipts: asJson(page.items), next: page.next });
  });

  router.post('/webhooks/:receipt_id/replay', async (ctx) => {
    const receipt = await deps.readModel.webhookReceipt(validate(receiptIdSchema, ctx.params.receipt_id));
    if (!receipt) throw new ReceiptNotFoundError();
    answer(ctx, { receipt_id: receipt.id, outcome: await deps.webhooks.replay(receipt) });
  });

  router.post('/webhooks/replay', async (ctx) => {
    const body = validate(consoleReplaySchema, ctx.request.body);
    // Until now, inclusive: a notice stored this very millisecond is in the range.
    const until = body.until ?? new Date(deps.clock.now().getTime() + 1);
    const receipts = await deps.readModel.webhookReceiptsBetween(body.since, until, REPLAY_LIMIT);
    const outcomes: Record<string, number> = {};
    for (const receipt of receipts) {
      const outcome = await deps.webhooks.replay(receipt);
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    }
    answer(ctx, { replayed: receipts.length, outcomes });
  });

  router.get('/audit', async (ctx) => {
    const query = validate(consoleAuditQuerySchema, ctx.query);
    const page = await deps.readModel.auditLog({ cursor: query.cursor ?? null, limit: query.limit });
    answer(ctx, { entries: asJson(page.items), next: page.next });
  });

  return router;
}
