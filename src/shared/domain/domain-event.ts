import { randomUUID } from 'node:crypto';

/** A fact that happened to an aggregate, named in the past tense. */
export interface DomainEvent<Payload = Record<string, unknown>> {
  readonly id: string;
  readonly type: string;
  readonly aggregateId: string;
  readonly occurredAt: Date;
  readonly payload: Payload;
  /**
   * Handlers that already applied the event inside the transaction that recorded it (never stored):
   * they are not run again after the commit, and an event no other handler waits for is stored delivered.
   */
  handledBy?: string[];
}

/**
 * One kind of event with its payload, named by its type: each context's events file declares its
 * own, and handlers take them, so a payload is read as the type its event names, never cast.
 */
export type TypedEvent<Type extends string, Payload> = DomainEvent<Payload> & { readonly type: Type };

export function newDomainEvent<Payload>(type: string, aggregateId: string, occurredAt: Date, payload: Payload): DomainEvent<Payload> {
  return { id: randomUUID(), type, aggregateId, occurredAt, payload };
}
