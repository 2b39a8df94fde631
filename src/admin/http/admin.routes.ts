import type { Router } from '@koa/router';
import type { RunRenewals } from '../../billing/billing.api';
import { type HandleWebhookNotice, type PaymentRepository, type PaymentStatus, presentAdminRefund, presentPayment, type ReconcilePayments, type RefundPayment, type RefundStatus, type WebhookReceiptStore } from '../../payment/payment.api';
import { DomainError } from '../../shared/domain/domain-error';
import type { ControllableClock } from '../../shared/infrastructure/controllable-clock';
import { answer, answerRefund } from '../../shared/http/respond';
import { createRouter } from '../../shared/http/routing';
import { validate } from '../../shared/http/validate';
import type { SchedulePriceChange } from '../../membership/membership.api';
import { clockSchema, merchantUidSchema, paymentsQuerySchema, planIdSchema, priceChangeSchema, refundSchema, refundsQuerySchema, renewalsRunSchema, replaySchema } from './admin.schemas';

export interface AdminRouteDeps {
  testClock: boolean;
  clock: ControllableClock;
  reconcile: ReconcilePayments;
  renewals: RunRenewals;
  schedulePriceChange: SchedulePriceChange;
  refund: RefundPayment;
  payments: PaymentRepository;
  receipts: WebhookReceiptStore;
  webhooks: HandleWebhookNotice;
}

const DAY_MS = 24 * 60 * 60 * 1000;

class TestClockDisabledError extends DomainError {
  constructor() {
    super('invalid_input', 'test_clock_disabled', 'the test clock is off (TEST_CLOCK=on enables it)');
  }
}

/**
 * The operator's API: each answer comes after the work is done. It carries no guard of its own: the
 * app mounts it only when ADMIN_TOKEN is set, with the bearer token on every route.
 */
export function adminRoutes(deps: AdminRouteDeps): Router {
  const router = createRouter({ prefix: '/api/admin' });

  router.post('/reconcile', async (ctx) => {
    answer(ctx, { ...(await deps.reconcile.execute()) });
  });

  router.post('/renewals/run', async (ctx) => {
    const body = validate(renewalsRunSchema, ctx.request.body);
    if (body.as_of && !deps.testClock) throw new TestClockDisabledError();
    const run = await deps.renewals.execute(body.as_of ?? deps.clock.now());
    answer(ctx, { due: run.due, charged: run.charged, failed: run.failed, skipped: run.skipped, reminded: run.reminded, ended: run.ended });
  });

  /** A plan's new price from `effective_at`; members whose next charge it raises are asked for consent first. */
  router.post('/plans/:plan/price', async (ctx) => {
    const planId = validate(planIdSchema, ctx.params.plan);
    const body = validate(priceChangeSchema, ctx.request.body);
    const change = await deps.schedulePriceChange.execute(planId, body.amount, body.effective_at);
    answer(ctx, { id: change.id, plan: change.planId, amount: change.amount, effective_at: change.effectiveAt.toISOString(), created_at: change.createdAt.toISOString() }, 201);
  });

  router.get('/clock', async (ctx) => {
    answer(ctx, { now: deps.clock.now().toISOString(), test_clock: deps.testClock });
  });

  router.post('/clock', async (ctx) => {
    if (!deps.testClock) throw new TestClockDisabledError();
    const body = validate(clockSchema, ctx.request.body);
    deps.clock.runFrom(body.now);
    answer(ctx, { now: deps.clock.now().toISOString() });
  });

  router.get('/payments', async (ctx) => {
    const query = validate(paymentsQuerySchema, ctx.query);
    const payments = await deps.payments.listByStatus((query.status as PaymentStatus | undefined) ?? null, query.limit);
    answer(ctx, { payments: payments.map(presentPayment) });
  });

  router.post('/payments/:merchant_uid/refund', async (ctx) => {
    const merchantUid = validate(merchantUidSchema, ctx.params.merchant_uid);
    const body = validate(refundSchema, ctx.request.body);
    const result = await deps.refund.execute({ merchantUid, amount: body.amount ?? null, reason: body.reason });
    answerRefund(ctx, { payment: presentPayment(result.payment), refund: result.refund });
  });

  router.get('/refunds', async (ctx) => {
    const query = validate(refundsQuerySchema, ctx.query);
    const refunds = await deps.payments.listRefunds((query.status as RefundStatus | undefined) ?? null, query.limit);
    answer(ctx, { refunds: refunds.map((r) => presentAdminRefund(r.merchantUid, r.refund)) });
  });

  router.post('/webhooks/replay', async (ctx) => {
    const body = validate(replaySchema, ctx.request.body);
    const since = body.since ?? new Date(deps.clock.now().getTime() - DAY_MS);
    const receipts = await deps.receipts.listSince(since, 1000);
    for (const receipt of receipts) await deps.webhooks.replay(receipt);
    answer(ctx, { replayed: receipts.length });
  });

  return router;
}
