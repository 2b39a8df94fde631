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

export class NoTrialError extends DomainError {
  constructor(planId: string) {
    super('rule_violation', 'no_trial', `plan ${planId} has no free trial`);
  }
}

/** One trial per member per plan. */
export class TrialAlreadyUsedError extends DomainError {
  constructor(planId: string) {
    super('conflict', 'trial_used', `you already had the free trial of plan ${planId}`);
  }
}

export class ConsentNotFoundError extends DomainError {
  constructor(id: string) {
    super('not_found', 'consent_not_found', `no consent request ${id}`);
  }
}

export class ConsentClosedError extends DomainError {
  constructor(id: string, status: string) {
    super('conflict', 'consent_closed', `consent request ${id} is ${status} and takes no answer`);
  }
}
