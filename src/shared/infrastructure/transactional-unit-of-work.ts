import { AsyncLocalStorage } from 'node:async_hooks';
import type { EventBus, Outbox, OutboxEntry } from '../application/event-bus.port';
import type { DomainEvent } from '../domain/domain-event';
import type { UnitOfWork, UnitOfWorkOptions } from '../application/unit-of-work.port';
import { reachFaultPoint } from './fault-points';
import type { TransactionContext, TransactionScope } from './transaction-context';

/**
 * The shape every unit of work shares: open a transaction, run the work in its scope, write the
 * recorded events to the outbox inside it, commit, then publish. Adapters supply `transaction`.
 */
export abstract class TransactionalUnitOfWork implements UnitOfWork {
  /** The events units inside a `publishTogether` committed, waiting for it to end. */
  private readonly held = new AsyncLocalStorage<DomainEvent[]>();

  constructor(
    protected readonly context: TransactionContext,
    private readonly outbox: Outbox,
    private readonly eventBus: EventBus,
  ) {}

  protected abstract transaction<T>(body: (scope: TransactionScope) => Promise<T>, options: UnitOfWorkOptions): Promise<T>;

  async run<T>(work: () => Promise<T>, options: UnitOfWorkOptions = {}): Promise<T> {
    if (this.context.current()) return work();
    let entries: OutboxEntry[] = [];
    const result = await this.transaction((scope) =>
      this.context.runIn(scope, async () => {
        const value = await work();
        entries = this.context.pullEvents(scope).map((event) => ({ event, delivered: !this.eventBus.awaitsDelivery(event) }));
        await this.outbox.append(entries);
        for (const { event } of entries) reachFaultPoint(`before-commit:${event.type}`);
        return value;
      }),
      options,
    );
    // Events only relay handlers wait for stay in the outbox for the relay (ADR 0002).
    const awaited = entries.filter((entry) => !entry.delivered && this.eventBus.deliversAfterCommit(entry.event)).map((entry) => entry.event);
    if (awaited.length > 0) {
      const held = this.held.getStore();
      if (held) held.push(...awaited);
      else await this.eventBus.publish(awaited);
    }
    return result;
  }

  async publishTogether<T>(work: () => Promise<T>): Promise<T> {
    if (this.held.getStore()) return work();
    const held: DomainEvent[] = [];
    try {
      return await this.held.run(held, work);
    } finally {
      // Outside the scope: what the handlers' own units commit is published at once.
      if (held.length > 0) await this.eventBus.publish(held);
    }
  }
}
