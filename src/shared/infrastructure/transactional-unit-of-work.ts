import { AsyncLocalStorage } from 'node:async_hooks';
import type { EventBus, Outbox, OutboxEntry } from '../application/event-bus.port';
import type { DomainEvent } from '../domain/domain-event';
import type { HeldPublication, UnitOfWork, UnitOfWorkOptions } from '../application/unit-of-work.port';
import { reachFaultPoint } from './fault-points';
import type { TransactionContext, TransactionScope } from './transaction-context';

/**
 * The shape every unit of work shares: open a transaction, run the work in its scope, write the
 * recorded events to the outbox inside it, commit, then publish. Adapters supply `transaction`.
 */
export abstract class TransactionalUnitOfWork implements UnitOfWork {
  /** The events units inside a `holdPublication` committed, waiting for its `publish`. */
  private readonly held = new AsyncLocalStorage<{ events: DomainEvent[]; holdMs: number }>();

  constructor(
    protected readonly context: TransactionContext,
    private readonly outbox: Outbox,
    private readonly eventBus: EventBus,
  ) {}

  protected abstract transaction<T>(body: (scope: TransactionScope) => Promise<T>, options: UnitOfWorkOptions): Promise<T>;

  async run<T>(work: () => Promise<T>, options: UnitOfWorkOptions = {}): Promise<T> {
    if (this.context.current()) return work();
    const held = this.held.getStore();
    let entries: OutboxEntry[] = [];
    // The events this unit publishes after its commit; the others are history, or the relay's (ADR 0002).
    let awaited: DomainEvent[] = [];
    const result = await this.transaction((scope) =>
      this.context.runIn(scope, async () => {
        const value = await work();
        const events = this.context.pullEvents(scope);
        awaited = events.filter((event) => this.eventBus.deliversAfterCommit(event));
        entries = events.map((event) => {
          const delivered = !this.eventBus.awaitsDelivery(event);
          // What the holder will publish is claimed for it, so no relay delivers it meanwhile.
          return held && awaited.includes(event) ? { event, delivered, claimedUntil: new Date(event.occurredAt.getTime() + held.holdMs) } : { event, delivered };
        });
        await this.outbox.append(entries);
        for (const { event } of entries) reachFaultPoint(`before-commit:${event.type}`);
        return value;
      }),
      options,
    );
    if (held) held.events.push(...awaited);
    else if (awaited.length > 0) await this.eventBus.publish(awaited);
    return result;
  }

  async holdPublication<T>(work: () => Promise<T>, holdMs: number): Promise<HeldPublication<T>> {
    if (this.held.getStore()) return { value: await work(), publish: async () => {} };
    const held = { events: [] as DomainEvent[], holdMs };
    const publish = async () => {
      // Outside the scope: what the handlers' own units commit is published at once.
      const events = held.events.splice(0);
      if (events.length > 0) await this.eventBus.publish(events);
    };
    try {
      return { value: await this.held.run(held, work), publish };
    } catch (error) {
      // The work's failure is the answer; events a failed publish leaves undelivered are the relay's after the hold.
      await publish().catch(() => undefined);
      throw error;
    }
  }
}
