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
    let entries: OutboxEntry[] = [];
    const result = await this.transaction((scope) =>
      this.context.runIn(scope, async () => {
        const value = await work();
        const held = this.held.getStore();
        entries = this.context.pullEvents(scope).map((event) => {
          const delivered = !this.eventBus.awaitsDelivery(event);
          // What the holder will publish is claimed for it, so no relay delivers it meanwhile.
          const claimedUntil = held && !delivered && this.eventBus.deliversAfterCommit(event) ? new Date(event.occurredAt.getTime() + held.holdMs) : undefined;
          return claimedUntil ? { event, delivered, claimedUntil } : { event, delivered };
        });
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
      if (held) held.events.push(...awaited);
      else await this.eventBus.publish(awaited);
    }
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
