import { DomainError } from '../../shared/domain/domain-error';

export class NoActiveMembershipError extends DomainError {
  constructor() {
    super('conflict', 'no_active_membership', 'there is no live membership');
  }
}

export class NoBillingKeyError extends DomainError {
  constructor() {
    super('conflict', 'no_billing_key', 'no card is stored for automatic renewal; buy with auto_renew to store one');
  }
}

/** The gateway refused the member's refund: nothing changed on the membership; the member may try again. */
export class RefundRejectedError extends DomainError {
  constructor(gatewayMessage: string, details: unknown) {
    super('gateway_rejected', 'gateway_rejected', gatewayMessage, details);
  }
}
