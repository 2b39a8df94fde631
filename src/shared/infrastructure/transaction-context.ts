import { AsyncLocalStorage } from 'node:async_hooks';
import type { TransactionTracker, UnitOfWorkOptions } from '../application/unit-of-work.port';
import type { AggregateRoot } from '../domain/aggregate-root';

/** One open unit of work: the adapter's transaction handle, what was saved, and how to undo it (memory). */
export interface TransactionScope<Handle = unknown> {
  handle: Handle;
  tracked: AggregateRoot[];
  undo: Array<() => void>;
  /** What the unit was opened with (UnitOfWorkOptions): a repository whose statement needs it can check. */
  isolation?: UnitOfWorkOptions['isolation'];
}

/**
 * Carries the open transaction through async calls (AsyncLocalStorage), so repositories find it
 * without every use case threading it through.
 */
export class TransactionContext implements TransactionTracker {
  private readonly storage = new AsyncLocalStorage<TransactionScope>();

  current<Handle>(): TransactionScope<Handle> | undefined {
    return this.storage.getStore() as TransactionScope<Handle> | undefined;
  }

  runIn<T, Handle>(scope: TransactionScope<Handle>, work: () => Promise<T>): Promise<T> {
    return this.storage.run(scope, work);
  }

  track(aggregate: AggregateRoot): void {
    const scope = this.current();
    if (!scope) {
      if (aggregate.hasPendingEvents()) throw new Error(`saving ${aggregate.constructor.name} with events outside a unit of work would lose them`);
      return;
    }
    if (!scope.tracked.includes(aggregate)) scope.tracked.push(aggregate);
  }

  /** Events of every aggregate saved in the scope, pulled once, in save order. */
  pullEvents(scope: TransactionScope) {
    return scope.tracked.flatMap((aggregate) => aggregate.pullEvents());
  }
}
