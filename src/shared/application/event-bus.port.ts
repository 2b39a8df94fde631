import type { DomainEvent } from '../domain/domain-event';

/** A handler must be idempotent: the outbox delivers at least once. */
export type EventHandler<E extends DomainEvent<unknown> = DomainEvent<unknown>> = (event: E) => Promise<void>;

export interface EventBus {
  /** `E` is the typed event of `eventType` (its context's events file): the bus hands each handler the events of the types it names. */
  subscribe<E extends DomainEvent<unknown>>(eventType: E['type'], name: string, handler: EventHandler<E>): void;
  /** Whether any handler takes this type: an event nobody handles is stored already delivered. */
  handles(eventType: string): boolean;
  /** Whether a handler still has to run for this event after the commit (one that did not apply it in the transaction). */
  awaitsDelivery(event: DomainEvent): boolean;
  /** Runs every handler of each event; resolves when all have run. Marks delivered events in the outbox. */
  publish(events: DomainEvent[]): Promise<void>;
}

export interface OutboxEntry {
  event: DomainEvent;
  /** True for an event no handler waits for: it is history, not work. */
  delivered: boolean;
}

/** The transactional outbox: events written with the aggregate, delivered after commit, redelivered by the relay. */
export interface Outbox {
  append(entries: OutboxEntry[]): Promise<void>;
  markDelivered(eventIds: string[]): Promise<void>;
  /**
   * Undelivered events older than `olderThan`, oldest first, claimed at `now` for a while so that
   * concurrent relays do not share them; a claim whose relay did not deliver runs out.
   */
  claimUndelivered(olderThan: Date, limit: number, now: Date): Promise<DomainEvent[]>;
}
