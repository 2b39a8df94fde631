import type { DomainEvent } from '../domain/domain-event';

/** A handler must be idempotent: the outbox delivers at least once. */
export type EventHandler = (event: DomainEvent) => Promise<void>;

export interface EventBus {
  subscribe(eventType: string, name: string, handler: EventHandler): void;
  /** Runs every handler of each event; resolves when all have run. Marks delivered events in the outbox. */
  publish(events: DomainEvent[]): Promise<void>;
}

/** The transactional outbox: events written with the aggregate, delivered after commit, redelivered by the relay. */
export interface Outbox {
  append(events: DomainEvent[]): Promise<void>;
  markDelivered(eventId: string): Promise<void>;
  /** Undelivered events older than `olderThan`, oldest first, claimed so that concurrent relays do not share them. */
  claimUndelivered(olderThan: Date, limit: number): Promise<DomainEvent[]>;
}
