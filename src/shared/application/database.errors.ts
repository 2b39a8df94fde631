import { DomainError } from '../domain/domain-error';

/**
 * The database gave no connection in time: every one of the pool was busy for the whole wait
 * (overload), or the server refused or dropped a new one. Nothing the waiting statement or unit of
 * work would have written is stored. `reason` is for the log and names no host.
 */
export class DatabaseUnavailableError extends DomainError {
  /** `cause`: the driver's or pool's own error, for the operator's start-up line (it may name the host). */
  constructor(reason: string, cause?: unknown) {
    super('unavailable', 'database_unavailable', reason);
    if (cause !== undefined) this.cause = cause;
  }
}
