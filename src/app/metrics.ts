import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RenewalRun } from '../billing/application/run-renewals.use-case';
import { GatewayRejectedError, type PaymentGateway } from '../payment/application/payment-gateway.port';
import type { Clock } from '../shared/application/clock.port';
import { type KnexDatabase, readOptionalTime } from '../shared/infrastructure/knex/knex-database';

export const METRICS = {
  /** The process's AppMetrics: its own prom-client Registry (never the global one), so several containers never clash. */
  AppMetrics: Symbol.for('memberpay.metrics.AppMetrics'),
} as const;

export type GatewayOutcome = 'ok' | 'rejected' | 'unknown';

/** The gateway port's calls that are timed; ping is readiness, not traffic, and is timed too. */
const GATEWAY_OPERATIONS = ['prepare', 'settle', 'getPayment', 'findByMerchantUid', 'cancel', 'chargeBillingKey', 'deleteBillingKey', 'findBillingKey', 'ping'] as const;

/** Counts answered by a scrape: payments by status and the outbox's oldest undelivered event. */
export interface ScrapeSource {
  paymentsByStatus(): Promise<Record<string, number>>;
  /** Age in seconds of the oldest undelivered domain event; 0 when none waits. */
  outboxLagSeconds(): Promise<number>;
}

/** Every metric memberpay exports, on one Registry; the HTTP layer serves `registry.metrics()`. */
export class AppMetrics {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly gatewayDuration: Histogram<'operation' | 'outcome'>;
  readonly gatewayCalls: Counter<'operation' | 'outcome'>;
  readonly renewals: Counter<'outcome'>;
  readonly reminders: Counter;
  readonly membershipsEnded: Counter;
  private source: ScrapeSource | null = null;
  private processMetrics = false;

  constructor() {
    this.httpDuration = new Histogram({
      name: 'memberpay_http_request_duration_seconds', help: 'HTTP request duration by method, route pattern and status',
      labelNames: ['method', 'route', 'status'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15], registers: [this.registry],
    });
    this.gatewayDuration = new Histogram({
      name: 'memberpay_gateway_call_duration_seconds', help: 'Payment gateway call duration by operation and outcome (ok, rejected, unknown)',
      labelNames: ['operation', 'outcome'], buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [this.registry],
    });
    this.gatewayCalls = new Counter({
      name: 'memberpay_gateway_calls_total', help: 'Payment gateway calls by operation and outcome (ok, rejected, unknown)',
      labelNames: ['operation', 'outcome'], registers: [this.registry],
    });
    this.renewals = new Counter({
      name: 'memberpay_renewals_total', help: 'Renewal charges by outcome (charged, failed, skipped)', labelNames: ['outcome'], registers: [this.registry],
    });
    this.reminders = new Counter({ name: 'memberpay_renewal_reminders_total', help: 'Renewal reminders sent', registers: [this.registry] });
    this.membershipsEnded = new Counter({ name: 'memberpay_memberships_ended_total', help: 'Memberships ended at period end by renewal runs', registers: [this.registry] });
    const metrics = this;
    new Gauge({
      name: 'memberpay_payments', help: 'Payments by status (counted at scrape time)', labelNames: ['status'], registers: [this.registry],
      async collect() {
        if (!metrics.source) return;
        this.reset();
        for (const [status, count] of Object.entries(await metrics.source.paymentsByStatus())) this.set({ status }, count);
      },
    });
    new Gauge({
      name: 'memberpay_outbox_lag_seconds', help: 'Age of the oldest undelivered domain event (0 when none waits)', registers: [this.registry],
      async collect() {
        if (metrics.source) this.set(await metrics.source.outboxLagSeconds());
      },
    });
  }

  useScrapeSource(source: ScrapeSource): void {
    this.source = source;
  }

  recordRenewalRun(run: RenewalRun): void {
    for (const outcome of ['charged', 'failed', 'skipped'] as const) if (run[outcome] > 0) this.renewals.inc({ outcome }, run[outcome]);
    if (run.reminded > 0) this.reminders.inc(run.reminded);
    if (run.ended > 0) this.membershipsEnded.inc(run.ended);
  }

  /** Prometheus text exposition. Process metrics (CPU, RSS, event loop) start at the first scrape, so containers never scraped cost nothing. */
  async text(): Promise<{ contentType: string; body: string }> {
    if (!this.processMetrics) {
      this.processMetrics = true;
      collectDefaultMetrics({ register: this.registry, prefix: 'memberpay_' });
    }
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/** A rejection is the gateway's definite no; anything else thrown (timeout, 5xx, network) leaves the outcome unknown. */
export function gatewayOutcome(error: unknown): GatewayOutcome {
  return error instanceof GatewayRejectedError ? 'rejected' : 'unknown';
}

/**
 * Times every port call of a gateway. A Proxy rather than a class, so the adapter's own extras
 * (the memory gateway's test controls) stay reachable through the same object.
 */
export function meteredGateway<T extends PaymentGateway>(gateway: T, metrics: AppMetrics): T {
  const operations = new Set<PropertyKey>(GATEWAY_OPERATIONS);
  // Wrapped at each access, not once: a method replaced on the adapter later (a test's stub) is the one timed.
  const timed = (operation: string, original: (...a: unknown[]) => Promise<unknown>) => async (...args: unknown[]) => {
    const end = metrics.gatewayDuration.startTimer({ operation });
    let outcome: GatewayOutcome = 'ok';
    try {
      return await original.apply(gateway, args);
    } catch (error) {
      outcome = gatewayOutcome(error);
      throw error;
    } finally {
      end({ outcome });
      metrics.gatewayCalls.inc({ operation, outcome });
    }
  };
  return new Proxy(gateway, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return operations.has(property) ? timed(String(property), value as (...a: unknown[]) => Promise<unknown>) : value.bind(target);
    },
  });
}

/** The scrape-time counts straight from the tables (one GROUP BY, one MIN): cheap, and no port grows for a metric. */
export class KnexScrapeSource implements ScrapeSource {
  constructor(
    private readonly database: KnexDatabase,
    private readonly clock: Clock,
  ) {}

  async paymentsByStatus(): Promise<Record<string, number>> {
    const rows: Array<{ status: string; count: unknown }> = await this.database.knex('payments').select('status').count({ count: '*' }).groupBy('status');
    const counts: Record<string, number> = { await: 0, paid: 0, failed: 0, cancelled: 0 };
    for (const row of rows) counts[row.status] = Number(row.count);
    return counts;
  }

  async outboxLagSeconds(): Promise<number> {
    const row = await this.database.knex('domain_events').whereNull('delivered_at').min({ oldest: 'occurred_at' }).first();
    const oldest = readOptionalTime(row?.oldest ?? null);
    return oldest ? Math.max(0, (this.clock.now().getTime() - oldest.getTime()) / 1000) : 0;
  }
}
