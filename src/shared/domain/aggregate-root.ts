import { type DomainEvent, newDomainEvent } from './domain-event';

/**
 * Base of every aggregate: it records what happened and hands the events out once,
 * to the unit of work that saves it (which writes them to the outbox in the same transaction).
 */
export abstract class AggregateRoot {
  private recorded: DomainEvent[] = [];

  abstract get id(): string;
  /** Optimistic-concurrency version as loaded; repositories refuse a save from a stale one. */
  abstract get version(): number;
  abstract markSaved(): void;

  protected record<Payload>(type: string, occurredAt: Date, payload: Payload): void {
    this.recorded.push(newDomainEvent(type, this.id, occurredAt, payload) as DomainEvent);
  }

  pullEvents(): DomainEvent[] {
    const events = this.recorded;
    this.recorded = [];
    return events;
  }

  /** Notes that `handler` applied this aggregate's pending events of `type` in the transaction that saves them. */
  noteHandledInTransaction(type: string, handler: string): void {
    for (const event of this.recorded) {
      if (event.type === type) event.handledBy = [...(event.handledBy ?? []), handler];
    }
  }

  hasPendingEvents(): boolean {
    return this.recorded.length > 0;
  }
}
