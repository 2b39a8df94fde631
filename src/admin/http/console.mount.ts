import type Koa from 'koa';
import type { Context, Middleware, Next } from 'koa';
import { BILLING, type RunRenewals } from '../../billing/billing.api';
import type { AppConfig } from '../../config';
import { type CancelMembership, MEMBERSHIP } from '../../membership/membership.api';
import { type HandleWebhookNotice, PAYMENT, type PaymentGateway, type ReconcilePayments, type RefundPayment } from '../../payment/payment.api';
import type { Clock } from '../../shared/application/clock.port';
import type { Logger } from '../../shared/application/logger.port';
import type { RateLimiter } from '../../shared/application/rate-limiter.port';
import type { SessionStore } from '../../shared/application/session-store.port';
import { DomainError } from '../../shared/domain/domain-error';
import { presentedBearerToken } from '../../shared/http/guards';
import { mountRouter } from '../../shared/http/routing';
import { SHARED } from '../../shared/shared.tokens';
import { ADMIN } from '../admin.tokens';
import { AdminTokenCheck } from '../application/admin-token-check';
import type { ConsoleDashboard } from '../application/console-dashboard.query';
import type { GetConsolePayment } from '../application/console-payment.query';
import type { ConsoleAuditLog, ConsoleReadModel } from '../application/console-read-model.port';
import { ConsoleSessions } from '../application/console-sessions';
import { consoleVendorFiles } from './console-page';
import { auditWrites, consoleRoutes, consoleSessionRoutes, requireConsoleSession } from './console.routes';

interface Locator {
  get<T>(token: symbol): T;
}

export interface ConsoleMountOptions {
  adminToken: string;
  /** Our pages' origins: the console uses a cookie, so another site's request is refused (403 `forbidden_origin`). */
  sameOrigin: Middleware;
  jsonBodyOnly: Middleware;
  idempotency: Middleware;
  /** Sessions and the audit record run on real time, whatever the test clock says. */
  systemClock: Clock;
}

/** The audit middleware for the bearer admin API: the same record as the console's writes. */
export function adminApiAudit(container: Locator, systemClock: Clock): Middleware {
  return auditWrites(container.get<ConsoleAuditLog>(ADMIN.ConsoleAuditLog), systemClock, 'admin_token', container.get<Logger>(SHARED.Logger));
}

/**
 * The bearer admin API's guard: `Authorization: Bearer <ADMIN_TOKEN>`, under the console login's limit
 * on wrong tokens (per address; 429 `too_many_attempts` at it, the right token included). A request
 * without a bearer token guesses nothing: 401 without counting.
 */
export function adminApiToken(container: Locator, adminToken: string, systemClock: Clock): Middleware {
  const check = new AdminTokenCheck(adminToken, container.get<RateLimiter>(SHARED.RateLimiter), systemClock);
  return async (ctx: Context, next: Next) => {
    const presented = presentedBearerToken(ctx);
    if (presented === undefined) throw new DomainError('unauthenticated', 'unauthenticated', 'a valid admin token is required');
    await check.verify(presented, ctx.ip);
    await next();
  };
}

/**
 * The operator console (DESIGN §6 "Operator console"), mounted only with ADMIN_TOKEN: its login,
 * its JSON API behind its own session cookie, and uPlot from node_modules. The page itself is
 * src/web/admin, which the app's static files serve only then too.
 */
export function mountConsole(app: Koa<any, any>, container: Locator, config: AppConfig, options: ConsoleMountOptions): void {
  const sessions = new ConsoleSessions(options.adminToken, container.get<SessionStore>(SHARED.SessionStore), container.get<RateLimiter>(SHARED.RateLimiter), options.systemClock);
  const audit = auditWrites(container.get<ConsoleAuditLog>(ADMIN.ConsoleAuditLog), options.systemClock, 'console', container.get<Logger>(SHARED.Logger));
  const secureCookie = config.publicUrl.startsWith('https:');
  mountRouter(app, consoleSessionRoutes({ sessions, secureCookie }), [options.sameOrigin, options.jsonBodyOnly, audit]);
  mountRouter(app, consoleRoutes({
    sessions,
    secureCookie,
    testClock: config.testClock,
    clock: container.get<Clock>(SHARED.Clock),
    dashboard: container.get<ConsoleDashboard>(ADMIN.ConsoleDashboard),
    readModel: container.get<ConsoleReadModel>(ADMIN.ConsoleReadModel),
    getPayment: container.get<GetConsolePayment>(ADMIN.GetConsolePayment),
    gateway: container.get<PaymentGateway>(PAYMENT.PaymentGateway),
    refund: container.get<RefundPayment>(PAYMENT.RefundPayment),
    reconcile: container.get<ReconcilePayments>(PAYMENT.ReconcilePayments),
    cancelMembership: container.get<CancelMembership>(MEMBERSHIP.CancelMembership),
    renewals: container.get<RunRenewals>(BILLING.RunRenewals),
    webhooks: container.get<HandleWebhookNotice>(PAYMENT.HandleWebhookNotice),
  }), [options.sameOrigin, options.jsonBodyOnly, requireConsoleSession(sessions), audit, options.idempotency]);
  app.use(consoleVendorFiles());
}
