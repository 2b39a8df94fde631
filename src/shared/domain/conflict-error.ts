import { DomainError } from './domain-error';

/** A uniqueness rule refused a write; `rule` names it as the database constraint does. */
export class ConflictError extends DomainError {
  constructor(readonly rule: string, message: string) {
    super('conflict', rule, message);
  }
}
