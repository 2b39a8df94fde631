import type { AggregateRoot } from '../domain/aggregate-root';

/**
 * One transaction around a use case. Repositories `track` the aggregates they save; when the
 * work succeeds the unit of work writes their events to the outbox in the same transaction,
 * commits, and then hands the events to the event bus. A `run` inside a `run` joins it.
 * Never call the gateway inside `run`.
 */
export interface UnitOfWork {
  /** Options apply to a unit that opens a transaction; a `run` inside a `run` joins the outer one as it is. */
  run<T>(work: () => Promise<T>, options?: UnitOfWorkOptions): Promise<T>;
  /**
   * The units `work` runs hold the events they would publish after their commits and publish them
   * all at once when `work` ends, failed or not: a batch job's handlers then share their reads and
   * writes (a renewal run's receipts). Each event is in the outbox from its commit on, so a crash
   * before that publish leaves it to the relay, as one after any commit does. Inside a
   * `publishTogether` it is that one.
   */
  publishTogether<T>(work: () => Promise<T>): Promise<T>;
}

export interface UnitOfWorkOptions {
  /**
   * `repeatable read`: the unit reads one snapshot, and it may not change a row that another unit
   * changed after that snapshot: it fails with ConcurrencyConflictError instead (run it again).
   * PostgreSQL begins such a unit `ISOLATION LEVEL REPEATABLE READ` (its default is READ COMMITTED);
   * MySQL/MariaDB run every unit so (each connection is set to it); SQLite runs one writer at a time.
   */
  isolation?: 'repeatable read';
}

/** What repositories use to enlist an aggregate in the current unit of work. */
export interface TransactionTracker {
  track(aggregate: AggregateRoot): void;
}
