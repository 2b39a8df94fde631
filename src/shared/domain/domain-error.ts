/**
 * Typed errors with stable codes. The kind says what went wrong in business terms;
 * the HTTP error middleware owns the mapping from kind to status code.
 */
export type ErrorKind =
  | 'invalid_input'     // the request itself is malformed
  | 'not_found'         // the thing does not exist (or is not the caller's)
  | 'conflict'          // the current state forbids it (already done, taken, in use)
  | 'rule_violation'    // well-formed, but a business rule refuses it
  | 'unauthenticated'
  | 'forbidden'         // the caller is known and not allowed
  | 'rate_limited'
  | 'gateway_rejected'  // the PG gave a definite no
  | 'gateway_unavailable' // the PG's answer is unknown (timeout, 5xx, network)
  | 'unavailable';       // memberpay cannot serve it now (overloaded: its database gave no connection in time); try again

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A save from a stale version: someone else changed the aggregate first. */
export class ConcurrencyConflictError extends DomainError {
  constructor(aggregate: string, id: string) {
    super('conflict', 'concurrent_update', `${aggregate} ${id} was changed by another request; try again`);
  }
}

export class InvalidTransitionError extends DomainError {
  constructor(aggregate: string, from: string, action: string) {
    super('conflict', 'invalid_transition', `${aggregate} in status ${from} cannot ${action}`);
  }
}
