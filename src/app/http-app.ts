import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Router } from '@koa/router';
import Koa from 'koa';
import helmet from 'koa-helmet';
import { adminRoutes } from '../admin/http/admin.routes';
import { adminApiAudit, adminApiToken, mountConsole } from '../admin/http/console.mount';
import type { RunRenewals } from '../billing/application/run-renewals.use-case';
import { BILLING } from '../billing/billing.tokens';
import type { AppConfig } from '../config';
import type { GetAccount } from '../membership/application/get-account.query';
import type { LogIn } from '../identity/application/log-in.use-case';
import type { LogOut } from '../identity/application/log-out.use-case';
import type { SignUp } from '../identity/application/sign-up.use-case';
import { identityRoutes } from '../identity/http/identity.routes';
import { IDENTITY } from '../identity/identity.tokens';
import type { CancelMembership } from '../membership/application/cancel-membership.use-case';
import type { GetRefundQuote } from '../membership/application/get-refund-quote.use-case';
import type { MembershipRepository } from '../membership/application/membership-repository.port';
import type { PlanCatalog } from '../pricing/application/plan-catalog.port';
import type { SetAutoRenew } from '../membership/application/set-auto-renew.use-case';
import type { RemoveCard } from '../membership/application/remove-card.use-case';
import type { DeleteAccount } from '../membership/application/delete-account.use-case';
import type { ExportAccount } from '../membership/application/export-account.query';
import { refundTermsOf } from '../membership/domain/refund-policy';
import { membershipAccountRoutes } from '../membership/http/membership-account.routes';
import { consentRoutes, type TrialWindow } from '../membership/http/consent.routes';
import type { AnswerConsent } from '../membership/application/answer-consent.use-case';
import type { ConsentRequestRepository } from '../membership/application/consent-request-repository.port';
import type { SchedulePriceChange } from '../membership/application/schedule-price-change.use-case';
import type { StartTrial } from '../membership/application/start-trial.use-case';
import { membershipAnswer } from '../membership/http/membership-answer';
import { pricingRoutes } from '../pricing/http/pricing.routes';
import { MEMBERSHIP } from '../membership/membership.tokens';
import type { ConfirmPayment } from '../payment/application/confirm-payment.use-case';
import type { HandleWebhookNotice } from '../payment/application/handle-webhook-notice.use-case';
import type { PaymentGateway } from '../payment/application/payment-gateway.port';
import type { PaymentRepository } from '../payment/application/payment-repository.port';
import type { ReconcilePayments } from '../payment/application/reconcile-payments.use-case';
import type { RefundPayment } from '../payment/application/refund-payment.use-case';
import type { ReportPaymentFailure } from '../payment/application/report-payment-failure.use-case';
import type { CheckoutSettings, StartCheckout } from '../payment/application/start-checkout.use-case';
import type { WebhookReceiptStore } from '../payment/application/webhook-receipt-store.port';
import { paymentRoutes, paymentWebhookRoutes } from '../payment/http/payment.routes';
import { activeGateway, gatewayCspSources, type WebhookReader } from '../payment/infrastructure/gateways.registry';
import { PAYMENT } from '../payment/payment.tokens';
import type { Clock } from '../shared/application/clock.port';
import type { IdempotencyStore } from '../shared/application/idempotency-store.port';
import type { Logger } from '../shared/application/logger.port';
import type { SessionStore } from '../shared/application/session-store.port';
import type { ControllableClock } from '../shared/infrastructure/controllable-clock';
import { AppMetrics, METRICS } from './metrics';
import { SHARED } from '../shared/shared.tokens';
import { parseBodies } from '../shared/http/body';
import type { Drain } from '../shared/http/drain';
import { errorMiddleware } from '../shared/http/error-middleware';
import { allowedSenders, bearerToken, jsonBodyOnly, jsonOrFormBody, pageOrigins, sameOriginOnly } from '../shared/http/guards';
import { type HealthProbe, healthRoutes } from '../shared/http/health';
import { idempotencyMiddleware } from '../shared/http/idempotency';
import { httpMetricsMiddleware, metricsRoutes } from './http-metrics';
import { openApiRoutes } from './openapi';
import { requestIdMiddleware } from '../shared/http/request-id';
import { mountRouter } from '../shared/http/routing';
import { sessionMiddleware, signedInOnly } from '../shared/http/session';
import { staticFiles } from '../shared/http/static-files';
import { PRICING } from '../pricing/pricing.tokens';

/** What the app needs of the container (Inversify's Container fits; nothing here imports Inversify). */
export interface ServiceLocator {
  get<T>(token: symbol): T;
  isBound(token: symbol): boolean;
}

export interface HttpAppOptions {
  /** Mounted before the API's body parsing and sessions, e.g. a PG sandbox's router (it parses its own bodies). */
  extraRouters?: Router[];
  /** Served at `/` (index.html). Default: src/web; null for none. */
  staticDir?: string | null;
  /** JSON and form body limit (default 32kb); larger answers 413 `payload_too_large`. */
  bodyLimit?: string;
  /** Main's graceful stop: counts the requests inside and turns new ones away once draining. */
  drain?: Drain;
}

const SYSTEM_TIME: Clock = { now: () => new Date() };

export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../web', import.meta.url));

/** Allows the page's own scripts and each registered PG's SDK and windows (frames/popups on https). */
const CONTENT_SECURITY_POLICY = {
  useDefaults: true,
  directives: {
    scriptSrc: ["'self'", ...gatewayCspSources().scriptSrc],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:', 'https:'],
    connectSrc: ["'self'", ...gatewayCspSources().connectSrc],
    frameSrc: ["'self'", 'https:'],
    formAction: ["'self'", 'https:'],
  },
};

/**
 * The whole HTTP side: request id and child logger, security headers, one error middleware, bodies
 * (JSON and forms, identity/gzip/deflate, a size and depth limit), session cookies, and every module's
 * routes with the guards of their kind on each route itself (DESIGN §6 "Security rules"):
 * - session routes: an `Origin` of ours only, JSON bodies only, Idempotency-Key;
 * - gateway notices: JSON or forms, WEBHOOK_ALLOW_IPS, Idempotency-Key;
 * - the admin API: mounted only with ADMIN_TOKEN, the bearer token (wrong ones limited with the
 *   console's login), JSON only, Idempotency-Key.
 * Main listens on `app.callback()`.
 */
export function createHttpApp(container: ServiceLocator, options: HttpAppOptions = {}): Koa {
  const config = container.get<AppConfig>(SHARED.Config);
  const logger = container.get<Logger>(SHARED.Logger);
  const clock = container.get<Clock>(SHARED.Clock);
  const secure = config.publicUrl.startsWith('https:');

  const app = new Koa();
  // The client is the N-th address from the right of X-Forwarded-For: entries further left are the client's own words.
  app.proxy = config.trustProxyHops > 0;
  app.maxIpsCount = config.trustProxyHops;
  // Errors are answered and logged by the error middleware; Koa's default printer would write stacks to stderr.
  app.silent = true;

  const metrics = container.isBound(METRICS.AppMetrics) ? container.get<AppMetrics>(METRICS.AppMetrics) : new AppMetrics();
  if (options.drain) app.use(options.drain.middleware);
  app.use(requestIdMiddleware(logger));
  app.use(httpMetricsMiddleware(metrics));
  app.use(errorMiddleware(logger));
  app.use(helmet({ contentSecurityPolicy: CONTENT_SECURITY_POLICY, crossOriginOpenerPolicy: { policy: 'same-origin-allow-popups' } }));
  for (const router of options.extraRouters ?? []) app.use(router.routes()).use(router.allowedMethods());

  app.use(parseBodies(options.bodyLimit ?? '32kb'));
  if (secure) {
    // TLS ends before us when PUBLIC_URL is https: the cookie is Secure even if this hop is plain http.
    app.use(async (ctx, next) => {
      ctx.cookies.secure = true;
      await next();
    });
  }
  // Sessions expire in real time: moving the test clock a month must not log the buyer out.
  app.use(sessionMiddleware(app, { secret: config.sessionSecret, secure, store: container.get<SessionStore>(SHARED.SessionStore), clock: SYSTEM_TIME }));

  const idempotency = idempotencyMiddleware(container.get<IdempotencyStore>(SHARED.IdempotencyStore), clock);
  const sessionGuards = [sameOriginOnly(pageOrigins(config.publicUrl)), jsonBodyOnly, idempotency];

  mountRouter(app, metricsRoutes(metrics), config.metricsToken ? [bearerToken(config.metricsToken, 'metrics token')] : []);
  mountRouter(app, openApiRoutes({ serverUrl: config.publicUrl, adminApi: config.adminToken !== null }));
  mountRouter(app, healthRoutes({
    database: container.isBound(SHARED.DatabaseHealth) ? container.get<HealthProbe>(SHARED.DatabaseHealth) : null,
    gateway: container.get<PaymentGateway>(PAYMENT.PaymentGateway),
  }));
  mountRouter(app, pricingRoutes({
    catalog: container.get<PlanCatalog>(PRICING.PlanCatalog), refundTermsOf: (planId) => refundTermsOf(config.refundPolicy, planId),
  }));
  mountRouter(app, identityRoutes({
    signUp: container.get<SignUp>(IDENTITY.SignUp),
    logIn: container.get<LogIn>(IDENTITY.LogIn),
    logOut: container.get<LogOut>(IDENTITY.LogOut),
    sandbox: config.pgSandbox,
  }), sessionGuards);
  mountRouter(app, membershipAccountRoutes({
    getAccount: container.get<GetAccount>(MEMBERSHIP.GetAccount),
    getRefundQuote: container.get<GetRefundQuote>(MEMBERSHIP.GetRefundQuote),
    cancelMembership: container.get<CancelMembership>(MEMBERSHIP.CancelMembership),
    setAutoRenew: container.get<SetAutoRenew>(MEMBERSHIP.SetAutoRenew),
    removeCard: container.get<RemoveCard>(MEMBERSHIP.RemoveCard),
    deleteAccount: container.get<DeleteAccount>(MEMBERSHIP.DeleteAccount),
    exportAccount: container.get<ExportAccount>(MEMBERSHIP.ExportAccount),
  }), sessionGuards);
  mountRouter(app, consentRoutes({
    consents: container.get<ConsentRequestRepository>(MEMBERSHIP.ConsentRequestRepository),
    answerConsent: container.get<AnswerConsent>(MEMBERSHIP.AnswerConsent),
    startTrial: container.get<StartTrial>(MEMBERSHIP.StartTrial),
    trialWindow: trialWindowOf(container.get<CheckoutSettings>(PAYMENT.CheckoutSettings)),
    clock,
  }), [...sessionGuards, signedInOnly]);
  mountRouter(app, paymentRoutes({
    startCheckout: container.get<StartCheckout>(PAYMENT.StartCheckout),
    confirmPayment: container.get<ConfirmPayment>(PAYMENT.ConfirmPayment),
    reportFailure: container.get<ReportPaymentFailure>(PAYMENT.ReportPaymentFailure),
    payments: container.get<PaymentRepository>(PAYMENT.PaymentRepository),
    membershipAnswer: membershipAnswer(container.get<MembershipRepository>(MEMBERSHIP.MembershipRepository)),
  }), sessionGuards);
  mountRouter(app, paymentWebhookRoutes({
    webhooks: container.get<HandleWebhookNotice>(PAYMENT.HandleWebhookNotice), readers: container.get<WebhookReader[]>(PAYMENT.WebhookReaders),
  }),
    [jsonOrFormBody, allowedSenders(config.webhookAllowIps), idempotency]);
  // Without ADMIN_TOKEN the admin API does not exist: every spelling and method of it is an unknown route.
  if (config.adminToken) {
    mountRouter(app, adminRoutes({
      testClock: config.testClock,
      clock: container.get<ControllableClock>(SHARED.Clock),
      reconcile: container.get<ReconcilePayments>(PAYMENT.ReconcilePayments),
      renewals: container.get<RunRenewals>(BILLING.RunRenewals),
      schedulePriceChange: container.get<SchedulePriceChange>(MEMBERSHIP.SchedulePriceChange),
      refund: container.get<RefundPayment>(PAYMENT.RefundPayment),
      payments: container.get<PaymentRepository>(PAYMENT.PaymentRepository),
      receipts: container.get<WebhookReceiptStore>(PAYMENT.WebhookReceiptStore),
      webhooks: container.get<HandleWebhookNotice>(PAYMENT.HandleWebhookNotice),
    }), [adminApiToken(container, config.adminToken, SYSTEM_TIME), jsonBodyOnly, adminApiAudit(container, SYSTEM_TIME), idempotency]);
    mountConsole(app, container, config, {
      adminToken: config.adminToken, sameOrigin: sameOriginOnly(pageOrigins(config.publicUrl)), jsonBodyOnly, idempotency, systemClock: SYSTEM_TIME,
    });
  }

  const staticDir = options.staticDir === undefined ? DEFAULT_WEB_DIR : options.staticDir;
  // The console's page (src/web/admin) exists only where the console does.
  const hidden = config.adminToken ? ['/api/'] : ['/api/', '/admin'];
  // The page loads the configured PG's browser script as /gateway.js (from our origin: the CSP stays 'self').
  const files = { '/gateway.js': activeGateway(config).browserScript };
  if (staticDir && existsSync(staticDir)) app.use(staticFiles(path.resolve(staticDir), { skipPrefixes: hidden, files }));
  return app;
}

/**
 * The configured PG's window parameters for storing a trial's card: checkout's, for no order (amount
 * 0). The payment id is a stand-in no charge ever uses: requestIssueBillingKey and requestBillingAuth take none.
 */
function trialWindowOf(settings: CheckoutSettings): TrialWindow {
  return ({ customerUid, name, planId }) => ({
    gateway: settings.gateway,
    pg: settings.pg,
    client: settings.parametersFor({ merchantUid: `trial-${planId}-${customerUid}`, amount: 0, orderName: name, customerUid }).client,
  });
}
