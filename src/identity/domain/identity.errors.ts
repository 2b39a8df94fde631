import { DomainError } from '../../shared/domain/domain-error';

export class EmailTakenError extends DomainError {
  constructor() {
    super('conflict', 'email_taken', 'an account with this email already exists');
  }
}
