import type { EventBus, Outbox } from '../application/event-bus.port';
import type { UnitOfWork } from '../application/unit-of-work.port';
import type { DomainEvent } from '../domain/domain-event';
import { reachFaultPoint } from './fault-points';
import type { TransactionContext, TransactionScope } from './transaction-context';

/**
 * The shape every unit of work shares: open a transaction, run the work in its scope, write the
 * recorded events to the outbox inside it, commit, then publish. Adapters supply `transaction`.
 */
export abstract class TransactionalUnitOfWork implements UnitOfWork {
  constructor(
    protected readonly context: TransactionContext,
    private readonly outbox: Outbox,
    private readonly eventBus: EventBus,
  ) {}

  protected abstract transaction<T>(body: (scope: TransactionScope) => Promise<T>): Promise<T>;

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.context.current()) return work();
    let events: DomainEvent[] = [];
    const result = await this.transaction((scope) =>
      this.context.runIn(scope, async () => {
        const value = await work();
        events = this.context.pullEvents(scope);
        await this.outbox.append(events.map((event) => ({ event, delivered: !this.eventBus.handles(event.type) })));
        for (const event of events) reachFaultPoint(`before-commit:${event.type}`);
        return value;
      }),
    );
    const awaited = events.filter((event) => this.eventBus.handles(event.type));
    if (awaited.length > 0) await this.eventBus.publish(awaited);
    return result;
  }
}
