import type { RunRenewals } from '../billing/application/run-renewals.use-case';
import { BILLING } from '../billing/billing.tokens';
import type { AppConfig } from '../config';
import type { ReconcilePayments } from '../payment/application/reconcile-payments.use-case';
import { PAYMENT } from '../payment/payment.tokens';
import type { Clock } from '../shared/application/clock.port';
import type { EventBus, Outbox } from '../shared/application/event-bus.port';
import type { Logger } from '../shared/application/logger.port';
import type { IdempotencyStore } from '../shared/application/idempotency-store.port';
import type { RateLimiter } from '../shared/application/rate-limiter.port';
import type { SessionStore } from '../shared/application/session-store.port';
import type { RetainedRecordStore } from '../membership/application/retained-record-store.port';
import { MEMBERSHIP } from '../membership/membership.tokens';
import { Housekeeping } from '../shared/infrastructure/housekeeping';
import { OutboxRelay } from '../shared/infrastructure/outbox-relay';
import { PeriodicJob } from '../shared/infrastructure/periodic-job';
import { SHARED } from '../shared/shared.tokens';

interface Locator {
  get<T>(token: symbol): T;
}

export interface WorkerIntervals {
  relayMs: number;
  reconcileMs: number;
  renewalsMs: number;
  housekeepingMs: number;
}

export const DEFAULT_INTERVALS: WorkerIntervals = { relayMs: 5_000, reconcileMs: 60_000, renewalsMs: 60_000, housekeepingMs: 10 * 60_000 };

/** The defaults with WORKER_INTERVALS' overrides (AppConfig.workerIntervalsMs). */
export function workerIntervals(overrides: AppConfig['workerIntervalsMs']): WorkerIntervals {
  return {
    relayMs: overrides.relay ?? DEFAULT_INTERVALS.relayMs,
    reconcileMs: overrides.reconcile ?? DEFAULT_INTERVALS.reconcileMs,
    renewalsMs: overrides.renewals ?? DEFAULT_INTERVALS.renewalsMs,
    housekeepingMs: overrides.housekeeping ?? DEFAULT_INTERVALS.housekeepingMs,
  };
}

/**
 * The background work of one instance: the outbox relay (events whose delivery failed), the
 * reconciler (payments with an unknown outcome, lost refunds, expiry), the renewal run
 * (charges, dunning, reminders) and housekeeping (expired sessions, idempotency keys, counters, retained records past their class). Several instances may run them: each claims its own rows.
 */
export function startWorkers(container: Locator, intervals: WorkerIntervals = DEFAULT_INTERVALS): { stop(): Promise<void> } {
  const logger = container.get<Logger>(SHARED.Logger).child({ component: 'workers' });
  const clock = container.get<Clock>(SHARED.Clock);
  const relay = new OutboxRelay(container.get<Outbox>(SHARED.Outbox), container.get<EventBus>(SHARED.EventBus), clock);
  const reconcile = container.get<ReconcilePayments>(PAYMENT.ReconcilePayments);
  const renewals = container.get<RunRenewals>(BILLING.RunRenewals);
  const housekeeping = new Housekeeping(
    container.get<SessionStore>(SHARED.SessionStore), container.get<IdempotencyStore>(SHARED.IdempotencyStore),
    container.get<RateLimiter>(SHARED.RateLimiter), container.get<RetainedRecordStore>(MEMBERSHIP.RetainedRecordStore), clock,
  );
  const jobs: Array<[PeriodicJob, number]> = [
    [new PeriodicJob('outbox-relay', () => relay.runOnce(), logger), intervals.relayMs],
    [new PeriodicJob('reconcile', () => reconcile.execute(), logger), intervals.reconcileMs],
    [new PeriodicJob('renewals', () => renewals.execute(), logger), intervals.renewalsMs],
    [new PeriodicJob('housekeeping', () => housekeeping.run(), logger), intervals.housekeepingMs],
  ];
  for (const [job, every] of jobs) job.start(every);
  return { stop: async () => void (await Promise.all(jobs.map(([job]) => job.stop()))) };
}
