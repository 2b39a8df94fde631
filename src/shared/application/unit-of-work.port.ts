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
   * Runs `work` with the events its units would publish after their commits held back, and answers
   * its value with a `publish` that sends them all at once: a batch job's handlers then share their
   * reads and writes (a renewal run's receipts), and the job can go on meanwhile. Each event is in
   * the outbox from its commit on, so a crash, or a `publish` never called, leaves it to the relay
   * as after any commit. When `work` fails, what it committed is published before the failure is
   * answered. Inside another `holdPublication`, the outer one holds the events. Relays leave held
   * events alone for `holdMs` after they occurred (longer than `work` and its publish take): then a
   * dead holder's are theirs.
   */
  holdPublication<T>(work: () => Promise<T>, holdMs: number): Promise<HeldPublication<T>>;
}

export interface HeldPublication<T> {
  value: T;
  /** Publishes the held events (once; again is a no-op). */
  publish(): Promise<void>;
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
