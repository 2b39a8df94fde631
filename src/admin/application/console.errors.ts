import { DomainError } from '../../shared/domain/domain-error';

export class InvalidCursorError extends DomainError {
  constructor() {
    super('invalid_input', 'invalid_request', 'the cursor is not one this list gave', [{ field: 'cursor', message: 'use the `next` of the previous page' }]);
  }
}

export class ReceiptNotFoundError extends DomainError {
  constructor() {
    super('not_found', 'receipt_not_found', 'no webhook receipt has this id');
  }
}

export class MemberNotFoundError extends DomainError {
  constructor() {
    super('not_found', 'member_not_found', 'no member has this id or e-mail');
  }
}

export class TestClockDisabledError extends DomainError {
  constructor() {
    super('invalid_input', 'test_clock_disabled', 'the test clock is off (TEST_CLOCK=on enables it)');
  }
}
