import type { DomainEvent } from '../domain/domain-event';

/** A handler must be idempotent: the outbox delivers at least once. */
export type EventHandler<E extends DomainEvent<unknown> = DomainEvent<unknown>> = (event: E) => Promise<void>;

/**
 * When a handler runs: right after the commit that recorded the event (the default: the caller waits
 * for it, e.g. a payment's fulfilment), or only from the outbox relay (work nobody waits for, e.g. a
 * receipt mailed after a purchase, so the request neither waits for the mail nor pays its statements).
 */
export type Delivery = 'after-commit' | 'relay';

/** Handles several events at once; answers those it could not handle (the relay brings them again). */
export type BatchEventHandler<E extends DomainEvent<unknown> = DomainEvent<unknown>> = (events: E[]) => Promise<Array<{ event: E; error: unknown }>>;

export interface SubscribeOptions<E extends DomainEvent<unknown> = DomainEvent<unknown>> {
  delivery?: Delivery;
  /**
   * When a publish holds several events for this handler (the relay's batches), they go to `many`
   * together instead of to the handler one by one, so it can share its reads and writes.
   */
  many?: BatchEventHandler<E>;
}

export interface EventBus {
  /** `E` is the typed event of `eventType` (its context's events file): the bus hands each handler the events of the types it names. */
  subscribe<E extends DomainEvent<unknown>>(eventType: E['type'], name: string, handler: EventHandler<E>, options?: SubscribeOptions<E>): void;
  /** Whether any handler takes this type: an event nobody handles is stored already delivered. */
  handles(eventType: string): boolean;
  /** Whether a handler still has to run for this event after the commit (one that did not apply it in the transaction). */
  awaitsDelivery(event: DomainEvent): boolean;
  /** Whether such a handler is one to run right after the commit; an event awaiting only relay handlers is left to the relay. */
  deliversAfterCommit(event: DomainEvent): boolean;
  /** The event types only relay handlers take: nothing publishes them after their commit, so the relay need not wait. */
  relayOnlyTypes(): string[];
  /** Runs every handler of each event; resolves when all have run. Marks delivered events in the outbox. */
  publish(events: DomainEvent[]): Promise<void>;
}

export interface OutboxEntry {
  event: DomainEvent;
  /** True for an event no handler waits for: it is history, not work. */
  delivered: boolean;
  /**
   * Held for its process until then (UnitOfWork.holdPublication): relays leave it alone, as one they
   * claimed, so they neither deliver it alongside the holder nor lose it when the holder dies.
   */
  claimedUntil?: Date;
}

/** The transactional outbox: events written with the aggregate, delivered after commit, redelivered by the relay. */
export interface Outbox {
  append(entries: OutboxEntry[]): Promise<void>;
  markDelivered(eventIds: string[]): Promise<void>;
  /**
   * Undelivered events older than `olderThan`, oldest first, claimed at `now` for a while so that
   * concurrent relays do not share them; a claim whose relay did not deliver runs out. Events of
   * `anyAgeTypes` are claimed however young.
   */
  claimUndelivered(olderThan: Date, limit: number, now: Date, anyAgeTypes?: string[]): Promise<DomainEvent[]>;
}
