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

export function newDomainEvent<Payload>(type: string, aggregateId: string, occurredAt: Date, payload: Payload): DomainEvent<Payload> {
  return { id: randomUUID(), type, aggregateId, occurredAt, payload };
}
