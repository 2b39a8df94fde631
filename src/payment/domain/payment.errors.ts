import { DomainError } from '../../shared/domain/domain-error';

export class PaymentNotFoundError extends DomainError {
  constructor(merchantUid: string) {
    super('not_found', 'payment_not_found', `no payment ${merchantUid}`);
  }
}

/** The gateway does not hold this payment as paid for this order (unknown gateway payment id, another order, not paid). */
export class PaymentNotPaidError extends DomainError {
  constructor(message: string, details?: unknown) {
    super('rule_violation', 'payment_not_paid', message, details);
  }
}

export class AmountMismatchError extends DomainError {
  constructor(expected: number, actual: number) {
    super('rule_violation', 'amount_mismatch', `the gateway charged ${actual} KRW, the order is ${expected} KRW`, { expected, actual });
  }
}

export class InvalidAmountError extends DomainError {
  constructor(message: string) {
    super('rule_violation', 'invalid_amount', message);
  }
}

export class NothingToRefundError extends DomainError {
  constructor(merchantUid: string) {
    super('conflict', 'nothing_to_refund', `payment ${merchantUid} has nothing left to refund`);
  }
}

export class RefundInProgressError extends DomainError {
  constructor(merchantUid: string) {
    super('conflict', 'refund_in_progress', `a refund of payment ${merchantUid} is still waiting for the gateway`);
  }
}

/** A buyer with this many orders still open in the TTL must finish or let them expire before opening more. */
export class TooManyOpenOrdersError extends DomainError {
  constructor(limit: number, windowMinutes: number) {
    super('rate_limited', 'too_many_open_orders', `at most ${limit} unpaid orders in ${windowMinutes} minutes; pay or wait for one to expire`);
  }
}
