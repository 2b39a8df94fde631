import type { AggregateRoot } from '../domain/aggregate-root';

/**
 * One transaction around a use case. Repositories `track` the aggregates they save; when the
 * work succeeds the unit of work writes their events to the outbox in the same transaction,
 * commits, and then hands the events to the event bus. A `run` inside a `run` joins it.
 * Never call the gateway inside `run`.
 */
export interface UnitOfWork {
  run<T>(work: () => Promise<T>): Promise<T>;
}

/** What repositories use to enlist an aggregate in the current unit of work. */
export interface TransactionTracker {
  track(aggregate: AggregateRoot): void;
}
