import type { Router } from '@koa/router';
import type { Context } from 'koa';
import { DomainError } from '../../shared/domain/domain-error';
import { errorBody } from '../../shared/http/error-middleware';
import { answer } from '../../shared/http/respond';
import { createRouter } from '../../shared/http/routing';
import { requireUserId } from '../../shared/http/session';
import { validate } from '../../shared/http/validate';
import type { ConfirmPayment } from '../application/confirm-payment.use-case';
import type { HandleWebhookNotice } from '../application/handle-webhook-notice.use-case';
import { GatewayUnavailableError } from '../application/payment-gateway.port';
import type { PaymentRepository } from '../application/payment-repository.port';
import type { ReportPaymentFailure } from '../application/report-payment-failure.use-case';
import type { StartCheckout } from '../application/start-checkout.use-case';
import type { Payment } from '../domain/payment.entity';
import { presentPayment } from './payment.presenter';
import type { WebhookReader } from '../infrastructure/gateways.registry';
import { checkoutSchema, failureSchema, validationSchema } from './payment.schemas';

export interface PaymentRouteDeps {
  startCheckout: StartCheckout;
  confirmPayment: ConfirmPayment;
  reportFailure: ReportPaymentFailure;
  payments: PaymentRepository;
  /**
   * The buyer's membership as the validation answer shows it: `bought` (what the payment just
   * activated or extended) when it is still current, else the buyer's current one. The membership
   * module supplies it; payment knows no memberships.
   */
  membershipAnswer(userId: string, bought: unknown): Promise<Record<string, unknown> | null>;
}

const text = (value: string | number | null | undefined) => (value === null || value === undefined || value === '' ? null : String(value));

/** 422 from validation: `status:"failed"` beside the error code, as the page expects. */
function answerFailed(ctx: Context, code: string, message: string, payment: Payment | null, details?: unknown): void {
  ctx.status = 422;
  ctx.body = { ...errorBody(code, message, details), status: 'failed', ...(payment ? { payment: presentPayment(payment) } : {}) };
}

function answerPending(ctx: Context, payment: Payment): void {
  ctx.status = 202;
  ctx.body = { works: false, status: 'pending', payment: presentPayment(payment) };
}

/** The buyer's routes (session). */
export function paymentRoutes(deps: PaymentRouteDeps): Router {
  const router = createRouter();

  router.post('/api/payment/checkout', async (ctx) => {
    const userId = requireUserId(ctx);
    const body = validate(checkoutSchema, ctx.request.body);
    const started = await deps.startCheckout.execute({ userId, planId: body.plan, payMethod: body.pay_method, autoRenew: body.auto_renew });
    const { payment, plan, buyer, settings, customerUid, period } = started;
    const page = settings.parametersFor({ merchantUid: payment.merchantUid, amount: payment.amount, orderName: plan.names.ko, customerUid });
    answer(ctx, {
      gateway: settings.gateway,
      merchant_uid: payment.merchantUid,
      amount: payment.amount,
      // The PG's order name: Korean, as the PG's window and its receipts are.
      name: plan.names.ko,
      buyer_name: buyer.name,
      buyer_email: buyer.email,
      pg: settings.pg,
      pay_method: body.pay_method,
      period_start: period.start.toISOString(),
      period_end: period.end.toISOString(),
      ...(customerUid ? { customer_uid: customerUid } : {}),
      // DESIGN §6 lists imp_code unconditionally: null unless the configured PG has such a code (its fields set it).
      imp_code: null,
      // The configured PG's own fields (e.g. imp_code), and `client`: what its browser script reads.
      ...page.fields,
      client: page.client,
    }, 201);
  });

  router.post('/api/payment/validation', async (ctx) => {
    const userId = requireUserId(ctx);
    const body = validate(validationSchema, ctx.request.body);
    let result;
    try {
      result = await deps.confirmPayment.execute({
        userId, merchantUid: (body.merchant_uid ?? body.payment_id) as string,
        transactionId: (body.imp_uid ?? body.payment_key ?? body.auth_key ?? body.billing_key ?? body.payment_id) as string,
        billingCustomerKey: body.auth_key || body.billing_key ? body.customer_key : undefined,
      });
    } catch (error) {
      if (error instanceof DomainError && error.code === 'payment_not_paid') return answerFailed(ctx, error.code, error.message, null, error.details);
      throw error;
    }
    const { verdict, payment, bought } = result;
    if (verdict === 'pending') return answerPending(ctx, payment);
    if (verdict === 'failed') {
      const code = payment.failure?.code === 'amount_mismatch' ? 'amount_mismatch' : 'payment_not_paid';
      return answerFailed(ctx, code, payment.failure?.message ?? 'the gateway does not hold this payment as paid', payment);
    }
    // What this payment just bought, unless a refund may have ended it since.
    const untouched = payment.status === 'paid' && payment.cancelledAmount === 0;
    answer(ctx, { status: 'paid', payment: presentPayment(payment), membership: await deps.membershipAnswer(userId, untouched ? bought : null) });
  });

  router.post('/api/payment/failure', async (ctx) => {
    const userId = requireUserId(ctx);
    const body = validate(failureSchema, ctx.request.body);
    const { verdict, payment } = await deps.reportFailure.execute({
      userId, merchantUid: body.merchant_uid, transactionId: text(body.imp_uid ?? body.payment_key ?? body.payment_id), errorCode: text(body.error_code), errorMessage: text(body.error_msg),
    });
    if (verdict === 'pending') return answerPending(ctx, payment);
    answer(ctx, { status: verdict, payment: presentPayment(payment) });
  });

  router.get('/api/payments', async (ctx) => {
    const userId = requireUserId(ctx);
    const payments = await deps.payments.listByUser(userId);
    answer(ctx, { payments: payments.map(presentPayment) });
  });

  return router;
}

export interface PaymentWebhookRouteDeps {
  webhooks: HandleWebhookNotice;
  /** Each PG's notice route (gateways.registry.ts): where it listens and how it reads (and verifies) a notice. */
  readers: WebhookReader[];
}

/** The gateways' notices (no session): hints, stored as read and verified by a re-fetch. */
export function paymentWebhookRoutes(deps: PaymentWebhookRouteDeps): Router {
  const router = createRouter();
  for (const reader of deps.readers) {
    router.post(reader.path, async (ctx) => {
      const reading = await reader.read({ body: ctx.request.body, rawBody: ctx.request.rawBody ?? '', headers: ctx.headers });
      if ('ignored' in reading) return answer(ctx, { ignored: true });
      const outcome = await deps.webhooks.receive(reading.notice, reading.raw, ctx.ip);
      // PGs retry on a non-2xx: ask them to, while the gateway cannot confirm the notice.
      if (outcome === 'pending') throw new GatewayUnavailableError();
      answer(ctx, outcome === 'ignored' ? { ignored: true } : { outcome });
    });
  }
  return router;
}
