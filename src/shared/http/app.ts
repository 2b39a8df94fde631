import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bodyParser } from '@koa/bodyparser';
import type { Router } from '@koa/router';
import Koa from 'koa';
import helmet from 'koa-helmet';
import { adminRoutes } from '../../admin/http/admin.routes';
import type { RunRenewals } from '../../billing/application/run-renewals.use-case';
import { BILLING } from '../../billing/billing.tokens';
import type { AppConfig } from '../../config';
import type { GetAccount } from '../../identity/application/get-account.query';
import type { LogIn } from '../../identity/application/log-in.use-case';
import type { LogOut } from '../../identity/application/log-out.use-case';
import type { SignUp } from '../../identity/application/sign-up.use-case';
import { identityRoutes } from '../../identity/http/identity.routes';
import { IDENTITY } from '../../identity/identity.tokens';
import type { CancelMembership } from '../../membership/application/cancel-membership.use-case';
import type { GetRefundQuote } from '../../membership/application/get-refund-quote.use-case';
import type { MembershipRepository } from '../../membership/application/membership-repository.port';
import type { PlanCatalog } from '../../membership/application/plan-catalog.port';
import type { SetAutoRenew } from '../../membership/application/set-auto-renew.use-case';
import { membershipAccountRoutes } from '../../membership/http/membership-account.routes';
import { membershipRoutes } from '../../membership/http/membership.routes';
import { MEMBERSHIP } from '../../membership/membership.tokens';
import type { ConfirmPayment } from '../../payment/application/confirm-payment.use-case';
import type { HandleWebhookNotice } from '../../payment/application/handle-webhook-notice.use-case';
import type { PaymentGateway } from '../../payment/application/payment-gateway.port';
import type { PaymentRepository } from '../../payment/application/payment-repository.port';
import type { ReconcilePayments } from '../../payment/application/reconcile-payments.use-case';
import type { RefundPayment } from '../../payment/application/refund-payment.use-case';
import type { ReportPaymentFailure } from '../../payment/application/report-payment-failure.use-case';
import type { StartCheckout } from '../../payment/application/start-checkout.use-case';
import type { WebhookReceiptStore } from '../../payment/application/webhook-receipt-store.port';
import { paymentRoutes } from '../../payment/http/payment.routes';
import { PAYMENT } from '../../payment/payment.tokens';
import type { Clock } from '../application/clock.port';
import type { IdempotencyStore } from '../application/idempotency-store.port';
import type { Logger } from '../application/logger.port';
import type { SessionStore } from '../application/session-store.port';
import type { ControllableClock } from '../infrastructure/controllable-clock';
import { AppMetrics, METRICS } from '../infrastructure/metrics';
import { SHARED } from '../shared.tokens';
import { errorMiddleware } from './error-middleware';
import { type HealthProbe, healthRoutes } from './health';
import { idempotencyMiddleware } from './idempotency';
import { httpMetricsMiddleware, metricsRoutes } from './metrics';
import { openApiRoutes } from './openapi';
import { requestIdMiddleware } from './request-id';
import { sessionMiddleware } from './session';
import { staticFiles } from './static-files';
import { normaliseAliases } from './validate';

/** What the app needs of the container (Inversify's Container fits; nothing here imports Inversify). */
export interface ServiceLocator {
  get<T>(token: symbol): T;
  isBound(token: symbol): boolean;
}

export interface HttpAppOptions {
  /** Mounted before the API's body parsing and sessions, e.g. the Iamport sandbox's router (it parses its own bodies). */
  extraRouters?: Router[];
  /** Served at `/` (index.html). Default: src/web; null for none. */
  staticDir?: string | null;
  /** JSON and form body limit (default 32kb); larger answers 413 `payload_too_large`. */
  bodyLimit?: string;
  /** Trust X-Forwarded-For/-Proto from a reverse proxy. Default: on when PUBLIC_URL is https (TLS ends at a proxy). */
  proxy?: boolean;
}

const SYSTEM_TIME: Clock = { now: () => new Date() };

export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../web', import.meta.url));

/** Allows the page's own scripts and Iamport's SDK and PG windows (frames/popups on https). */
const CONTENT_SECURITY_POLICY = {
  useDefaults: true,
  directives: {
    scriptSrc: ["'self'", 'https://cdn.iamport.kr', 'https://*.iamport.kr', 'https://js.tosspayments.com'],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:', 'https:'],
    connectSrc: ["'self'", 'https://*.iamport.kr'],
    frameSrc: ["'self'", 'https:'],
    formAction: ["'self'", 'https:'],
  },
};

/**
 * The whole HTTP side: request id and child logger, security headers, one error middleware,
 * JSON/form bodies with a size limit, seed aliases, session cookies, Idempotency-Key, every
 * module's routes, health, and the static page. Main listens on `app.callback()`.
 */
export function createHttpApp(container: ServiceLocator, options: HttpAppOptions = {}): Koa {
  const config = container.get<AppConfig>(SHARED.Config);
  const logger = container.get<Logger>(SHARED.Logger);
  const clock = container.get<Clock>(SHARED.Clock);
  const secure = config.publicUrl.startsWith('https:');

  const app = new Koa();
  app.proxy = options.proxy ?? secure;
  // Errors are answered and logged by the error middleware; Koa's default printer would write stacks to stderr.
  app.silent = true;

  const metrics = container.isBound(METRICS.AppMetrics) ? container.get<AppMetrics>(METRICS.AppMetrics) : new AppMetrics();
  app.use(requestIdMiddleware(logger));
  app.use(httpMetricsMiddleware(metrics));
  app.use(errorMiddleware(logger));
  app.use(helmet({ contentSecurityPolicy: CONTENT_SECURITY_POLICY, crossOriginOpenerPolicy: { policy: 'same-origin-allow-popups' } }));
  for (const router of options.extraRouters ?? []) app.use(router.routes()).use(router.allowedMethods());

  const limit = options.bodyLimit ?? '32kb';
  app.use(bodyParser({ enableTypes: ['json', 'form'], jsonLimit: limit, formLimit: limit, encoding: 'utf-8' }));
  app.use(async (ctx, next) => {
    if (ctx.request.body !== undefined) ctx.request.body = normaliseAliases(ctx.request.body);
    await next();
  });
  // Sessions expire in real time: moving the test clock a month must not log the buyer out.
  app.use(sessionMiddleware(app, { secret: config.sessionSecret, secure, store: container.get<SessionStore>(SHARED.SessionStore), clock: SYSTEM_TIME }));
  app.use(idempotencyMiddleware(container.get<IdempotencyStore>(SHARED.IdempotencyStore), clock));

  const routers = [
    metricsRoutes(metrics),
    openApiRoutes({ serverUrl: config.publicUrl }),
    healthRoutes({
      database: container.isBound(SHARED.DatabaseHealth) ? container.get<HealthProbe>(SHARED.DatabaseHealth) : null,
      gateway: container.get<PaymentGateway>(PAYMENT.PaymentGateway),
    }),
    identityRoutes({
      signUp: container.get<SignUp>(IDENTITY.SignUp),
      logIn: container.get<LogIn>(IDENTITY.LogIn),
      logOut: container.get<LogOut>(IDENTITY.LogOut),
      getAccount: container.get<GetAccount>(IDENTITY.GetAccount),
    }),
    membershipRoutes({ catalog: container.get<PlanCatalog>(MEMBERSHIP.PlanCatalog) }),
    membershipAccountRoutes({
      getRefundQuote: container.get<GetRefundQuote>(MEMBERSHIP.GetRefundQuote),
      cancelMembership: container.get<CancelMembership>(MEMBERSHIP.CancelMembership),
      setAutoRenew: container.get<SetAutoRenew>(MEMBERSHIP.SetAutoRenew),
    }),
    paymentRoutes({
      startCheckout: container.get<StartCheckout>(PAYMENT.StartCheckout),
      confirmPayment: container.get<ConfirmPayment>(PAYMENT.ConfirmPayment),
      reportFailure: container.get<ReportPaymentFailure>(PAYMENT.ReportPaymentFailure),
      webhooks: container.get<HandleWebhookNotice>(PAYMENT.HandleWebhookNotice),
      webhookAllowIps: config.webhookAllowIps,
      payments: container.get<PaymentRepository>(PAYMENT.PaymentRepository),
      memberships: container.get<MembershipRepository>(MEMBERSHIP.MembershipRepository),
    }),
    adminRoutes({
      adminToken: config.adminToken,
      testClock: config.testClock,
      clock: container.get<ControllableClock>(SHARED.Clock),
      reconcile: container.get<ReconcilePayments>(PAYMENT.ReconcilePayments),
      renewals: container.get<RunRenewals>(BILLING.RunRenewals),
      refund: container.get<RefundPayment>(PAYMENT.RefundPayment),
      payments: container.get<PaymentRepository>(PAYMENT.PaymentRepository),
      receipts: container.get<WebhookReceiptStore>(PAYMENT.WebhookReceiptStore),
      webhooks: container.get<HandleWebhookNotice>(PAYMENT.HandleWebhookNotice),
    }),
  ];
  for (const router of routers) app.use(router.routes()).use(router.allowedMethods({ throw: true }));

  const staticDir = options.staticDir === undefined ? DEFAULT_WEB_DIR : options.staticDir;
  if (staticDir && existsSync(staticDir)) app.use(staticFiles(path.resolve(staticDir)));
  return app;
}
