import { ContainerModule } from 'inversify';
import type { RunRenewals } from '../billing/application/run-renewals.use-case';
import { BILLING } from '../billing/billing.tokens';
import type { PaymentGateway } from '../payment/application/payment-gateway.port';
import { PAYMENT } from '../payment/payment.tokens';
import type { Clock } from '../shared/application/clock.port';
import { SHARED } from '../shared/shared.tokens';
import type { KnexDatabase } from '../shared/infrastructure/knex/knex-database';
import { AppMetrics, KnexScrapeSource, METRICS, meteredGateway } from './metrics';

/**
 * Binds AppMetrics and hooks it in by activation, so no adapter or use case changes: the
 * gateway is wrapped in `meteredGateway`, and every RunRenewals result (workers, admin route,
 * CLI) feeds the renewal and reminder counters.
 */
export function metricsModule(): ContainerModule {
  return new ContainerModule(({ bind, isBound, onActivation }) => {
    bind(METRICS.AppMetrics).toResolvedValue(() => new AppMetrics(), []);
    onActivation(METRICS.AppMetrics, (context, metrics: AppMetrics) => {
      if (isBound(SHARED.Database)) {
        metrics.useScrapeSource(new KnexScrapeSource(context.get<KnexDatabase>(SHARED.Database), context.get<Clock>(SHARED.Clock)));
      }
      return metrics;
    });
    onActivation(PAYMENT.PaymentGateway, (context, gateway: PaymentGateway) => meteredGateway(gateway, context.get<AppMetrics>(METRICS.AppMetrics)));
    onActivation(BILLING.RunRenewals, (context, renewals: RunRenewals) => {
      const metrics = context.get<AppMetrics>(METRICS.AppMetrics);
      const execute = renewals.execute.bind(renewals);
      renewals.execute = async (...args: Parameters<RunRenewals['execute']>) => {
        const run = await execute(...args);
        metrics.recordRenewalRun(run);
        return run;
      };
      return renewals;
    });
  });
}
