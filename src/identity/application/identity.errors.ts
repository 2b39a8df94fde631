import { DomainError } from '../../shared/domain/domain-error';

export class InvalidCredentialsError extends DomainError {
  constructor() {
    super('unauthenticated', 'invalid_credentials', 'the email or the password is wrong');
  }
}

export class TooManyAttemptsError extends DomainError {
  constructor(message: string) {
    super('rate_limited', 'too_many_attempts', message);
  }
}

export class UnauthenticatedError extends DomainError {
  constructor() {
    super('unauthenticated', 'unauthenticated', 'log in first');
  }
}

export class PasswordTooShortError extends DomainError {
  constructor(min: number) {
    super('invalid_input', 'invalid_request', `the password needs at least ${min} characters`, [{ field: 'password', message: `must be at least ${min} characters` }]);
  }
}

/** A write that asks for the password again (account deletion) got a wrong one: the session stays, nothing changes. */
export class WrongPasswordError extends DomainError {
  constructor() {
    super('forbidden', 'wrong_password', 'the password is wrong');
  }
}
